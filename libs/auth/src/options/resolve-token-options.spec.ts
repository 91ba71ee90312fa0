import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

// The claim options a Flask migration needs (issue 23): decode apart from encode, the audience opt-out, verifySub,
// encodeNbf and errorMessageKey. Each refusal names its option.

const SECRET = 'x'.repeat(32);
const resolve = (options: Partial<AuthModuleOptions>) => resolveAuthOptions({ secret: SECRET, ...options });

function expectRefused(options: Record<string, unknown>, option: string, reason: RegExp): void {
  const error = thrownBy(() => resolve(options));
  expect(error).toBeInstanceOf(InvalidAuthOptionError);
  expect((error as InvalidAuthOptionError).option).toBe(option);
  expect((error as Error).message).toContain(`option "${option}"`);
  expect((error as Error).message).toMatch(reason);
}

describe('claim options', () => {
  describe('defaults', () => {
    it('accepts what it mints: the issuer and the audience, as lists', () => {
      const resolved = resolve({ issuer: 'https://a.example', audience: 'api' });
      expect(resolved).toMatchObject({ issuer: 'https://a.example', audience: 'api' });
      expect(resolved.acceptedIssuers).toEqual(['https://a.example']);
      expect(resolved.acceptedAudiences).toEqual(['api']);
      expect(resolve({ audience: ['api', 'admin'] }).acceptedAudiences).toEqual(['api', 'admin']);
    });

    it('checks no issuer and accepts no audience when none is configured; verifySub and encodeNbf on', () => {
      const resolved = resolve({});
      expect(resolved.acceptedIssuers).toBeUndefined();
      expect(resolved.acceptedAudiences).toBeUndefined();
      expect(resolved.acceptUnexpectedAudience).toBe(false);
      expect(resolved.verifySub).toBe(true);
      expect(resolved.encodeNbf).toBe(true);
    });
  });

  describe('acceptedIssuers and acceptedAudiences', () => {
    it('are kept apart from what is minted (JWT_DECODE_ISSUER, JWT_DECODE_AUDIENCE)', () => {
      const resolved = resolve({
        issuer: 'https://a.example',
        audience: 'a-api',
        acceptedIssuers: ['https://b.example', 'https://c.example'],
        acceptedAudiences: 'b-api',
      });
      expect(resolved).toMatchObject({ issuer: 'https://a.example', audience: 'a-api' });
      expect(resolved.acceptedIssuers).toEqual(['https://b.example', 'https://c.example']);
      expect(resolved.acceptedAudiences).toEqual(['b-api']);
    });

    it('need no issuer or audience of their own (a verify-only service)', () => {
      const resolved = resolve({ acceptedIssuers: 'https://idp.example', acceptedAudiences: ['api'] });
      expect(resolved.issuer).toBeUndefined();
      expect(resolved.audience).toBeUndefined();
      expect(resolved.acceptedIssuers).toEqual(['https://idp.example']);
    });

    it('copy the caller arrays', () => {
      const acceptedIssuers = ['https://a.example'];
      const resolved = resolve({ acceptedIssuers });
      acceptedIssuers.push('https://evil.example');
      expect(resolved.acceptedIssuers).toEqual(['https://a.example']);
    });

    it.each(['acceptedIssuers', 'acceptedAudiences'])('%s: refuses empty, ill-typed and padded values', (option) => {
      for (const value of ['', [], [''], ['ok', 42], 42, { a: 1 }, null]) {
        expectRefused({ [option]: value }, option, /must be a non-empty string or a non-empty array/);
      }
      expectRefused({ [option]: ['ok', ' padded'] }, option, /surrounding whitespace/);
      expectRefused({ [option]: 'trailing\n' }, option, /surrounding whitespace/);
    });

    it('refuses an issuer or audience with surrounding whitespace (compared exactly, it would never match)', () => {
      expectRefused({ issuer: 'https://a.example ' }, 'issuer', /surrounding whitespace/);
      expectRefused({ audience: [' api'] }, 'audience', /surrounding whitespace/);
    });

    it.each([
      ['acceptedIssuer', 'acceptedIssuers'],
      ['acceptedAudience', 'acceptedAudiences'],
      ['decodeAudience', undefined],
      ['verifySubject', 'verifySub'],
      ['encodeNBF', 'encodeNbf'],
      ['errorMesageKey', 'errorMessageKey'],
    ])('refuses the misspelled option %s', (misspelled, closest) => {
      const message = (thrownBy(() => resolve({ [misspelled]: true })) as Error).message;
      expect(message).toContain(`option "${misspelled}" is not an option of AuthModule`);
      if (closest !== undefined) expect(message).toContain(`did you mean "${closest}"?`);
    });
  });

  describe('acceptUnexpectedAudience', () => {
    it('is off by default and may be switched on when no audience is configured', () => {
      expect(resolve({ acceptUnexpectedAudience: true }).acceptUnexpectedAudience).toBe(true);
    });

    it('is refused beside an audience: it would say nothing, or hide a mistake', () => {
      expectRefused({ acceptUnexpectedAudience: true, audience: 'api' }, 'acceptUnexpectedAudience', /applies only/);
      expectRefused(
        { acceptUnexpectedAudience: true, acceptedAudiences: ['api'] },
        'acceptUnexpectedAudience',
        /applies only when no audience is configured/,
      );
    });

    it('must be a boolean', () => {
      expectRefused({ acceptUnexpectedAudience: 'yes' }, 'acceptUnexpectedAudience', /must be true or false/);
    });
  });

  describe('verifySub', () => {
    it('may be switched off, and must be a boolean', () => {
      expect(resolve({ verifySub: false }).verifySub).toBe(false);
      expectRefused({ verifySub: 'false' }, 'verifySub', /must be true or false/);
    });

    it('off is refused with implicitRefresh, which mints from the identity of the token it renews', () => {
      expectRefused(
        { verifySub: false, tokenLocation: ['cookies'], implicitRefresh: true },
        'verifySub',
        /cannot go with implicitRefresh/,
      );
      expect(resolve({ verifySub: false, tokenLocation: ['cookies'], implicitRefresh: false }).verifySub).toBe(false);
    });
  });

  describe('encodeNbf', () => {
    it('may be switched off, and must be a boolean', () => {
      expect(resolve({ encodeNbf: false }).encodeNbf).toBe(false);
      expectRefused({ encodeNbf: 0 }, 'encodeNbf', /must be true or false/);
    });
  });

  describe('errorMessageKey', () => {
    const refusal = AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired');

    it("is the body key of errorFormat: 'flask-jwt-extended' (JWT_ERROR_MESSAGE_KEY), msg by default", () => {
      const flask = resolve({ errorFormat: 'flask-jwt-extended' }).errorFormatter!;
      expect(flask(refusal)).toEqual({ status: 401, body: { msg: 'Token has expired' } });
      const custom = resolve({ errorFormat: 'flask-jwt-extended', errorMessageKey: 'message' }).errorFormatter!;
      expect(custom(refusal)).toEqual({ status: 401, body: { message: 'Token has expired' } });
    });

    it('is refused with any other format, and when empty', () => {
      expectRefused({ errorMessageKey: 'message' }, 'errorMessageKey', /applies only with errorFormat/);
      expectRefused({ errorFormat: 'default', errorMessageKey: 'm' }, 'errorMessageKey', /applies only/);
      expectRefused(
        { errorFormat: () => ({ status: 401, body: {} }), errorMessageKey: 'm' },
        'errorMessageKey',
        /only/,
      );
      expectRefused({ errorFormat: 'flask-jwt-extended', errorMessageKey: '' }, 'errorMessageKey', /non-empty/);
    });
  });
});
