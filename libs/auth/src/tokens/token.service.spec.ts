import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from './token.service.js';
import { TokenVerifier } from './token-verifier.js';
import { thrownBy } from '../testing/thrown-by.js';

const SECRET = 'x'.repeat(32);
/** 2030-01-01T00:00:00.750Z: the fraction checks that `iat` is floored, not rounded. */
const NOW_MS = Date.UTC(2030, 0, 1, 0, 0, 0, 750);
const NOW = Math.floor(NOW_MS / 1000);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function makeService(options: Partial<AuthModuleOptions> = {}): TokenService {
  const resolved = resolveAuthOptions({ secret: SECRET, ...options });
  return new TokenService(resolved, new TokenVerifier(resolved));
}

/** The raw JSON of one part of a compact JWT, read by hand so nothing is filtered or checked. */
function part(token: string, index: 0 | 1): Record<string, unknown> {
  const segments = token.split('.');
  expect(segments).toHaveLength(3);
  return JSON.parse(Buffer.from(segments[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const headerOf = (token: string) => part(token, 0);
const payloadOf = (token: string) => part(token, 1);

function expectAuthError(fn: () => unknown, code: AuthErrorCode): AuthError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(code);
  expect((error as AuthError).getStatus()).toBe(401);
  return error as AuthError;
}

describe('TokenService', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW_MS });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('createAccessToken', () => {
    it('writes sub, iat, nbf, exp, jti, type, fresh, sid and auth_time', () => {
      const payload = payloadOf(makeService().createAccessToken('alice'));
      expect(Object.keys(payload).sort()).toEqual([
        'auth_time',
        'exp',
        'fresh',
        'iat',
        'jti',
        'nbf',
        'sid',
        'sub',
        'type',
      ]);
      expect(payload.sub).toBe('alice');
      expect(payload.type).toBe('access');
    });

    it('starts a new session (sid, auth_time = iat) unless given one', () => {
      const service = makeService();
      const first = payloadOf(service.createAccessToken('alice'));
      const second = payloadOf(service.createAccessToken('alice'));
      expect(first.sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(second.sid).not.toBe(first.sid);
      expect(first.auth_time).toBe(first.iat);
      const joined = payloadOf(
        service.createRefreshToken('alice', { sessionId: 's-1', authTime: NOW - 60, jti: 'j-1' }),
      );
      expect(joined).toMatchObject({ sid: 's-1', auth_time: NOW - 60, jti: 'j-1' });
    });

    it('never lets a token outlive notAfter', () => {
      const payload = payloadOf(makeService().createRefreshToken('alice', { notAfter: NOW + 100 }));
      expect(payload.exp).toBe(NOW + 100);
      const later = payloadOf(makeService().createAccessToken('alice', { notAfter: NOW + 100000 }));
      expect(later.exp).toBe(NOW + 900);
    });

    it('sets iat to the current whole second, nbf to iat and exp to iat + 15 minutes', () => {
      const payload = payloadOf(makeService().createAccessToken('alice'));
      expect(payload.iat).toBe(NOW);
      expect(payload.nbf).toBe(payload.iat);
      expect(payload.exp).toBe(NOW + 900);
      expect(Number.isInteger(payload.iat)).toBe(true);
      expect(Number.isInteger(payload.nbf)).toBe(true);
      expect(Number.isInteger(payload.exp)).toBe(true);
    });

    it('uses the configured access lifetime', () => {
      const payload = payloadOf(makeService({ accessTokenExpiresIn: '5m' }).createAccessToken('alice'));
      expect(payload.exp).toBe(NOW + 300);
    });

    it('gives every token a distinct uuid v4 jti', () => {
      const service = makeService();
      const first = payloadOf(service.createAccessToken('alice')).jti;
      const second = payloadOf(service.createAccessToken('alice')).jti;
      expect(first).toMatch(UUID_V4);
      expect(second).toMatch(UUID_V4);
      expect(first).not.toBe(second);
    });

    it('is not fresh by default', () => {
      expect(payloadOf(makeService().createAccessToken('alice')).fresh).toBe(false);
    });

    it.each([true, false])('stores fresh: %p as is', (fresh) => {
      expect(payloadOf(makeService().createAccessToken('alice', { fresh })).fresh).toBe(fresh);
    });

    it.each([
      [300, NOW + 300],
      [0, NOW],
      [12.7, NOW + 12],
    ])('stores fresh: %p as the epoch second iat + N (%p)', (fresh, expected) => {
      expect(payloadOf(makeService().createAccessToken('alice', { fresh })).fresh).toBe(expected);
    });

    it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 'yes'])('refuses fresh: %p', (fresh) => {
      expect(() => makeService().createAccessToken('alice', { fresh: fresh as never })).toThrow(
        new TypeError('nest-jwt-extended: fresh must be true, false or a number of seconds >= 0'),
      );
    });
  });

  describe('createRefreshToken', () => {
    it('writes type refresh, fresh false and a 30-day exp', () => {
      const payload = payloadOf(makeService().createRefreshToken('alice'));
      expect(payload).toMatchObject({
        sub: 'alice',
        type: 'refresh',
        fresh: false,
        iat: NOW,
        nbf: NOW,
        exp: NOW + 2592000,
      });
      expect(payload.jti).toMatch(UUID_V4);
    });

    it('uses the configured refresh lifetime', () => {
      expect(payloadOf(makeService({ refreshTokenExpiresIn: '7d' }).createRefreshToken('alice')).exp).toBe(
        NOW + 7 * 86400,
      );
    });

    it('is never fresh, even if a caller slips fresh in', () => {
      const token = makeService().createRefreshToken('alice', { fresh: true } as never);
      expect(payloadOf(token).fresh).toBe(false);
    });
  });

  describe('header', () => {
    it('is exactly { alg: "HS256", typ: "JWT" } by default', () => {
      expect(headerOf(makeService().createAccessToken('alice'))).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(headerOf(makeService().createRefreshToken('alice'))).toEqual({ alg: 'HS256', typ: 'JWT' });
    });

    it('names the configured algorithm', () => {
      const token = makeService({ secret: 'z'.repeat(64), algorithm: 'HS512' }).createAccessToken('alice');
      expect(headerOf(token)).toEqual({ alg: 'HS512', typ: 'JWT' });
    });

    it('adds additionalHeaders', () => {
      const token = makeService().createAccessToken('alice', { additionalHeaders: { cty: 'demo', 'x-tenant': 't-1' } });
      expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'demo', 'x-tenant': 't-1' });
    });

    it('adds additionalHeaders to refresh tokens too', () => {
      const token = makeService().createRefreshToken('alice', { additionalHeaders: { cty: 'demo' } });
      expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'demo' });
    });

    it('writes the kid option into the header, and verifies the token by it', () => {
      const service = makeService({ kid: 'key-1' });
      const token = service.createAccessToken('alice');
      expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'key-1' });
      expect(service.verifyToken(token).sub).toBe('alice');
    });

    // kid is the kid option's; crit would make our own verifier refuse the token; the URL and key headers are never trusted.
    it.each(['alg', 'typ', 'kid', 'crit', 'jku', 'jwk', 'x5u', 'x5c'])('refuses %p in additionalHeaders', (name) => {
      const service = makeService();
      const expected = new TypeError(`nest-jwt-extended: additionalHeaders must not set the reserved header "${name}"`);
      expect(() => service.createAccessToken('alice', { additionalHeaders: { [name]: 'none' } })).toThrow(expected);
      expect(() => service.createRefreshToken('alice', { additionalHeaders: { [name]: 'none' } })).toThrow(expected);
    });
  });

  describe('additionalClaims', () => {
    it('merges them beside the registered claims', () => {
      const payload = payloadOf(
        makeService().createAccessToken('alice', {
          additionalClaims: { roles: ['admin'], org: { id: 7 }, active: true },
        }),
      );
      expect(payload).toMatchObject({ sub: 'alice', type: 'access', roles: ['admin'], org: { id: 7 }, active: true });
    });

    it('merges them into refresh tokens too', () => {
      const payload = payloadOf(makeService().createRefreshToken('alice', { additionalClaims: { device: 'phone' } }));
      expect(payload).toMatchObject({ sub: 'alice', type: 'refresh', device: 'phone' });
    });

    it.each(['sub', 'iat', 'nbf', 'exp', 'jti', 'type', 'fresh', 'iss', 'aud'])(
      'refuses the reserved claim %p',
      (name) => {
        const service = makeService();
        const expected = new TypeError(`nest-jwt-extended: additionalClaims must not set the reserved claim "${name}"`);
        expect(() => service.createAccessToken('alice', { additionalClaims: { [name]: 'forged' } })).toThrow(expected);
        expect(() => service.createRefreshToken('alice', { additionalClaims: { [name]: 'forged' } })).toThrow(expected);
      },
    );

    it('refuses the custom identity claim, and still refuses sub', () => {
      const service = makeService({ identityClaim: 'user_id' });
      expect(() => service.createAccessToken('alice', { additionalClaims: { user_id: 'mallory' } })).toThrow(
        new TypeError('nest-jwt-extended: additionalClaims must not set the reserved claim "user_id"'),
      );
      expect(() => service.createRefreshToken('alice', { additionalClaims: { user_id: 'mallory' } })).toThrow(
        /reserved claim "user_id"/,
      );
      expect(() => service.createAccessToken('alice', { additionalClaims: { sub: 'mallory' } })).toThrow(
        /reserved claim "sub"/,
      );
    });

    describe('claims named after Object.prototype members', () => {
      afterEach(() => {
        delete (Object.prototype as Record<string, unknown>).polluted;
      });

      // The verifier refuses these names (a later deep merge could pollute a prototype); signing them would be pointless.
      it.each(['__proto__', 'constructor', 'prototype'])('refuses to sign a claim named %p, naming it', (name) => {
        const additionalClaims = JSON.parse(`{"${name}": {"polluted": "yes"}}`) as Record<string, unknown>;
        expect(() => makeService().createAccessToken('alice', { additionalClaims })).toThrow(TypeError);
        expect(() => makeService().createAccessToken('alice', { additionalClaims })).toThrow(`claim named "${name}"`);
        expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it.each(['toString', 'hasOwnProperty', 'valueOf'])(
        'signs and verifies a claim named %p as a plain own claim',
        (name) => {
          const service = makeService();
          const claims = service.verifyToken(
            service.createAccessToken('alice', { additionalClaims: { [name]: 'value' } }),
          );
          expect(Object.hasOwn(claims, name)).toBe(true);
          expect(claims[name]).toBe('value');
          expect(typeof ({} as Record<string, unknown>)[name]).toBe('function');
        },
      );

      it('refuses a verified token carrying __proto__ or constructor claims, and no prototype is touched', () => {
        const iat = Math.floor(Date.now() / 1000);
        const payload = `{"sub":"alice","iat":${iat},"nbf":${iat},"exp":${iat + 60},"jti":"j-1","type":"access","fresh":false,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`;
        const signingInput = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
        const token = `${signingInput}.${createHmac('sha256', SECRET).update(signingInput).digest('base64url')}`;

        expect(() => makeService().verifyToken(token)).toThrow(
          'Token payload has a forbidden key (__proto__, constructor or prototype)',
        );
        expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });
  });

  describe('expiresIn per call', () => {
    it.each([
      ['1h', 3600],
      [60, 60],
      ['2d', 172800],
    ] as const)('reads %p as %i seconds for access and refresh tokens', (expiresIn, seconds) => {
      const service = makeService();
      expect(payloadOf(service.createAccessToken('alice', { expiresIn })).exp).toBe(NOW + seconds);
      expect(payloadOf(service.createRefreshToken('alice', { expiresIn })).exp).toBe(NOW + seconds);
    });

    it('false writes no exp at all', () => {
      const service = makeService();
      const access = payloadOf(service.createAccessToken('alice', { expiresIn: false }));
      const refresh = payloadOf(service.createRefreshToken('alice', { expiresIn: false }));
      expect(access).not.toHaveProperty('exp');
      expect(refresh).not.toHaveProperty('exp');
      expect(access.iat).toBe(NOW);
    });

    it('a token without exp is then refused by verifyToken', () => {
      const service = makeService();
      const token = service.createAccessToken('alice', { expiresIn: false });
      expect(expectAuthError(() => service.verifyToken(token), AuthErrorCode.InvalidToken).message).toBe(
        'Token has no valid exp claim',
      );
    });

    it('refuses a bad lifetime, naming expiresIn', () => {
      expect(() => makeService().createAccessToken('alice', { expiresIn: '900' })).toThrow(InvalidAuthOptionError);
      expect(() => makeService().createRefreshToken('alice', { expiresIn: 0 })).toThrow(/option "expiresIn"/);
    });
  });

  describe('identity', () => {
    it.each(['', 42, undefined, null, { id: 'alice' }])('refuses %p', (identity) => {
      const service = makeService();
      const expected = new TypeError('nest-jwt-extended: identity must be a non-empty string');
      expect(() => service.createAccessToken(identity as never)).toThrow(expected);
      expect(() => service.createRefreshToken(identity as never)).toThrow(expected);
    });

    it.each(['te\u0000st', 'a\nb', 'x\u001b[31m', 'y\u007f', 'z\u0085'])(
      'refuses %j, with control characters the verifier would refuse',
      (identity) => {
        const service = makeService();
        const expected = new TypeError('nest-jwt-extended: identity must not contain control characters');
        expect(() => service.createAccessToken(identity)).toThrow(expected);
        expect(() => service.createRefreshToken(identity)).toThrow(expected);
      },
    );

    it('mints an identity with non-ASCII letters', () => {
      expect(payloadOf(makeService().createAccessToken('Zoë Ångström')).sub).toBe('Zoë Ångström');
    });

    it('is written to a custom identityClaim instead of sub', () => {
      const service = makeService({ identityClaim: 'user_id' });
      const payload = payloadOf(service.createAccessToken('alice'));
      expect(payload.user_id).toBe('alice');
      expect(payload).not.toHaveProperty('sub');
      expect(service.verifyToken(service.createRefreshToken('bob')).user_id).toBe('bob');
    });
  });

  describe('issuer and audience', () => {
    it('are written when configured', () => {
      const service = makeService({ issuer: 'https://auth.example', audience: ['api', 'admin'] });
      const payload = payloadOf(service.createAccessToken('alice'));
      expect(payload.iss).toBe('https://auth.example');
      expect(payload.aud).toEqual(['api', 'admin']);
      expect(payloadOf(service.createRefreshToken('alice'))).toMatchObject({
        iss: 'https://auth.example',
        aud: ['api', 'admin'],
      });
    });

    it('a single audience is written as a string', () => {
      expect(payloadOf(makeService({ audience: 'api' }).createAccessToken('alice')).aud).toBe('api');
    });

    it('are not written when not configured', () => {
      const payload = payloadOf(makeService().createAccessToken('alice'));
      expect(payload).not.toHaveProperty('iss');
      expect(payload).not.toHaveProperty('aud');
    });

    it('mints with issuer and audience, and verifies against the accepted lists apart from them', () => {
      const a = makeService({ issuer: 'https://a.example', audience: 'a-api' });
      const b = makeService({
        issuer: 'https://b.example',
        audience: 'b-api',
        acceptedIssuers: ['https://a.example', 'https://b.example'],
        acceptedAudiences: ['a-api', 'b-api'],
      });
      expect(b.verifyToken(a.createAccessToken('alice'))).toMatchObject({ iss: 'https://a.example', aud: 'a-api' });
      expect(b.verifyToken(b.createAccessToken('alice')).iss).toBe('https://b.example');
      // b accepts a's tokens; a (its defaults: what it mints) refuses b's.
      expect((thrownBy(() => a.verifyToken(b.createAccessToken('alice'))) as AuthError).code).toBe('invalid_token');
    });

    it('a token minted with aud is refused by a service that configures no audience', () => {
      const token = makeService({ audience: 'api' }).createAccessToken('alice');
      expect((thrownBy(() => makeService().verifyToken(token)) as AuthError).message).toMatch(
        /no audience is configured/,
      );
      expect(makeService({ acceptUnexpectedAudience: true }).verifyToken(token).aud).toBe('api');
    });

    it('encodeNbf: false mints tokens without nbf, and they verify', () => {
      const service = makeService({ encodeNbf: false });
      const token = service.createAccessToken('alice');
      expect(payloadOf(token)).not.toHaveProperty('nbf');
      expect(service.verifyToken(token).sub).toBe('alice');
      const byDefault = payloadOf(makeService().createAccessToken('alice'));
      expect(byDefault.nbf).toBe(byDefault.iat);
    });

    it('tokens carrying them verify', () => {
      const service = makeService({ issuer: 'https://auth.example', audience: 'api' });
      expect(service.verifyToken(service.createAccessToken('alice'))).toMatchObject({
        iss: 'https://auth.example',
        aud: 'api',
      });
    });
  });

  describe('verifyToken', () => {
    it('returns the claims the token was created with', () => {
      const service = makeService();
      const token = service.createAccessToken('alice', { fresh: true, additionalClaims: { roles: ['admin'] } });
      const claims = service.verifyToken<{ roles: string[] }>(token);
      expect(claims).toEqual(payloadOf(token));
      expect(claims).toMatchObject({
        sub: 'alice',
        type: 'access',
        fresh: true,
        roles: ['admin'],
        iat: NOW,
        exp: NOW + 900,
      });
    });

    it('accepts a token of the requested type', () => {
      const service = makeService();
      expect(service.verifyToken(service.createAccessToken('alice'), { type: 'access' }).type).toBe('access');
      expect(service.verifyToken(service.createRefreshToken('alice'), { type: 'refresh' }).type).toBe('refresh');
    });

    it('refuses a token of the other type with wrong_token_type', () => {
      const service = makeService();
      const refresh = service.createRefreshToken('alice');
      const access = service.createAccessToken('alice');
      expect(
        expectAuthError(() => service.verifyToken(refresh, { type: 'access' }), AuthErrorCode.WrongTokenType).message,
      ).toBe('Only access tokens are allowed');
      expect(
        expectAuthError(() => service.verifyToken(access, { type: 'refresh' }), AuthErrorCode.WrongTokenType).message,
      ).toBe('Only refresh tokens are allowed');
    });

    it('accepts either type when no type is asked for', () => {
      const service = makeService();
      expect(() => service.verifyToken(service.createAccessToken('alice'))).not.toThrow();
      expect(() => service.verifyToken(service.createRefreshToken('alice'))).not.toThrow();
    });

    it('refuses a token signed with another secret', () => {
      const token = makeService({ secret: 'y'.repeat(32) }).createAccessToken('alice');
      expect(expectAuthError(() => makeService().verifyToken(token), AuthErrorCode.InvalidToken).message).toBe(
        'Signature verification failed',
      );
    });

    it('refuses an expired token with token_expired', () => {
      const service = makeService();
      const token = service.createAccessToken('alice', { expiresIn: 60 });
      jest.setSystemTime(NOW_MS + 61_000);
      expectAuthError(() => service.verifyToken(token), AuthErrorCode.TokenExpired);
    });

    describe('allowExpired', () => {
      it('accepts an expired token and returns its claims', () => {
        const service = makeService();
        const token = service.createAccessToken('alice', { expiresIn: 60 });
        jest.setSystemTime(NOW_MS + 3600_000);
        const claims = service.verifyToken(token, { allowExpired: true });
        expect(claims).toMatchObject({ sub: 'alice', exp: NOW + 60 });
      });

      it('still checks the type', () => {
        const service = makeService();
        const token = service.createRefreshToken('alice', { expiresIn: 60 });
        jest.setSystemTime(NOW_MS + 3600_000);
        expectAuthError(
          () => service.verifyToken(token, { allowExpired: true, type: 'access' }),
          AuthErrorCode.WrongTokenType,
        );
      });

      it('still checks the signature', () => {
        const token = makeService({ secret: 'y'.repeat(32) }).createAccessToken('alice', { expiresIn: 60 });
        jest.setSystemTime(NOW_MS + 3600_000);
        const error = expectAuthError(
          () => makeService().verifyToken(token, { allowExpired: true }),
          AuthErrorCode.InvalidToken,
        );
        expect(error.message).toBe('Signature verification failed');
      });

      it('does not turn an unexpired forged token into a valid one', () => {
        const claims = { sub: 'alice', type: 'access', fresh: false, jti: 'j', iat: NOW, nbf: NOW, exp: NOW + 60 };
        // Control: the same claims signed with the right secret pass, so the refusal below is about the signature.
        expect(makeService().verifyToken(jwt.sign(claims, SECRET), { allowExpired: true }).sub).toBe('alice');
        const forged = jwt.sign(claims, 'y'.repeat(32));
        const error = expectAuthError(
          () => makeService().verifyToken(forged, { allowExpired: true }),
          AuthErrorCode.InvalidToken,
        );
        expect(error.message).toBe('Signature verification failed');
      });
    });
  });
});
