import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { assertKnownOptions } from './known-options.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

const secret = 's'.repeat(32);

describe('unknown option keys', () => {
  it('accepts every documented option', () => {
    expect(() => assertKnownOptions({ secret, accessTokenExpiresIn: '15m', rotateRefreshTokens: true })).not.toThrow();
  });

  it.each([
    ['accesTokenExpiresIn', 'accessTokenExpiresIn'],
    ['refreshTokenExpiresin', 'refreshTokenExpiresIn'],
    ['secretKey', 'secret'],
    ['rotateRefreshToken', 'rotateRefreshTokens'],
  ])('refuses %s at start-up with a "did you mean %s"', (key, meant) => {
    const start = () => resolveAuthOptions({ secret, [key]: 60 });
    expect(start).toThrow(InvalidAuthOptionError);
    expect(start).toThrow(
      `nest-jwt-extended: option "${key}" is not an option of AuthModule; did you mean "${meant}"?`,
    );
  });

  it('refuses a key that resembles nothing, without a guess', () => {
    expect(() => resolveAuthOptions({ secret, databaseUrl: 'postgres://' } as never)).toThrow(
      /option "databaseUrl" is not an option of AuthModule$/,
    );
  });
});
