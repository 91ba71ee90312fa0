// The app's own tests, as a user of nest-jwt-extended writes them: AppModule beside AuthTestingModule, whose clock
// moves without waiting and whose keys and store replace the app's. Run by `npm test` (tsc, then node:test).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthTesting, AuthTestingModule } from 'nest-jwt-extended/testing';
import { AppModule } from '../src/app.module';

// AppModule reads its secret with getOrThrow; AuthTestingModule signs with a random key of its own instead, so any
// placeholder will do: the test handles no secret. REDIS_URL too: the testing module keeps revocations in memory.
process.env.JWT_SECRET_KEY ??= 'replaced-by-AuthTestingModule';
process.env.REDIS_URL = 'redis://127.0.0.1:1'; // nothing listens there: a store that connected would fail the test

@Module({ imports: [AppModule, AuthTestingModule.forRoot({ startAt: new Date('2030-01-01T00:00:00Z') })] })
class TestModule {}

describe('the account routes', () => {
  let app: INestApplication;
  let auth: AuthTesting;
  let base: string;

  before(async () => {
    app = await NestFactory.create(TestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    auth = app.get(AuthTesting);
  });
  after(() => app.close());

  async function call(method: string, path: string, headers: Record<string, string> = {}, body?: object) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('serves /protected to a token minted for an identity in one call', async () => {
    assert.deepEqual((await call('GET', '/protected', auth.header('alice'))).body, {
      logged_in_as: 'alice',
      fresh: false,
    });
  });

  it('lets only a fresh token through /protected-fresh', async () => {
    assert.equal((await call('POST', '/protected-fresh', auth.header('alice', { fresh: true }))).status, 200);
    const stale = await call('POST', '/protected-fresh', auth.header('alice'));
    assert.equal(stale.status, 401);
    assert.equal(stale.body.code, 'fresh_token_required');
  });

  it('refuses a token once the clock passes its 15 minutes: token_expired, no waiting', async () => {
    const header = auth.header('alice');
    auth.clock.advance('15m');
    const expired = await call('GET', '/protected', header);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'token_expired');
  });

  it('logs in, logs out, and records the events', async () => {
    auth.clearEvents();
    const login = await call('POST', '/login', {}, { username: 'test', password: 'test' });
    assert.equal(login.status, 200);
    const access = auth.bearer(login.body.access_token as string);
    assert.equal((await call('POST', '/logout', access)).status, 200);
    assert.equal((await call('GET', '/protected', access)).body.code, 'token_revoked');
    assert.deepEqual(
      auth.events.map((event) => event.type),
      ['login', 'session_revoked', 'refused'],
    );
  });

  it("serves the route of @nestjs/passport's AuthGuard('jwt-access') to a minted token", async () => {
    assert.deepEqual((await call('GET', '/passport', auth.header('carol'))).body, {
      logged_in_as: 'carol',
      guard: 'passport',
    });
  });

  it('ends a session from the test: its refresh token is refused', async () => {
    const { accessToken, refreshToken } = await auth.login('bob');
    await auth.revokeSession(accessToken);
    assert.equal((await call('POST', '/refresh', auth.bearer(refreshToken!))).body.code, 'token_revoked');
  });
});
