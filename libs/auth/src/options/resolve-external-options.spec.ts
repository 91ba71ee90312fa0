import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

const partner: AuthModuleOptions = {
  external: true,
  jwks: { uri: 'https://idp.example/.well-known/jwks.json', algorithms: ['RS256', 'ES256'] },
  issuer: 'https://idp.example/',
  audience: 'https://api.example',
};

describe('the external option', () => {
  it('resolves to the accepted typ values, lower-cased and without application/', () => {
    expect(resolveAuthOptions(partner).external).toEqual({
      headerTypes: new Set(['at+jwt', 'jwt']),
      requireHeaderType: false,
    });
    const strict = resolveAuthOptions({
      ...partner,
      external: { headerTypes: ['application/AT+JWT'], requireHeaderType: true },
    });
    expect(strict.external).toEqual({ headerTypes: new Set(['at+jwt']), requireHeaderType: true });
    expect(strict.signingKey).toBeUndefined();
    expect(resolveAuthOptions({ secret: 's'.repeat(32) }).external).toBeUndefined();
    expect(resolveAuthOptions({ secret: 's'.repeat(32), external: false }).external).toBeUndefined();
  });

  it('takes acceptedIssuers / acceptedAudiences in place of issuer / audience', () => {
    const { issuer: _issuer, audience: _audience, ...rest } = partner;
    const resolved = resolveAuthOptions({ ...rest, acceptedIssuers: ['a', 'b'], acceptedAudiences: ['c'] });
    expect(resolved.acceptedIssuers).toEqual(['a', 'b']);
  });

  it('refuses bad shapes, naming the option', () => {
    expect(() => resolveAuthOptions({ ...partner, external: 'yes' as never })).toThrow('option "external"');
    expect(() => resolveAuthOptions({ ...partner, external: { headerType: ['jwt'] } as never })).toThrow(
      'option "external.headerType" is not an option of "external"; did you mean "external.headerTypes"?',
    );
    expect(() => resolveAuthOptions({ ...partner, external: { headerTypes: [] } })).toThrow(
      'option "external.headerTypes"',
    );
    expect(() => resolveAuthOptions({ ...partner, external: { headerTypes: ['a b'] } })).toThrow(
      'option "external.headerTypes[0]" is not a media type',
    );
    expect(() => resolveAuthOptions({ ...partner, external: { requireHeaderType: 'no' as never } })).toThrow(
      'option "external.requireHeaderType"',
    );
    // jwks publishes public keys: an HMAC algorithm is refused there as for any configuration.
    expect(() => resolveAuthOptions({ ...partner, jwks: { uri: 'https://idp.example/jwks' } })).toThrow(
      'option "jwks.algorithms" must not contain HS256',
    );
  });
});

describe('the name of a configuration among the options', () => {
  it('is refused with where it belongs (a factory cannot name its own configuration)', () => {
    expect(() => resolveAuthOptions({ secret: 's'.repeat(32), name: 'admin' } as AuthModuleOptions)).toThrow(
      'option "name" goes beside the options, not among them',
    );
  });
});
