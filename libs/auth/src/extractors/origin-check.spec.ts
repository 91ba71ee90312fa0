import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { thrownBy } from '../testing/thrown-by.js';
import { assertTrustedOrigin } from './origin-check.js';

const TRUSTED = new Set(['https://app.example.com']);

describe('assertTrustedOrigin', () => {
  it.each([
    ['its own origin', { origin: 'https://api.example.com', host: 'api.example.com' }],
    ['its own origin, port included', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }],
    ['a trusted origin, even cross-site', { origin: 'https://app.example.com', 'sec-fetch-site': 'cross-site' }],
    ['a same-origin fetch without Origin', { 'sec-fetch-site': 'same-origin' }],
    ['a client that is not a browser (neither header)', {}],
  ])('lets %s through', (_, headers) => {
    expect(() => assertTrustedOrigin(headers, TRUSTED)).not.toThrow();
  });

  it.each([
    ['another origin', { origin: 'https://evil.example', host: 'api.example.com' }],
    ['a sibling subdomain', { origin: 'https://www.example.com', host: 'api.example.com' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000' }],
    ['an opaque origin', { origin: 'null', host: 'api.example.com' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site', host: 'api.example.com' }],
  ])('refuses %s with 403 untrusted_origin', (_, headers) => {
    const error = thrownBy(() => assertTrustedOrigin(headers, TRUSTED));
    expect(error).toBeInstanceOf(AuthError);
    expect([(error as AuthError).getStatus(), (error as AuthError).code]).toEqual([403, 'untrusted_origin']);
  });
});
