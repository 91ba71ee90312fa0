import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

const SECRET = 'x'.repeat(32);
const loadUser = (identity: string) => ({ identity });

function refused(options: Partial<AuthModuleOptions>): InvalidAuthOptionError {
  const error = thrownBy(() => resolveAuthOptions({ secret: SECRET, ...options }));
  expect(error).toBeInstanceOf(InvalidAuthOptionError);
  return error as InvalidAuthOptionError;
}

describe('loadUserOn', () => {
  it("is 'current-user' by default: the loader runs only where @CurrentUser() asks", () => {
    expect(resolveAuthOptions({ secret: SECRET, loadUser }).loadUserOn).toBe('current-user');
  });

  it("takes 'every-request' with the loadUser option", () => {
    expect(resolveAuthOptions({ secret: SECRET, loadUser, loadUserOn: 'every-request' }).loadUserOn).toBe(
      'every-request',
    );
  });

  it("refuses 'every-request' without loadUser at start-up, naming the option", () => {
    const error = refused({ loadUserOn: 'every-request' });
    expect(error.option).toBe('loadUserOn');
    expect(error.message).toMatch(/needs the loadUser option/);
  });

  it('refuses a misspelled value, naming the option and its values', () => {
    const error = refused({ loadUser, loadUserOn: 'every_request' as never });
    expect(error.option).toBe('loadUserOn');
    expect(error.message).toMatch(/'current-user' or 'every-request'/);
  });

  it('refuses a misspelled option name with the closest one', () => {
    expect(refused({ loadUserOnn: 'every-request' } as never).message).toMatch(/did you mean "loadUserOn"/);
  });
});
