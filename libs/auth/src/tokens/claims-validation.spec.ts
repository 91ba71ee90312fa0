import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { AuthError } from '../errors/auth-error.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { JwtClaims } from './jwt-claims.interface.js';
import { assertPolicy, assertTimes, claimRulesOf, validateClaimsSet, type ClaimRules } from './claims-validation.js';
import type { TokenSettings } from './token-settings.js';

const NOW = 1_800_000_000;
const rules: ClaimRules = { leeway: 0, tokenTypes: new Set(['access', 'refresh']), identityClaim: 'sub' };
const claims = { sub: 'alice', iat: NOW, exp: NOW + 60, jti: 'j', type: 'access', fresh: false } as JwtClaims;
const code = (fn: () => unknown) => (thrownBy(fn) as AuthError).code;

describe('claims validation', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW * 1000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('accepts a well-formed claim set and names its identity', () => {
    expect(validateClaimsSet({ alg: 'HS256' }, { ...claims }, rules, false)).toEqual({
      header: { alg: 'HS256' },
      claims,
      identity: 'alice',
    });
  });

  it('checks issuer and audience only when configured', () => {
    const settings = { ...rules, issuer: 'me', audience: ['a', 'b'] } as unknown as TokenSettings;
    const strict = claimRulesOf(settings);
    expect(code(() => validateClaimsSet({}, { ...claims, aud: 'b' }, strict, false))).toBe('invalid_token');
    expect(validateClaimsSet({}, { ...claims, iss: 'me', aud: ['z', 'b'] }, strict, false).identity).toBe('alice');
    expect(code(() => validateClaimsSet({}, { ...claims, iss: 'me' }, strict, false))).toBe('invalid_token');
  });

  it('reports expiry before anything else wrong with the claims, unless expiry is allowed', () => {
    const expired = { ...claims, exp: NOW, jti: 5 };
    expect(code(() => validateClaimsSet({}, expired, rules, false))).toBe('token_expired');
    expect(code(() => validateClaimsSet({}, expired, rules, true))).toBe('invalid_token');
  });

  it('applies the leeway to exp and nbf', () => {
    expect(() => assertTimes({ exp: NOW }, 5)).not.toThrow();
    expect(code(() => assertTimes({ exp: NOW - 5 }, 5))).toBe('token_expired');
    expect(code(() => assertTimes({ exp: NOW + 60, nbf: NOW + 6 }, 5))).toBe('token_not_yet_valid');
  });

  it('checks type, then freshness', () => {
    expect(() => assertPolicy(claims, { type: ['refresh', 'access'] })).not.toThrow();
    expect((thrownBy(() => assertPolicy(claims, { type: ['refresh', 'reset'] })) as AuthError).message).toBe(
      'Only refresh or reset tokens are allowed',
    );
    expect(code(() => assertPolicy(claims, { type: 'refresh', fresh: true }))).toBe('wrong_token_type');
    expect(code(() => assertPolicy(claims, { fresh: true }))).toBe('fresh_token_required');
    expect(() => assertPolicy({ ...claims, fresh: NOW }, { fresh: true })).not.toThrow();
  });
});
