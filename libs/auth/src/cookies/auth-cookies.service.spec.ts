import { describe, expect, it } from '@jest/globals';
import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { AuthCookies } from './auth-cookies.service.js';
import type { CookieResponse } from './set-cookie-header.js';

function setUp(options: Partial<AuthModuleOptions> = {}) {
  const resolved = resolveAuthOptions({ secret: 'x'.repeat(32), tokenLocation: ['cookies'], ...options });
  const tokens = new TokenService(resolved, new TokenVerifier(resolved));
  return { cookies: new AuthCookies(resolved), tokens };
}

/** The three kinds of response the service writes to, each recording its Set-Cookie headers. */
function responses(): Array<[string, CookieResponse, () => string[]]> {
  const express: string[] = [];
  const fastify: string[] = [];
  const node = new ServerResponse(new IncomingMessage(new Socket()));
  return [
    [
      'Express',
      {
        append: (name: string, value: string) => express.push(`${name.toLowerCase()}|${value}`),
        header: () => undefined,
      },
      () => express.map((line) => line.replace(/^set-cookie\|/, '')),
    ],
    [
      'Fastify',
      { header: (name: string, value: string) => fastify.push(`${name}|${value}`), raw: {} },
      () => fastify.map((line) => line.replace(/^set-cookie\|/, '')),
    ],
    ['Node', node, () => (node.getHeader('set-cookie') as string[] | undefined) ?? []],
  ];
}

describe('AuthCookies', () => {
  it.each(responses())(
    'sets four cookies on a %s response: HttpOnly tokens, readable CSRF values',
    (_name, response, sent) => {
      const { cookies, tokens } = setUp({ accessTokenExpiresIn: 600 });
      const accessToken = tokens.createAccessToken('alice', { fresh: true });
      const refreshToken = tokens.createRefreshToken('alice');
      const csrf = (token: string) => tokens.verifyToken(token).csrf;
      cookies.setAuthCookies(response, { accessToken, refreshToken });
      expect(sent()).toEqual([
        `access_token_cookie=${accessToken}; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax`,
        `csrf_access_token=${csrf(accessToken)}; Max-Age=600; Path=/; Secure; SameSite=Lax`,
        `refresh_token_cookie=${refreshToken}; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax`,
        `csrf_refresh_token=${csrf(refreshToken)}; Max-Age=2592000; Path=/; Secure; SameSite=Lax`,
      ]);
    },
  );

  it.each(responses())('clears the four cookies on a %s response with Max-Age=0', (_name, response, sent) => {
    const { cookies } = setUp({ cookies: { refreshPath: '/web/refresh', domain: 'example.com', sameSite: 'strict' } });
    cookies.clearAuthCookies(response);
    const expires = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT';
    expect(sent()).toEqual([
      `access_token_cookie=; Max-Age=0; Domain=example.com; Path=/; ${expires}; HttpOnly; Secure; SameSite=Strict`,
      `csrf_access_token=; Max-Age=0; Domain=example.com; Path=/; ${expires}; Secure; SameSite=Strict`,
      `refresh_token_cookie=; Max-Age=0; Domain=example.com; Path=/web/refresh; ${expires}; HttpOnly; Secure; SameSite=Strict`,
      `csrf_refresh_token=; Max-Age=0; Domain=example.com; Path=/; ${expires}; Secure; SameSite=Strict`,
    ]);
  });

  it('writes session cookies, a fixed Max-Age, and no CSRF cookie when told', () => {
    const [[, first, sentFirst], [, second, sentSecond]] = responses() as [
      [string, CookieResponse, () => string[]],
      [string, CookieResponse, () => string[]],
    ];
    const session = setUp({ cookies: { session: true, secure: false }, csrf: { inCookies: false } });
    const token = session.tokens.createAccessToken('alice');
    session.cookies.setAccessCookies(first, token);
    expect(sentFirst()).toEqual([`access_token_cookie=${token}; Path=/; HttpOnly; SameSite=Lax`]);
    const fixed = setUp({ cookies: { maxAge: '1h', hostPrefix: true } });
    const other = fixed.tokens.createAccessToken('alice');
    fixed.cookies.setAccessCookies(second, other);
    expect(sentSecond()[0]).toBe(
      `__Host-access_token_cookie=${other}; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(sentSecond()[1]).toMatch(
      /^__Host-csrf_access_token=[0-9a-f-]{36}; Max-Age=3600; Path=\/; Secure; SameSite=Lax$/,
    );
  });

  it('sets no CSRF cookie for a token without a csrf claim, and refuses what is not a token', () => {
    const [[, response, sent]] = responses() as [[string, CookieResponse, () => string[]]];
    const headerOnly = setUp({ tokenLocation: ['headers'] });
    const token = headerOnly.tokens.createAccessToken('alice');
    headerOnly.cookies.setAccessCookies(response, token);
    expect(sent()).toHaveLength(1);
    expect(() => headerOnly.cookies.setAccessCookies(response, 'not-a-token')).toThrow('compact JWT');
    expect(() => headerOnly.cookies.setAccessCookies({} as CookieResponse, token)).toThrow('needs the response object');
  });
});
