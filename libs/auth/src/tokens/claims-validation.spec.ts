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

  it('checks issuer and audience against the accepted lists', () => {
    const settings = { ...rules, acceptedIssuers: ['me'], acceptedAudiences: ['a', 'b'] } as unknown as TokenSettings;
    const strict = claimRulesOf(settings);
    expect(code(() => validateClaimsSet({}, { ...claims, aud: 'b' }, strict, false))).toBe('invalid_token');
    expect(validateClaimsSet({}, { ...claims, iss: 'me', aud: ['z', 'b'] }, strict, false).identity).toBe('alice');
    expect(code(() => validateClaimsSet({}, { ...claims, iss: 'me' }, strict, false))).toBe('invalid_token');
  });

  // RFC 7519 section 4.1.1 (iss) and 4.1.3 (aud): exact string comparison; aud a string or an array of strings, one of
  // which must be ours; a present aud refused when we configured none.
  describe('iss and aud (RFC 7519 sections 4.1.1, 4.1.3)', () => {
    const two = claimRulesOf({
      ...rules,
      acceptedIssuers: ['https://a.example', 'https://b.example'],
      acceptedAudiences: ['api', 'https://api.example'],
    } as unknown as TokenSettings);
    const none = claimRulesOf({ ...rules } as unknown as TokenSettings);
    const optOut = claimRulesOf({ ...rules, acceptUnexpectedAudience: true } as unknown as TokenSettings);
    const ok = { iss: 'https://a.example', aud: 'api' };
    it.each([
      ['one of two issuers', two, { ...ok }, 'accepted'],
      ['the other issuer', two, { ...ok, iss: 'https://b.example' }, 'accepted'],
      ['iss missing', two, { ...ok, iss: undefined }, 'refused'],
      ['iss a prefix of an accepted one', two, { ...ok, iss: 'https://a.example.evil' }, 'refused'],
      ['iss an accepted one cut short', two, { ...ok, iss: 'https://a.exampl' }, 'refused'],
      ['iss with a trailing slash', two, { ...ok, iss: 'https://a.example/' }, 'refused'],
      ['iss in another case', two, { ...ok, iss: 'HTTPS://A.EXAMPLE' }, 'refused'],
      ['iss an array holding an accepted one', two, { ...ok, iss: ['https://a.example'] }, 'refused'],
      ['iss a number', two, { ...ok, iss: 1 }, 'refused'],
      ['aud a string, the second accepted audience', two, { ...ok, aud: 'https://api.example' }, 'accepted'],
      ['aud an array holding one accepted audience', two, { ...ok, aud: ['other', 'api'] }, 'accepted'],
      ['aud missing', two, { ...ok, aud: undefined }, 'refused'],
      ['aud another audience', two, { ...ok, aud: 'other' }, 'refused'],
      ['aud a prefix match', two, { ...ok, aud: 'api2' }, 'refused'],
      ['aud in another case', two, { ...ok, aud: 'API' }, 'refused'],
      ['aud an empty array', two, { ...ok, aud: [] }, 'refused'],
      ['aud an array with a non-string', two, { ...ok, aud: ['api', 1] }, 'refused'],
      ['aud an object', two, { ...ok, aud: { api: true } }, 'refused'],
      ['no audience configured: aud a string', none, { aud: 'api' }, 'refused'],
      ['no audience configured: aud an array', none, { aud: ['api'] }, 'refused'],
      ['no audience configured: aud 42', none, { aud: 42 }, 'refused'],
      ['no audience configured: aud null', none, { aud: null }, 'refused'],
      ['no audience configured: aud empty', none, { aud: '' }, 'refused'],
      ['no audience configured: no aud', none, {}, 'accepted'],
      ['no issuer configured: any iss', none, { iss: 'https://anyone.example' }, 'accepted'],
      ['acceptUnexpectedAudience: aud a string', optOut, { aud: 'api' }, 'accepted'],
      ['acceptUnexpectedAudience: aud 42', optOut, { aud: 42 }, 'accepted'],
    ] as const)('%s', (_name, claimRules, extra, expected) => {
      const verify = () => validateClaimsSet({}, { ...claims, ...extra }, claimRules, false);
      if (expected === 'accepted') expect(verify().identity).toBe('alice');
      else expect(code(verify)).toBe('invalid_token');
    });

    it('names the option when a token carries aud and no audience is configured', () => {
      expect((thrownBy(() => validateClaimsSet({}, { ...claims, aud: 'api' }, none, false)) as Error).message).toBe(
        'Token audience is not accepted: the token has an aud claim and no audience is configured (the audience or ' +
          'acceptedAudiences option)',
      );
    });
  });

  // RFC 7519 section 4.1.2: sub is a StringOrURI; verifySub: false (Flask's JWT_VERIFY_SUB) accepts other JSON values.
  describe('the identity claim and verifySub', () => {
    const loose: ClaimRules = { ...rules, verifySub: false };
    const uid: ClaimRules = { ...rules, identityClaim: 'uid' };
    it.each([
      ['a string', rules, { sub: 'bob' }, 'bob', 'bob'],
      ['an integer, verifySub on', rules, { sub: 42 }, undefined, undefined],
      ['an object, verifySub on', rules, { sub: { id: 1 } }, undefined, undefined],
      ['an integer, verifySub off', loose, { sub: 42 }, '42', 42],
      ['a negative float, verifySub off', loose, { sub: -1.5 }, '-1.5', -1.5],
      ['an object, verifySub off', loose, { sub: { id: 1, org: 'x' } }, '{"id":1,"org":"x"}', { id: 1, org: 'x' }],
      ['an array, verifySub off', loose, { sub: [1, 2] }, '[1,2]', [1, 2]],
      ['a string, verifySub off', loose, { sub: 'bob' }, 'bob', 'bob'],
      ['null, verifySub off', loose, { sub: null }, undefined, undefined],
      ['true, verifySub off', loose, { sub: true }, undefined, undefined],
      ['empty, verifySub off', loose, { sub: '' }, undefined, undefined],
      ['missing, verifySub off', loose, { sub: undefined }, undefined, undefined],
      ['a control character, verifySub off', loose, { sub: 'a\u0000b' }, undefined, undefined],
      ['sub beside uid an integer, verifySub on', uid, { uid: 'u', sub: 7 }, undefined, undefined],
      ['sub beside uid an integer, verifySub off', { ...uid, verifySub: false }, { uid: 'u', sub: 7 }, 'u', 'u'],
    ] as const)('%s', (_name, claimRules, identityClaims, key, value) => {
      const verify = () => validateClaimsSet({}, { ...claims, ...identityClaims }, claimRules, false);
      if (key === undefined) {
        expect(code(verify)).toBe('invalid_token');
        return;
      }
      const verified = verify();
      expect(verified.identity).toBe(key);
      expect(verified.identityValue ?? verified.identity).toEqual(value);
      if (typeof value === 'string') expect(verified).not.toHaveProperty('identityValue');
    });
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
