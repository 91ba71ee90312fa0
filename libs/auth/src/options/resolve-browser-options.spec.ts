import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

const resolve = (options: Partial<AuthModuleOptions>) => resolveAuthOptions({ secret: 'x'.repeat(32), ...options });

function optionAtFault(options: Partial<AuthModuleOptions>): string {
  const error = thrownBy(() => resolve(options));
  expect(error).toBeInstanceOf(InvalidAuthOptionError);
  return (error as InvalidAuthOptionError).option;
}

describe('token location, cookie and CSRF options', () => {
  it("keeps Flask-JWT-Extended's names with safer attributes by default", () => {
    const resolved = resolve({});
    expect(resolved.tokenLocation).toEqual(['headers']);
    expect(resolved.csrfClaim).toBe(false);
    expect(resolved.cookies).toEqual({
      accessName: 'access_token_cookie',
      refreshName: 'refresh_token_cookie',
      accessPath: '/',
      refreshPath: '/',
      sameSite: 'lax',
      secure: true,
      session: false,
    });
    expect(resolved.csrf).toMatchObject({
      enabled: true,
      accessHeaderName: 'x-csrf-token',
      refreshHeaderName: 'x-csrf-token',
      accessCookieName: 'csrf_access_token',
      refreshCookieName: 'csrf_refresh_token',
      checkForm: false,
      inCookies: true,
    });
    expect([...resolved.csrf.methods]).toEqual(['POST', 'PUT', 'PATCH', 'DELETE']);
    expect(resolved.queryString).toEqual({ name: 'jwt', valuePrefix: '' });
    expect(resolved.json).toEqual({ accessKey: 'access_token', refreshKey: 'refresh_token' });
    expect(resolved.implicitRefreshWithin).toBe(false);
  });

  it('mints a csrf claim only with cookies among the locations and CSRF on', () => {
    expect(resolve({ tokenLocation: 'cookies' }).csrfClaim).toBe(true);
    expect(resolve({ tokenLocation: ['headers', 'cookies'] }).csrfClaim).toBe(true);
    expect(resolve({ tokenLocation: ['cookies'], csrf: { enabled: false } }).csrfClaim).toBe(false);
    expect(resolve({ tokenLocation: ['headers', 'json'] }).csrfClaim).toBe(false);
  });

  it('prefixes every cookie name with __Host- when asked, and insists on what browsers insist on', () => {
    const resolved = resolve({ cookies: { hostPrefix: true } });
    expect(resolved.cookies.accessName).toBe('__Host-access_token_cookie');
    expect(resolved.csrf.refreshCookieName).toBe('__Host-csrf_refresh_token');
    expect(optionAtFault({ cookies: { hostPrefix: true, secure: false } })).toBe('cookies.hostPrefix');
    expect(optionAtFault({ cookies: { hostPrefix: true, domain: 'example.com' } })).toBe('cookies.hostPrefix');
    expect(optionAtFault({ cookies: { hostPrefix: true, refreshPath: '/refresh' } })).toBe('cookies.refreshPath');
    expect(optionAtFault({ cookies: { hostPrefix: true }, csrf: { accessCookiePath: '/app' } })).toBe(
      'csrf.accessCookiePath',
    );
  });

  it.each<[Partial<AuthModuleOptions>, string]>([
    [{ tokenLocation: 'cookie' as never }, 'tokenLocation'],
    [{ tokenLocation: [] }, 'tokenLocation'],
    [{ tokenLocation: ['headers', 'headers'] }, 'tokenLocation'],
    [{ cookies: { sameSite: 'none', secure: false } }, 'cookies.sameSite'],
    [{ cookies: { sameSite: 'loose' as never } }, 'cookies.sameSite'],
    [{ cookies: { accessName: 'bad name' } }, 'cookies.accessName'],
    [{ cookies: { accessPath: 'relative' } }, 'cookies.accessPath'],
    [{ cookies: { refreshPath: '/a;b' } }, 'cookies.refreshPath'],
    [{ cookies: { domain: 'exa mple.com' } }, 'cookies.domain'],
    [{ cookies: { secure: 'yes' as never } }, 'cookies.secure'],
    [{ cookies: { maxAge: 0 } }, 'cookies.maxAge'],
    [{ cookies: { samesite: 'lax' } as never }, 'cookies.samesite'],
    [{ cookies: 'lax' as never }, 'cookies'],
    [{ csrf: { methods: 'POST' as never } }, 'csrf.methods'],
    [{ csrf: { accessHeaderName: 'X CSRF' } }, 'csrf.accessHeaderName'],
    [{ csrf: { enable: true } as never }, 'csrf.enable'],
    [{ queryString: { name: '' } }, 'queryString.name'],
    [{ json: { accessKey: '' } }, 'json.accessKey'],
    [{ implicitRefresh: { within: '1h' } }, 'implicitRefresh.within'],
    [{ implicitRefresh: 'yes' as never }, 'implicitRefresh'],
    [{ tokenlocation: ['headers'] } as never, 'tokenlocation'],
  ])('refuses %j at start-up, naming %s', (options, option) => {
    expect(optionAtFault(options)).toBe(option);
  });

  it('says which nested option was meant', () => {
    expect(thrownBy(() => resolve({ cookies: { samesite: 'lax' } as never }))).toHaveProperty(
      'message',
      'nest-jwt-extended: option "cookies.samesite" is not an option of "cookies"; did you mean "cookies.sameSite"?',
    );
  });

  it('resolves the implicit refresh window', () => {
    expect(resolve({ implicitRefresh: true }).implicitRefreshWithin).toBe(450);
    expect(resolve({ implicitRefresh: { within: '5m' } }).implicitRefreshWithin).toBe(300);
    expect(resolve({ implicitRefresh: false }).implicitRefreshWithin).toBe(false);
  });
});
