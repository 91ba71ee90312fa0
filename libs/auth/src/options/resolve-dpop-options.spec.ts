import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveDpopOptions } from './resolve-dpop-options.js';

const resolve = (dpop: unknown, scheme = 'Bearer') => resolveDpopOptions({ dpop } as AuthModuleOptions, scheme);

describe('resolveDpopOptions', () => {
  it('is off unless given, and true means every default', () => {
    expect(resolve(undefined)).toEqual({});
    expect(resolve(false)).toEqual({});
    expect(resolve(true).dpop).toMatchObject({
      required: false,
      algorithms: ['ES256', 'Ed25519', 'EdDSA', 'PS256', 'RS256'],
      proofMaxAge: 60,
      clockSkew: 5,
      maxProofLength: 4096,
      replayCacheSize: 100_000,
    });
    expect(resolve(true).dpop?.origins).toBeUndefined();
  });

  it('normalises the origins', () => {
    expect([...resolve({ origin: ['https://API.example.com:443', 'http://a.test:8080'] }).dpop!.origins!]).toEqual([
      'https://api.example.com',
      'http://a.test:8080',
    ]);
  });

  it.each([
    [{ algorithms: ['HS256'] }, 'dpop.algorithms'],
    [{ algorithms: ['none'] }, 'dpop.algorithms'],
    [{ algorithms: [] }, 'dpop.algorithms'],
    [{ proofMaxAge: 3600 }, 'dpop.proofMaxAge'],
    [{ proofMaxAge: 0 }, 'dpop.proofMaxAge'],
    [{ clockSkew: -1 }, 'dpop.clockSkew'],
    [{ maxProofLength: 10 }, 'dpop.maxProofLength'],
    [{ origin: 'https://api.example.com/path' }, 'dpop.origin'],
    [{ origin: 'api.example.com' }, 'dpop.origin'],
    [{ nonce: { secret: 'short' } }, 'dpop.nonce.secret'],
    [{ nonce: { lifetim: 5 } }, 'dpop.nonce.lifetim'],
    [{ replayStore: {} }, 'dpop.replayStore'],
    [{ replayCacheSize: 0 }, 'dpop.replayCacheSize'],
    [{ requird: true }, 'dpop.requird'],
    ['yes', 'dpop'],
  ])('stops start-up on %j, naming %s', (dpop, option) => {
    expect(() => resolve(dpop)).toThrow(InvalidAuthOptionError);
    expect(() => resolve(dpop)).toThrow(`"${option}"`);
  });

  it('needs a header scheme', () => {
    expect(() => resolve(true, '')).toThrow('"dpop"');
  });
});
