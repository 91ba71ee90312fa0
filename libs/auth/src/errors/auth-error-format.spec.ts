import { describe, expect, it } from '@jest/globals';
import { AuthError } from './auth-error.js';
import { AuthErrorCode } from './auth-error-code.js';
import { flaskJwtExtendedErrorFormat } from './auth-error-format.js';

const flask = flaskJwtExtendedErrorFormat({ headerName: 'Authorization', identityClaim: 'sub' });
const answer = (error: AuthError) => {
  const { status, body } = flask(error);
  return [status, (body as { msg: string }).msg];
};

describe('flaskJwtExtendedErrorFormat', () => {
  // Flask-JWT-Extended 4.7.1: default_callbacks.py, view_decorators.py, internal_utils.py, tokens.py.
  it.each<[string, AuthError, number, string]>([
    ['no token', AuthError.missing('Missing authorization token'), 401, 'Missing Authorization Header'],
    [
      'another scheme',
      new AuthError(
        AuthErrorCode.InvalidAuthorizationHeader,
        "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
      ),
      401,
      "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
    ],
    [
      'the scheme without one token',
      new AuthError(
        AuthErrorCode.InvalidAuthorizationHeader,
        "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
        'invalid_request',
      ),
      422,
      "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
    ],
    [
      'a bad signature',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'Signature verification failed'),
      422,
      'Signature verification failed',
    ],
    [
      'alg none',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'The token algorithm is not allowed (the token is unsigned)'),
      422,
      'The specified alg value is not allowed',
    ],
    [
      'no sub',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'Token has no valid sub claim'),
      422,
      'Missing claim: sub',
    ],
    [
      'another audience',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'Token audience is not accepted'),
      422,
      'Invalid audience',
    ],
    [
      'an aud where no audience is configured (PyJWT says the same)',
      AuthError.invalid(
        AuthErrorCode.InvalidToken,
        'Token audience is not accepted: the token has an aud claim and no audience is configured (the audience or acceptedAudiences option)',
      ),
      422,
      'Invalid audience',
    ],
    [
      'another issuer',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'Token issuer is not accepted'),
      422,
      'Invalid issuer',
    ],
    [
      'a malformed token',
      AuthError.invalid(AuthErrorCode.InvalidToken, 'Token is malformed'),
      422,
      'Token is malformed',
    ],
    ['expired', AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired'), 401, 'Token has expired'],
    [
      'nbf ahead',
      AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (nbf is in the future)'),
      422,
      'The token is not yet valid (nbf)',
    ],
    [
      'iat ahead',
      AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (iat is in the future)'),
      422,
      'The token is not yet valid (iat)',
    ],
    [
      'a refresh token for access',
      AuthError.invalid(AuthErrorCode.WrongTokenType, 'Only access tokens are allowed'),
      422,
      'Only non-refresh tokens are allowed',
    ],
    [
      'an access token for refresh',
      AuthError.invalid(AuthErrorCode.WrongTokenType, 'Only refresh tokens are allowed'),
      422,
      'Only refresh tokens are allowed',
    ],
    [
      'not fresh',
      new AuthError(AuthErrorCode.FreshTokenRequired, 'Fresh token required', 'insufficient_user_authentication'),
      401,
      'Fresh token required',
    ],
    ['revoked', AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked'), 401, 'Token has been revoked'],
    [
      'reused',
      AuthError.invalid(AuthErrorCode.RefreshTokenReused, 'Refresh token was already used'),
      401,
      'Token has been revoked',
    ],
    [
      'no user',
      new AuthError(AuthErrorCode.UserNotFound, 'User not found', 'invalid_token').about({ identity: 'bob' }),
      401,
      'Error loading the user bob',
    ],
    [
      'claims refused',
      new AuthError(AuthErrorCode.ClaimsVerificationFailed, 'x', 'invalid_token'),
      400,
      'User claims verification failed',
    ],
    ['no CSRF token', new AuthError(AuthErrorCode.CsrfTokenMissing, 'x'), 401, 'Missing CSRF token'],
    [
      'CSRF mismatch',
      new AuthError(AuthErrorCode.CsrfTokenMismatch, 'x'),
      401,
      'CSRF double submit tokens do not match',
    ],
    [
      'the store down',
      AuthError.unavailable('Revocation state is unavailable'),
      503,
      'Revocation state is unavailable',
    ],
    ['an app code', new AuthError('plan_suspended', 'Plan suspended', 'invalid_token'), 401, 'Plan suspended'],
  ])('answers %s as Flask-JWT-Extended does', (_, error, status, msg) => {
    expect(answer(error)).toEqual([status, msg]);
    expect(Object.keys(flask(error).body as object)).toEqual(['msg']);
  });

  it('names the configured header and identity claim as Flask does', () => {
    const custom = flaskJwtExtendedErrorFormat({ headerName: 'X-Api-Token', identityClaim: 'uid' });
    expect(custom(AuthError.missing('Missing authorization token')).body).toEqual({
      msg: 'Missing X-Api-Token Header',
    });
    expect(custom(AuthError.invalid(AuthErrorCode.InvalidToken, 'Token has no valid uid claim')).body).toEqual({
      msg: 'Missing claim: uid',
    });
  });

  it('answers under messageKey when one is given (JWT_ERROR_MESSAGE_KEY)', () => {
    const custom = flaskJwtExtendedErrorFormat({
      headerName: 'Authorization',
      identityClaim: 'sub',
      messageKey: 'error',
    });
    expect(custom(AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired'))).toEqual({
      status: 401,
      body: { error: 'Token has expired' },
    });
  });
});
