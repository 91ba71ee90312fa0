import { describe, expect, it } from '@jest/globals';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { AuthCookies } from './auth-cookies.service.js';

/** An AuthCookies over `cookies` options, an Express-like response that records its Set-Cookie lines, and a login. */
function setUp(cookieOptions: { session?: boolean; maxAge?: number } = {}) {
  const resolved = resolveAuthOptions({
    secret: 'x'.repeat(32),
    tokenLocation: ['cookies'],
    accessTokenExpiresIn: 600,
    refreshTokenExpiresIn: '30d',
    cookies: cookieOptions,
  });
  const tokens = new TokenService(resolved, new TokenVerifier(resolved));
  const lines: string[] = [];
  const response = { append: (_name: string, value: string) => lines.push(value) };
  const pair = { accessToken: tokens.createAccessToken('alice'), refreshToken: tokens.createRefreshToken('alice') };
  return { cookies: new AuthCookies(resolved), response, lines, pair };
}

/** The Max-Age (or 'session') of each cookie a call set, by name. */
function lifetimes(lines: string[]): Record<string, string> {
  return Object.fromEntries(
    lines.map((line) => {
      expect(line).not.toMatch(/Expires=/);
      return [line.slice(0, line.indexOf('=')), /Max-Age=(\d+)/.exec(line)?.[1] ?? 'session'];
    }),
  );
}

describe('AuthCookies: a lifetime per call', () => {
  it('sets session cookies (no Max-Age, no Expires) with { session: true }, over the module default', () => {
    const { cookies, response, lines, pair } = setUp();
    cookies.setAuthCookies(response, pair, { session: true });
    expect(lifetimes(lines)).toEqual({
      access_token_cookie: 'session',
      csrf_access_token: 'session',
      refresh_token_cookie: 'session',
      csrf_refresh_token: 'session',
    });
  });

  it('sets the Max-Age given to one call, over cookies.session: true', () => {
    const { cookies, response, lines, pair } = setUp({ session: true });
    cookies.setRefreshCookies(response, pair.refreshToken, { maxAge: '7d' });
    cookies.setAccessCookies(response, pair.accessToken);
    expect(lifetimes(lines)).toEqual({
      refresh_token_cookie: '604800',
      csrf_refresh_token: '604800',
      access_token_cookie: 'session',
      csrf_access_token: 'session',
    });
  });

  it('follows the module options when the call names no lifetime, or { session: false }', () => {
    const { cookies, response, lines, pair } = setUp({ maxAge: 120 });
    cookies.setAuthCookies(response, pair, { session: false });
    expect(Object.values(lifetimes(lines))).toEqual(['120', '120', '120', '120']);
  });

  it.each([
    [{ session: true, maxAge: 60 }, /either lifetime.maxAge or lifetime.session/],
    [{ maxAge: 0 }, /lifetime.maxAge/],
    [{ maxAge: '900' }, /lifetime.maxAge/],
    [{ maxAge: false as const }, /lifetime.maxAge/],
    [{ session: 'yes' as unknown as boolean }, /lifetime.session/],
  ])('refuses %j, naming the field, and sets no cookie', (lifetime, message) => {
    const { cookies, response, lines, pair } = setUp();
    expect(() => cookies.setAuthCookies(response, pair, lifetime)).toThrow(message);
    expect(lines).toEqual([]);
  });
});
