import { describe, expect, it } from '@jest/globals';
import { checkAuthRoutesOptions, DEFAULT_ROUTE_PATHS, routePathsOf } from './auth-routes-options.js';

describe('AuthRoutesModule options', () => {
  it('mounts every route at its default path unless told, and leaves out a route set to false', () => {
    expect(routePathsOf('auth', {})).toEqual({ path: 'auth', routes: DEFAULT_ROUTE_PATHS });
    expect(routePathsOf('', { login: 'sign-in', sessions: false }).routes).toMatchObject({
      login: 'sign-in',
      sessions: false,
      refresh: 'refresh',
    });
  });

  it.each([
    [() => routePathsOf('auth?x', {}), 'AuthRoutesModule.path'],
    [() => routePathsOf('auth', { signIn: 'x' }), 'AuthRoutesModule.routes.signIn'],
    [() => routePathsOf('auth', { login: '' }), 'AuthRoutesModule.routes.login'],
    [() => routePathsOf('auth', []), 'AuthRoutesModule.routes'],
    [() => checkAuthRoutesOptions({} as never), 'AuthRoutesModule.credentials'],
    [() => checkAuthRoutesOptions({ credentials: () => null, typo: 1 } as never), 'AuthRoutesModule.typo'],
    [() => checkAuthRoutesOptions({ credentials: () => null, recordOrigin: 'no' } as never), 'recordOrigin'],
    [() => checkAuthRoutesOptions({ credentials: () => null, session: 'pwd' } as never), 'AuthRoutesModule.session'],
  ])('stops start-up naming the option (%#)', (start, option) => {
    expect(start).toThrow(option);
  });

  it('takes a credentials function with optional session claims', () => {
    const options = { credentials: () => 'alice', session: { acr: 'pwd' }, recordOrigin: false };
    expect(checkAuthRoutesOptions(options)).toBe(options);
  });
});
