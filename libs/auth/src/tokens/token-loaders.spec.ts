import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from './token.service.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'x'.repeat(32);

function makeService(options: Partial<AuthModuleOptions> = {}): TokenService {
  const resolved = resolveAuthOptions({ secret: SECRET, ...options });
  return new TokenService(resolved, new TokenVerifier(resolved));
}

const part = (token: string, index: 0 | 1) =>
  JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString()) as Record<string, unknown>;

interface User {
  id: string;
  roles: string[];
}

describe('TokenService with loaders', () => {
  it('applies a synchronous claims and headers loader in the synchronous methods, per-call values winning', () => {
    const seen: unknown[] = [];
    const tokens = makeService({
      additionalClaims: (identity, context) => {
        seen.push([identity, context]);
        return { roles: ['user'], tenant: 'eu' };
      },
      additionalHeaders: (_identity, { type }) => ({ 'x-type': type, 'x-app': 'demo' }),
    });
    const access = tokens.createAccessToken('alice', {
      additionalClaims: { tenant: 'us' },
      additionalHeaders: { 'x-app': 'other' },
    });
    expect(part(access, 1)).toMatchObject({ sub: 'alice', roles: ['user'], tenant: 'us', type: 'access' });
    expect(part(access, 0)).toMatchObject({ 'x-type': 'access', 'x-app': 'other', alg: 'HS256', typ: 'JWT' });
    expect(part(tokens.createRefreshToken('alice'), 1)).toMatchObject({ roles: ['user'], type: 'refresh' });
    expect(seen).toEqual([
      ['alice', { type: 'access' }],
      ['alice', { type: 'refresh' }],
    ]);
  });

  it('puts carried baseClaims beneath the loader and the per-call claims', () => {
    const tokens = makeService({ additionalClaims: () => ({ roles: ['new'] }) });
    const token = tokens.createAccessToken('alice', {
      baseClaims: { roles: ['old'], plan: 'pro' },
      additionalClaims: { plan: 'free' },
    });
    expect(part(token, 1)).toMatchObject({ roles: ['new'], plan: 'free' });
  });

  it('refuses reserved claims and headers from a loader, naming it', () => {
    expect(() => makeService({ additionalClaims: () => ({ exp: 1 }) }).createAccessToken('alice')).toThrow(
      'nest-jwt-extended: the additionalClaims loader must not set the reserved claim "exp"',
    );
    expect(() => makeService({ additionalHeaders: () => ({ alg: 'none' }) }).createAccessToken('alice')).toThrow(
      /reserved header "alg"/,
    );
    expect(() => makeService({ additionalClaims: () => ['roles'] as never }).createAccessToken('alice')).toThrow(
      /must give an object of claims/,
    );
  });

  it('asks for the async methods when a loader is async, and they await it', async () => {
    const tokens = makeService({ additionalClaims: async () => ({ roles: ['admin'] }) });
    expect(() => tokens.createAccessToken('alice')).toThrow(/createAccessTokenAsync/);
    expect(part(await tokens.createAccessTokenAsync('alice', { fresh: true }), 1)).toMatchObject({
      roles: ['admin'],
      fresh: true,
    });
    expect(part(await tokens.createRefreshTokenAsync('alice'), 1)).toMatchObject({ roles: ['admin'], type: 'refresh' });
    await expect(
      makeService({ additionalClaims: async () => Promise.reject(new Error('db down')) }).createAccessTokenAsync('a'),
    ).rejects.toThrow('db down');
  });

  it('mints from an object with identityOf, handing the object to the loaders', () => {
    const tokens = makeService({
      identityOf: (user: User) => user.id,
      additionalClaims: (_identity, { user }) => ({ roles: (user as User | undefined)?.roles ?? [] }),
    });
    const user: User = { id: 'u-7', roles: ['admin'] };
    expect(part(tokens.createAccessToken(user), 1)).toMatchObject({ sub: 'u-7', roles: ['admin'] });
    expect(part(tokens.createAccessToken('u-8'), 1)).toMatchObject({ sub: 'u-8', roles: [] });
    expect(tokens.identityOf(user)).toBe('u-7');
    expect(() => makeService().createAccessToken(user)).toThrow(
      'nest-jwt-extended: identity must be a non-empty string',
    );
  });

  it('mints declared custom types only, verified only as that type', () => {
    const tokens = makeService({ tokenTypes: ['password_reset'] });
    const reset = tokens.createToken('password_reset', 'alice', { expiresIn: 60 });
    expect(tokens.verifyToken(reset, { type: 'password_reset' })).toMatchObject({
      type: 'password_reset',
      fresh: false,
    });
    expect(() => tokens.verifyToken(reset, { type: 'access' })).toThrow('Only access tokens are allowed');
    expect(tokens.verifyToken(reset, { type: ['password_reset', 'access'] }).sub).toBe('alice');
    expect(() => tokens.createToken('access', 'alice')).toThrow(/use createAccessToken/);
    expect(() => tokens.createToken('email', 'alice')).toThrow(/not declared in the tokenTypes option/);
    // A module that does not declare the type refuses the token outright.
    expect(() => makeService().verifyToken(reset)).toThrow('Token type is not known');
  });
});

describe('resolveAuthOptions for loaders, hooks and formats', () => {
  it.each<[Partial<AuthModuleOptions>, string, RegExp]>([
    [{ additionalClaims: {} as never }, 'additionalClaims', /must be a function/],
    [{ loadUser: 'users' as never }, 'loadUser', /must be a function/],
    [{ verifyClaims: true as never }, 'verifyClaims', /must be a function/],
    [{ onEvent: [] as never }, 'onEvent', /must be a function/],
    [{ identityOf: 'id' as never }, 'identityOf', /must be a function/],
    [{ errorFormat: 'flask' as never }, 'errorFormat', /'default', 'flask-jwt-extended' or a function/],
    [{ tokenTypes: 'reset' as never }, 'tokenTypes', /must be an array/],
    [{ tokenTypes: ['refresh'] }, 'tokenTypes', /built in/],
    [{ tokenTypes: ['has space'] }, 'tokenTypes', /invalid type name/],
  ])('refuses %p naming %s', (options, option, reason) => {
    expect(() => resolveAuthOptions({ secret: SECRET, ...options })).toThrow(
      expect.objectContaining({ option, message: expect.stringMatching(reason) }),
    );
  });

  it('resolves the error format to a function, none for the default', () => {
    expect(resolveAuthOptions({ secret: SECRET }).errorFormatter).toBeUndefined();
    expect(resolveAuthOptions({ secret: SECRET, errorFormat: 'default' }).errorFormatter).toBeUndefined();
    expect(typeof resolveAuthOptions({ secret: SECRET, errorFormat: 'flask-jwt-extended' }).errorFormatter).toBe(
      'function',
    );
  });
});
