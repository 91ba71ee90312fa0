import { flaskJwtExtendedErrorFormat, type AuthErrorFormatter } from '../errors/auth-error-format.js';
import type { ErrorSettings } from '../errors/error-settings.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { EventSettings } from '../events/event-settings.js';
import type { GuardSettings } from '../guards/guard-settings.js';
import type { LoadUserOn } from '../verification/verification-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { nonEmptyString, optionalFunction } from './option-checks.js';

/** The settings resolved here: the application's hooks into guarding, and how errors are answered. */
export interface HookSettings extends ErrorSettings, EventSettings, GuardSettings {}

/**
 * Resolves `loadUser`, `loadUserOn`, `verifyClaims`, `onEvent`, `errorFormat` and `errorMessageKey`; the `flask-jwt-extended` format names the
 * header and the identity claim in its messages, so it takes them resolved.
 */
export function resolveHookOptions(
  options: AuthModuleOptions,
  { headerName, identityClaim }: { readonly headerName: string; readonly identityClaim: string },
): HookSettings {
  return {
    loadUser: optionalFunction(options.loadUser, 'loadUser'),
    loadUserOn: loadUserOnOf(options),
    verifyClaims: optionalFunction(options.verifyClaims, 'verifyClaims'),
    onEvent: optionalFunction(options.onEvent, 'onEvent'),
    errorFormatter: errorFormatterOf(options, headerName, identityClaim),
  };
}

/** `loadUserOn`: one of its two values; `'every-request'` only with the `loadUser` option, which the pipeline runs. */
function loadUserOnOf({ loadUserOn, loadUser }: AuthModuleOptions): LoadUserOn {
  if (loadUserOn === undefined || loadUserOn === 'current-user') return 'current-user';
  if (loadUserOn !== 'every-request') {
    throw new InvalidAuthOptionError(
      'loadUserOn',
      `must be 'current-user' or 'every-request' (got ${JSON.stringify(loadUserOn)})`,
    );
  }
  if (loadUser === undefined) {
    throw new InvalidAuthOptionError(
      'loadUserOn',
      "'every-request' needs the loadUser option (a UserLoader provider serves @CurrentUser() only: the guards " +
        'cannot see the module it is provided in)',
    );
  }
  return loadUserOn;
}

/** The `errorFormat` as a function; undefined for the default (Nest answers the error as it is). */
function errorFormatterOf(
  { errorFormat: format, errorMessageKey }: AuthModuleOptions,
  headerName: string,
  identityClaim: string,
): AuthErrorFormatter | undefined {
  if (errorMessageKey !== undefined && format !== 'flask-jwt-extended') {
    throw new InvalidAuthOptionError('errorMessageKey', "applies only with errorFormat: 'flask-jwt-extended'");
  }
  if (format === undefined || format === 'default') return undefined;
  if (format === 'flask-jwt-extended') {
    const messageKey = nonEmptyString(errorMessageKey ?? 'msg', 'errorMessageKey');
    return flaskJwtExtendedErrorFormat({ headerName, identityClaim, messageKey });
  }
  if (typeof format === 'function') return format;
  throw new InvalidAuthOptionError(
    'errorFormat',
    `must be 'default', 'flask-jwt-extended' or a function (error) => { status, body } (got ${JSON.stringify(format)})`,
  );
}
