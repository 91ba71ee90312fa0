import { describe, expect, it } from '@jest/globals';
import { createSecretKey } from 'node:crypto';
import { thrownBy } from '../testing/thrown-by.js';
import { assertIdentity, buildClaims, buildProtectedHeader, tokenLifetime } from './claims-builder.js';

const settings = { identityClaim: 'sub', csrfClaim: false };
const facts = { identity: 'alice', type: 'access', fresh: false, ttl: 900, iat: 1000 } as const;

describe('claims builder', () => {
  it('writes the carried, loaded and given claims, then its own, in that order', () => {
    const claims = buildClaims(
      { ...settings, issuer: 'me', audience: 'you' },
      { ...facts, fresh: 60.9 },
      { baseClaims: { a: 1, b: 1 }, additionalClaims: { b: 3 }, jti: 'j', sessionId: 's', authTime: 5 },
      { a: 2 },
    );
    const expected = { a: 2, b: 3, sub: 'alice', iat: 1000, nbf: 1000, jti: 'j', type: 'access', fresh: 1060 };
    Object.assign(expected, { sid: 's', auth_time: 5, exp: 1900, iss: 'me', aud: 'you' });
    expect(claims).toEqual(expected);
    expect(Object.keys(claims)).toEqual(Object.keys(expected));
  });

  it('writes nbf (= iat) unless encodeNbf is false (JWT_ENCODE_NBF)', () => {
    expect(buildClaims({ ...settings, encodeNbf: true }, facts, {}).nbf).toBe(1000);
    const withoutNbf = buildClaims({ ...settings, encodeNbf: false }, facts, { jti: 'j', sessionId: 's' });
    expect(withoutNbf).not.toHaveProperty('nbf');
    expect(Object.keys(withoutNbf)).toEqual(['sub', 'iat', 'jti', 'type', 'fresh', 'sid', 'auth_time', 'exp']);
  });

  it('caps the expiry at notAfter, and writes the csrf value only when asked to', () => {
    const capped = buildClaims({ ...settings, csrfClaim: true }, { ...facts, ttl: false }, { notAfter: 1500 });
    expect(capped.exp).toBe(1500);
    expect(typeof capped.csrf).toBe('string');
    expect(buildClaims(settings, facts, { notAfter: 5000 }).exp).toBe(1900);
    expect(buildClaims(settings, facts, {}).csrf).toBeUndefined();
  });

  it('refuses reserved claims (the identity claim among them) and reserved headers', () => {
    const custom = { ...settings, identityClaim: 'uid' };
    expect((thrownBy(() => buildClaims(custom, facts, { additionalClaims: { uid: 'x' } })) as Error).message).toBe(
      'nest-jwt-extended: additionalClaims must not set the reserved claim "uid"',
    );
    expect((thrownBy(() => buildClaims(settings, facts, {}, { exp: 1 })) as Error).message).toBe(
      'nest-jwt-extended: the additionalClaims loader must not set the reserved claim "exp"',
    );
    const signing = { algorithm: 'HS256', kid: 'k', key: createSecretKey(Buffer.alloc(32)) } as const;
    expect(buildProtectedHeader(signing, { x: 1 }, { y: 2 })).toEqual({
      x: 1,
      y: 2,
      alg: 'HS256',
      typ: 'JWT',
      kid: 'k',
    });
    expect((thrownBy(() => buildProtectedHeader(signing, undefined, { alg: 'none' })) as Error).message).toMatch(
      /reserved header "alg"/,
    );
  });

  it('checks the identity and picks the lifetime', () => {
    expect(() => assertIdentity('a\u0000')).toThrow('identity must not contain control characters');
    expect(() => assertIdentity('')).toThrow('identity must be a non-empty string');
    expect(tokenLifetime({}, 900)).toBe(900);
    expect(tokenLifetime({ expiresIn: '1h' }, 900)).toBe(3600);
  });
});
