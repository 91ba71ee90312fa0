import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { AuthError } from '../errors/auth-error.js';
import { thrownBy } from '../testing/thrown-by.js';
import { assertPolicy, validateClaimsSet, type ClaimRules } from './claims-validation.js';
import type { JwtClaims } from './jwt-claims.interface.js';
import { scopesOf } from './token-scopes.js';

const NOW = 1_800_000_000;
const own: ClaimRules = {
  leeway: 0,
  tokenTypes: new Set(['access', 'refresh']),
  identityClaim: 'sub',
  issuers: new Set(['https://idp/']),
  audiences: new Set(['api']),
};
const external: ClaimRules = {
  ...own,
  external: { headerTypes: new Set(['at+jwt', 'jwt']), requireHeaderType: false },
};
// What an identity provider puts in an access token (RFC 9068): no type, jti or fresh claim.
const provided = { iss: 'https://idp/', aud: 'api', sub: 'alice', iat: NOW, exp: NOW + 60 };
const header = { alg: 'RS256', typ: 'at+jwt' };
const failure = (fn: () => unknown) => {
  const error = thrownBy(fn) as AuthError;
  return { code: error.code, status: error.getStatus(), message: error.message };
};

describe("an external configuration's claims (RFC 9068)", () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW * 1000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('accepts a token without type, jti or fresh; our own rules refuse it', () => {
    expect(validateClaimsSet(header, { ...provided }, external, false).identity).toBe('alice');
    expect(failure(() => validateClaimsSet(header, { ...provided }, own, false)).message).toBe(
      'Token has no valid jti claim',
    );
    expect(failure(() => validateClaimsSet(header, { ...provided, jti: 'j' }, own, false)).message).toBe(
      'Token has no type claim',
    );
  });

  it('still refuses a present but malformed jti, an unknown type, a non-time fresh, a missing exp or iat', () => {
    for (const claims of [
      { ...provided, jti: '' },
      { ...provided, jti: 42 },
      { ...provided, type: 'id' },
      { ...provided, fresh: 'yes' },
      { ...provided, exp: undefined },
      { ...provided, iat: undefined },
      { ...provided, sub: '' },
    ]) {
      expect(failure(() => validateClaimsSet(header, claims, external, false)).code).toBe('invalid_token');
    }
  });

  it('takes typ at+jwt, application/at+jwt, JWT in any case, or none; refuses any other', () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT', 'JWT', 'jwt', undefined]) {
      expect(validateClaimsSet({ alg: 'RS256', typ }, { ...provided }, external, false).identity).toBe('alice');
    }
    for (const typ of ['id_token', 'dpop+jwt', 'logout+jwt', '', 42, ['at+jwt']]) {
      expect(failure(() => validateClaimsSet({ alg: 'RS256', typ }, { ...provided }, external, false))).toEqual({
        code: 'invalid_token',
        status: 401,
        message: 'Token typ header is not accepted',
      });
    }
    const strict: ClaimRules = { ...own, external: { headerTypes: new Set(['at+jwt']), requireHeaderType: true } };
    expect(failure(() => validateClaimsSet({ alg: 'RS256' }, { ...provided }, strict, false)).message).toBe(
      'Token has no typ header',
    );
    expect(validateClaimsSet(header, { ...provided }, strict, false).identity).toBe('alice');
  });

  it('counts an untyped token as an access token: never a refresh token', () => {
    const claims = provided as unknown as JwtClaims;
    expect(() => assertPolicy(claims, { type: 'access' })).not.toThrow();
    expect(() => assertPolicy(claims, { type: ['refresh', 'access'] })).not.toThrow();
    expect(failure(() => assertPolicy(claims, { type: 'refresh' })).code).toBe('wrong_token_type');
    expect(failure(() => assertPolicy(claims, { type: 'access', fresh: true })).code).toBe('fresh_token_required');
  });
});

describe('scopes (@RequireScopes)', () => {
  it('reads scope (space-separated) and scp (a string or an array of strings), both when both are there', () => {
    expect([...scopesOf({ scope: 'a  b c' })]).toEqual(['a', 'b', 'c']);
    expect([...scopesOf({ scp: ['a', 'b'] })]).toEqual(['a', 'b']);
    expect([...scopesOf({ scp: 'a b' })]).toEqual(['a', 'b']);
    expect([...scopesOf({ scope: 'a', scp: ['b'] })]).toEqual(['a', 'b']);
    // Anything else grants nothing; an array under scope is read as scp would be.
    for (const claims of [{}, { scope: 42 }, { scp: ['a', 1] }, { scope: null }, { scp: { a: true } }]) {
      expect([...scopesOf(claims)]).toEqual([]);
    }
    expect([...scopesOf({ scope: ['a'] })]).toEqual(['a']);
  });

  it('refuses a token lacking a required scope with 403 insufficient_scope and the RFC 6750 challenge', () => {
    const claims = { ...provided, scope: 'reports:read' } as unknown as JwtClaims;
    expect(() => assertPolicy(claims, { type: 'access', scopes: ['reports:read'] })).not.toThrow();
    const error = thrownBy(() =>
      assertPolicy(claims, { type: 'access', scopes: ['reports:read', 'admin'] }),
    ) as AuthError;
    expect([error.getStatus(), error.code]).toEqual([403, 'insufficient_scope']);
    expect(error.challenge).toBe(
      'Bearer error="insufficient_scope", error_description="Token lacks the scope reports:read admin", ' +
        'scope="reports:read admin"',
    );
    expect(error.getResponse()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Token lacks the scope reports:read admin',
      code: 'insufficient_scope',
    });
    // The type is judged first: a refresh token at a scoped access route is the wrong type, whatever its scopes.
    const refresh = { ...claims, type: 'refresh' } as JwtClaims;
    expect(failure(() => assertPolicy(refresh, { type: 'access', scopes: ['x'] })).code).toBe('wrong_token_type');
  });
});
