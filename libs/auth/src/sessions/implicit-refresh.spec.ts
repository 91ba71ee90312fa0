import { afterEach, describe, expect, it } from '@jest/globals';
import { AuthCookies } from '../cookies/auth-cookies.service.js';
import type { CookieResponse } from '../cookies/set-cookie-header.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { MemoryRevocationStore } from '../revocation/memory-revocation.store.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { ImplicitRefresh } from './implicit-refresh.js';
import { SessionService } from './session.service.js';

const views: RevocationView[] = [];
afterEach(async () => {
  await Promise.all(views.splice(0).map((view) => view.onApplicationShutdown()));
});

async function setUp(options: Partial<AuthModuleOptions>) {
  const resolved = resolveAuthOptions({ secret: 'x'.repeat(32), tokenLocation: ['cookies'], ...options });
  const store = new MemoryRevocationStore();
  const view = new RevocationView(resolved, store);
  views.push(view);
  await view.onModuleInit();
  const tokens = new TokenService(resolved, new TokenVerifier(resolved));
  const sessions = new SessionService(resolved, store, tokens, view, new RevocationService(resolved, store, view));
  const refresh = new ImplicitRefresh(resolved, sessions, new AuthCookies(resolved));
  const sent: string[] = [];
  const response = { append: (_name: string, value: string) => sent.push(value) } as CookieResponse;
  return { tokens, sessions, refresh, sent, response };
}

describe('ImplicitRefresh', () => {
  it('renews an access token inside the window: same session, claims and CSRF value, not fresh', async () => {
    const { tokens, sessions, refresh, sent, response } = await setUp({ implicitRefresh: { within: 60 } });
    const pair = await sessions.start('alice', { additionalClaims: { roles: ['admin'] } });
    // As the guard would see it 14 minutes later: 60 s left.
    const claims = { ...tokens.verifyToken(pair.accessToken), exp: Math.floor(Date.now() / 1000) + 60 };
    refresh.renewIfDue({ claims, header: { alg: 'HS256' }, identity: 'alice' }, response);
    expect(sent).toHaveLength(2);
    const renewed = tokens.verifyToken(/^access_token_cookie=([^;]+)/.exec(sent[0]!)![1]!);
    expect(renewed).toMatchObject({
      sub: 'alice',
      sid: pair.sessionId,
      roles: ['admin'],
      fresh: false,
      csrf: claims.csrf,
    });
    expect(renewed.jti).not.toBe(claims.jti);
    expect(renewed.auth_time).toBe(claims.auth_time);
    expect(sent[1]).toBe(`csrf_access_token=${claims.csrf}; Max-Age=900; Path=/; Secure; SameSite=Lax`);
  });

  it('leaves a token outside the window, a refresh token, and everything when off', async () => {
    const { tokens, sessions, refresh, sent, response } = await setUp({ implicitRefresh: { within: 60 } });
    const pair = await sessions.start('alice');
    const verified = (token: string) => ({
      claims: tokens.verifyToken(token),
      header: { alg: 'HS256' },
      identity: 'alice',
    });
    refresh.renewIfDue(verified(pair.accessToken), response);
    refresh.renewIfDue(verified(pair.refreshToken!), response);
    expect(sent).toEqual([]);
    const off = await setUp({});
    expect(off.refresh.enabled).toBe(false);
    off.refresh.renewIfDue(verified(pair.accessToken), off.response);
    expect(off.sent).toEqual([]);
  });
});
