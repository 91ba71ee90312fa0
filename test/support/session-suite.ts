import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, type describe as Describe, expect, it } from '@jest/globals';
import { RevocationStore, type JwtClaims } from 'nest-jwt-extended';
import { RESOLVED_AUTH_OPTIONS } from '../../libs/auth/src/auth.internal-constants.js';
import type { ResolvedAuthOptions } from '../../libs/auth/src/options/resolved-auth-options.js';
import { RevocationView } from '../../libs/auth/src/revocation/revocation-view.js';
import { startDemo, type DemoServer } from './demo-server.js';
import { forge, now } from './forge.js';
import { ADAPTERS } from './test-env.js';
import { bearer, claimsOf, login, type Login } from './tokens.js';
import type { HttpClient } from './demo-server.js';

/** Logs in as `test` with a user agent of its own. */
async function loginAs(http: HttpClient, userAgent: string): Promise<Login> {
  const res = await http.post('/login').set('User-Agent', userAgent).send({ username: 'test', password: 'test' });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { access: res.body.access_token, refresh: res.body.refresh_token };
}

/** A refresh token for `test` without `sid`, as Flask-JWT-Extended (or a hand-rolled issuer) would mint it. */
function sidLessRefreshToken(): string {
  const iat = now();
  return forge({ sub: 'test', iat, nbf: iat, jti: randomUUID(), type: 'refresh', fresh: false, exp: iat + 3600 });
}

interface ListedSession {
  id: string;
  createdAt: number;
  lastRefreshedAt: number | null;
  expiresAt: number;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Logout, sessions and the revocation window, against the real demo (in this process, so the test can look at its
 * revocation view) with refresh-token rotation on, on both adapters. `env` picks the store.
 */
export function describeSessionSuite(describe: typeof Describe, storeName: string, env: Record<string, string>): void {
  describe.each(ADAPTERS)(`sessions and the revocation window with the ${storeName} store, on %s`, (adapter) => {
    let server: DemoServer;
    let view: RevocationView;
    let options: ResolvedAuthOptions;

    beforeAll(async () => {
      server = await startDemo(adapter, { ...env, JWT_ROTATE_REFRESH_TOKENS: 'true', JWT_REFRESH_GRACE_SECONDS: '0' });
      view = server.app.get(RevocationView);
      options = server.app.get<ResolvedAuthOptions>(RESOLVED_AUTH_OPTIONS);
    });
    afterAll(async () => {
      await server.close();
    });

    const sessionsOf = async (access: string): Promise<ListedSession[]> =>
      (await server.http.get('/sessions').set(bearer(access)).expect(200)).body.sessions;

    const refuses = async (method: 'get' | 'post', path: string, token: string, code = 'token_revoked') => {
      const res = await server.http[method](path).set(bearer(token)).expect(401);
      expect(res.body.code).toBe(code);
    };

    it('logout refuses the access and the refresh token of that login', async () => {
      const mine = await login(server.http);
      const other = await login(server.http);
      await server.http.post('/logout').set(bearer(mine.access)).expect(200);
      await refuses('get', '/protected', mine.access);
      await refuses('post', '/refresh', mine.refresh);
      await server.http.get('/protected').set(bearer(other.access)).expect(200);
      const ids = (await sessionsOf(other.access)).map((session) => session.id);
      expect(ids).toContain(claimsOf(other.access).sid);
      expect(ids).not.toContain(claimsOf(mine.access).sid);
    });

    it("refuses a revoked session's refresh token once the access window has passed and the view dropped it", async () => {
      const tokens = await login(server.http);
      const verifiedRefresh = {
        header: { alg: 'HS256' },
        claims: claimsOf(tokens.refresh) as JwtClaims,
        identity: 'test',
      };
      await server.http.post('/logout').set(bearer(tokens.access)).expect(200);
      expect(view.isRevoked(verifiedRefresh)).toBe(true);

      // The window is over for it: the sweep drops it, as it would a minute after revokedAt + window.
      view.sweep(now() + options.revocationWindow);
      expect(view.isRevoked(verifiedRefresh)).toBe(false);
      // The refresh token lives 30 days: the store is asked, and refuses it.
      await refuses('post', '/refresh', tokens.refresh);
    });

    it('refuses the refresh token of a session revoked before the window, which the view never held', async () => {
      const tokens = await login(server.http);
      const sid = claimsOf(tokens.refresh).sid as string;
      const size = view.size;
      // A logout made long ago (by another instance, say): only the store remembers it.
      const longAgo = now() - 2 * options.revocationWindow;
      await server.app
        .get<RevocationStore>(RevocationStore)
        .revoke({ kind: 'session', id: sid, expiresAt: now() + 86_400, revokedAt: longAgo }, options.revocationWindow);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the feed delivers it (and the view ignores it)
      expect(view.size).toBe(size);
      await refuses('post', '/refresh', tokens.refresh);
    });

    it('detects the reuse of a refresh token without sid: its family is its own jti', async () => {
      const original = sidLessRefreshToken();
      const jti = claimsOf(original).jti;
      const rotated = (await server.http.post('/refresh').set(bearer(original)).expect(200)).body;
      expect(claimsOf(rotated.refresh_token).sid).toBe(jti);
      expect(claimsOf(rotated.access_token).sid).toBe(jti);
      await server.http.get('/protected').set(bearer(rotated.access_token)).expect(200);

      await refuses('post', '/refresh', original, 'refresh_token_reused');
      // The whole family ends: the token it was rotated to, and the access token refreshed from it.
      await refuses('post', '/refresh', rotated.refresh_token);
      await refuses('get', '/protected', rotated.access_token);
      await refuses('post', '/refresh', original);
    });

    it('lists the live sessions with their times, user agent and address, and marks the current one', async () => {
      const laptop = await loginAs(server.http, 'Laptop browser');
      const phone = await loginAs(server.http, 'Phone app');
      const started = now();
      await server.http.post('/refresh').set(bearer(phone.refresh)).expect(200);

      const sessions = await sessionsOf(laptop.access);
      const mine = sessions.find((session) => session.id === claimsOf(laptop.access).sid)!;
      const theirs = sessions.find((session) => session.id === claimsOf(phone.access).sid)!;
      expect(mine).toMatchObject({ current: true, userAgent: 'Laptop browser', lastRefreshedAt: null });
      expect(theirs).toMatchObject({ current: false, userAgent: 'Phone app' });
      expect(theirs.lastRefreshedAt).toBeGreaterThanOrEqual(started - 1);
      expect(mine.ip).toMatch(/127\.0\.0\.1$/);
      expect(mine.createdAt).toBeGreaterThanOrEqual(started - 5);
      expect(mine.expiresAt).toBe(mine.createdAt + 30 * 24 * 60 * 60);
      expect(Object.keys(mine).sort()).toEqual(
        ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastRefreshedAt', 'userAgent'].sort(),
      );
      expect(sessions.filter((session) => session.current)).toHaveLength(1);
      const createdTimes = sessions.map((session) => session.createdAt);
      expect(createdTimes).toEqual([...createdTimes].sort((a, b) => b - a)); // newest first
    });

    it('records at most 256 characters of a user agent', async () => {
      const tokens = await loginAs(server.http, 'x'.repeat(1000));
      const sessions = await sessionsOf(tokens.access);
      expect(sessions.find((session) => session.current)!.userAgent).toBe('x'.repeat(256));
    });

    it('revokes every other session, says how many, and keeps the current one', async () => {
      const current = await loginAs(server.http, 'Keep me');
      const others = [await loginAs(server.http, 'Other 1'), await loginAs(server.http, 'Other 2')];
      const listed = await sessionsOf(current.access);
      expect(listed.length).toBeGreaterThanOrEqual(3);

      const res = await server.http.post('/sessions/revoke-others').set(bearer(current.access)).expect(200);
      expect(res.body).toEqual({ revoked: listed.length - 1 });

      expect((await sessionsOf(current.access)).map((session) => session.id)).toEqual([claimsOf(current.access).sid]);
      for (const other of others) {
        await refuses('get', '/protected', other.access);
        await refuses('post', '/refresh', other.refresh);
      }
      await server.http.post('/refresh').set(bearer(current.refresh)).expect(200);
      await server.http.post('/sessions/revoke-others').set(bearer(current.access)).expect(200, { revoked: 0 });
    });

    it('needs an access token', async () => {
      expect((await server.http.get('/sessions').expect(401)).body.code).toBe('authorization_required');
      const { refresh } = await login(server.http);
      await refuses('post', '/sessions/revoke-others', refresh, 'wrong_token_type');
    });
  });
}
