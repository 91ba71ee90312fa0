import { afterAll, beforeAll, type describe as Describe, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './demo-server.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis.js';
import { ADAPTERS } from './test-env.js';
import { bearer, claimsOf, login } from './tokens.js';

/** The grace windows rotation is tested with (JWT_REFRESH_GRACE_SECONDS): none, and 30 s. */
export type RefreshGraceSeconds = 0 | 30;

/**
 * Refresh-token rotation against the real demo on Redis, on both adapters, with a grace window of `grace` seconds.
 * One set-up for both windows; the tests are those of the window they are about, chosen by an explicit branch.
 * @nestjs/config reads the environment once per test file, so each window runs from a file of its own
 * (rotation.e2e-spec.ts, rotation-grace.e2e-spec.ts): two windows in one file would both get the first.
 */
export function describeRotationSuite(describe: typeof Describe, grace: RefreshGraceSeconds): void {
  const prefix = uniquePrefix(grace === 0 ? 'rotation' : 'grace');
  const window = grace === 0 ? 'without a grace window' : `with a ${grace} s grace window`;

  describe.each(ADAPTERS)(`refresh-token rotation ${window}, on Redis, on %s`, (adapter) => {
    let server: DemoServer;

    beforeAll(async () => {
      server = await startDemo(adapter, {
        REDIS_URL,
        REDIS_KEY_PREFIX: `${prefix}${adapter}:`,
        JWT_ROTATE_REFRESH_TOKENS: 'true',
        JWT_REFRESH_GRACE_SECONDS: String(grace),
        JWT_REFRESH_TOKEN_EXPIRES: '3600',
      });
    });
    afterAll(async () => {
      await server.close();
      await deleteKeys(prefix);
    });

    const refresh = (token: string) => server.http.post('/refresh').set(bearer(token));

    if (grace === 0) {
      it('returns a new refresh token of the same session with every refresh', async () => {
        const { refresh: r0 } = await login(server.http);
        const res = await server.http.post('/refresh').set(bearer(r0)).expect(200);
        expect(Object.keys(res.body).sort()).toEqual(['access_token', 'refresh_token']);
        const r1 = res.body.refresh_token;
        expect(r1).not.toBe(r0);
        expect(claimsOf(r1)).toMatchObject({
          type: 'refresh',
          sid: claimsOf(r0).sid,
          auth_time: claimsOf(r0).auth_time,
        });
        expect(claimsOf(res.body.access_token)).toMatchObject({ fresh: false, sid: claimsOf(r0).sid });
        const r2 = (await server.http.post('/refresh').set(bearer(r1)).expect(200)).body.refresh_token;
        expect(r2).not.toBe(r1);
      });

      it('treats a replayed refresh token as theft: 401 refresh_token_reused, and the whole session is revoked', async () => {
        const { access: a0, refresh: r0 } = await login(server.http);
        const rotated = (await server.http.post('/refresh').set(bearer(r0)).expect(200)).body;

        const replay = await server.http.post('/refresh').set(bearer(r0)).expect(401);
        expect(replay.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Refresh token was already used; the session has been revoked',
          code: 'refresh_token_reused',
        });
        expect(replay.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);

        // The thief's copy and the victim's newer tokens die together.
        expect((await server.http.post('/refresh').set(bearer(rotated.refresh_token)).expect(401)).body.code).toBe(
          'token_revoked',
        );
        expect((await server.http.get('/protected').set(bearer(rotated.access_token)).expect(401)).body.code).toBe(
          'token_revoked',
        );
        expect((await server.http.get('/protected').set(bearer(a0)).expect(401)).body.code).toBe('token_revoked');
      });

      it('lets exactly one of 50 concurrent refreshes of one token succeed', async () => {
        const { refresh } = await login(server.http);
        const answers = await Promise.all(
          Array.from({ length: 50 }, () => server.http.post('/refresh').set(bearer(refresh))),
        );
        const statuses = answers.map((res) => res.status);
        expect(statuses.filter((status) => status === 200)).toHaveLength(1);
        expect(statuses.filter((status) => status === 401)).toHaveLength(49);
        for (const res of answers.filter((answer) => answer.status === 401)) {
          expect(['refresh_token_reused', 'token_revoked']).toContain(res.body.code);
        }
      });

      it('keeps other sessions of the user working after a reuse is detected', async () => {
        const victim = await login(server.http);
        const bystander = await login(server.http);
        await server.http.post('/refresh').set(bearer(victim.refresh)).expect(200);
        await server.http.post('/refresh').set(bearer(victim.refresh)).expect(401);
        await server.http.post('/refresh').set(bearer(bystander.refresh)).expect(200);
      });
    } else {
      it('accepts the immediately previous token again inside the window (a lost response)', async () => {
        const { refresh: r0 } = await login(server.http);
        await refresh(r0).expect(200); // the answer is "lost"
        const retry = await refresh(r0).expect(200);
        await refresh(retry.body.refresh_token).expect(200);
      });

      it('treats the second-to-last token as theft even inside the window', async () => {
        const { refresh: r0 } = await login(server.http);
        const r1 = (await refresh(r0).expect(200)).body.refresh_token;
        const r2 = (await refresh(r1).expect(200)).body.refresh_token;

        const stale = await refresh(r0).expect(401);
        expect(stale.body.code).toBe('refresh_token_reused');
        expect((await refresh(r2).expect(401)).body.code).toBe('token_revoked');
      });

      it('caps the session at its absolute lifetime: rotation never extends it', async () => {
        const { refresh: r0 } = await login(server.http);
        const r1 = (await refresh(r0).expect(200)).body.refresh_token;
        const start = claimsOf(r0).auth_time as number;
        expect(claimsOf(r1).auth_time).toBe(start);
        expect(claimsOf(r1).exp as number).toBeLessThanOrEqual(start + 3600);
      });
    }
  });
}
