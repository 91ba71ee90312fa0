import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { assertStepUp } from './step-up-check.js';
import { stepUpRequirementOf } from './step-up-requirement.js';

const NOW = 1_800_000_000;
const claims = (extra: Partial<JwtClaims>): JwtClaims => ({
  sub: 'alice',
  iat: NOW,
  exp: NOW + 900,
  jti: 'j',
  type: 'access',
  fresh: false,
  ...extra,
});

function refusal(run: () => void): AuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('stepUpRequirementOf', () => {
  it('takes seconds or a duration string, and one acr value or a list', () => {
    expect(stepUpRequirementOf({ maxAge: '5m', acr: 'mfa' })).toEqual({ maxAge: 300, acr: ['mfa'] });
    expect(stepUpRequirementOf({ acr: ['mfa', 'hwk'] })).toEqual({ acr: ['mfa', 'hwk'] });
  });

  it.each([
    [{}, 'RequireAuth'],
    [{ maxAge: 0 }, 'RequireAuth.maxAge'],
    [{ maxAge: '300' }, 'RequireAuth.maxAge'],
    [{ acr: [] }, 'RequireAuth.acr'],
    [{ acr: 'm f a' }, 'RequireAuth.acr'],
    [{ acr: 'mfa"' }, 'RequireAuth.acr'],
    [{ maxAge: 60, amr: ['otp'] }, 'RequireAuth.amr'],
  ])('refuses %j naming %s', (options, option) => {
    expect(() => stepUpRequirementOf(options as never)).toThrow(InvalidAuthOptionError);
    expect(() => stepUpRequirementOf(options as never)).toThrow(`"${option}"`);
  });
});

describe('assertStepUp', () => {
  const maxAge = stepUpRequirementOf({ maxAge: 300 });
  const mfa = stepUpRequirementOf({ acr: 'mfa' });

  it('accepts an authentication within maxAge, at the bound too, and an acr among the values', () => {
    expect(() => assertStepUp(claims({ auth_time: NOW - 300 }), maxAge, NOW)).not.toThrow();
    expect(() => assertStepUp(claims({ acr: 'mfa' }), mfa, NOW)).not.toThrow();
  });

  it('refuses an older or missing auth_time with max_age in the challenge', () => {
    for (const token of [claims({ auth_time: NOW - 301 }), claims({})]) {
      const error = refusal(() => assertStepUp(token, maxAge, NOW));
      expect(error.code).toBe('insufficient_user_authentication');
      expect(error.getStatus()).toBe(401);
      expect(error.challenge).toBe(
        'Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age=300',
      );
    }
  });

  it('refuses another or missing acr with acr_values, and names both when both fail', () => {
    for (const token of [claims({ acr: 'pwd' }), claims({}), claims({ acr: ['mfa'] as never })]) {
      expect(refusal(() => assertStepUp(token, mfa, NOW)).challenge).toMatch(/, acr_values="mfa"$/);
    }
    const both = refusal(() =>
      assertStepUp(claims({ acr: 'pwd', auth_time: 1 }), stepUpRequirementOf({ maxAge: 60, acr: ['mfa', 'hwk'] }), NOW),
    );
    expect(both.challenge).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A stronger and more recent authentication ' +
        'is required", acr_values="mfa hwk", max_age=60',
    );
  });
});
