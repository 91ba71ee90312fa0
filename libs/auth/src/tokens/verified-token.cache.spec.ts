import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type { VerifiedToken } from './jwt-claims.interface.js';
import { TokenService } from './token.service.js';
import { TokenVerifier } from './token-verifier.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

const entry = (id: string) => ({ identity: id }) as unknown as VerifiedToken;

describe('VerifiedTokenCache', () => {
  it('holds at most maxEntries, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.identity).toBe('b');
    expect(cache.get('c')?.identity).toBe('c');
  });

  it('never caches a token longer than its length limit', () => {
    const cache = new VerifiedTokenCache(10, 8);
    cache.set('x'.repeat(9), entry('long'));
    expect(cache.size).toBe(0);
  });

  it('answers a token by its whole content, never another token sharing its key', () => {
    const tail = 'S'.repeat(43);
    const token = `header.payload.${tail}`;
    const forged = `header.forged.${tail}`;
    const cache = new VerifiedTokenCache(10);
    cache.set(token, entry('alice'));
    expect(cache.get(token)?.identity).toBe('alice');
    expect(cache.get(forged)).toBeUndefined();
    expect(cache.get(token)?.identity).toBe('alice');
    expect(cache.get(forged)).toBeUndefined();
    // An equal string built anew (another request's header) is the same token.
    expect(cache.get(['header', 'payload', tail].join('.'))?.identity).toBe('alice');
  });

  it('keeps the trust window of a remote key on every hit, the repeated one included', () => {
    jest.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
    try {
      const token = `header.payload.${'R'.repeat(43)}`;
      const cache = new VerifiedTokenCache(10);
      cache.set(token, entry('alice'), Date.now() + 1000);
      expect(cache.get(token)?.identity).toBe('alice');
      expect(cache.get(token)?.identity).toBe('alice');
      jest.setSystemTime(Date.now() + 1001);
      expect(cache.get(token)).toBeUndefined();
      expect(cache.get(token)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('finds a token from the header value that carries it, and nothing else', () => {
    const tail = 'T'.repeat(43);
    const token = `header.payload.${tail}`;
    const cache = new VerifiedTokenCache(10, 2048, 'Bearer ');
    cache.set(token, entry('alice'));
    const hit = cache.getFramed(['Bearer ', token].join(''));
    expect(hit?.verified.identity).toBe('alice');
    expect(hit?.token).toBe(token);
    // Another spelling of the scheme, another token with the same signature, the bare token: the general path.
    expect(cache.getFramed(`bearer ${token}`)).toBeUndefined();
    expect(cache.getFramed(`Bearer  ${token}`)).toBeUndefined();
    expect(cache.getFramed(`Bearer header.forged.${tail}`)).toBeUndefined();
    expect(cache.getFramed(token)).toBeUndefined();
    expect(cache.get(token)?.identity).toBe('alice');
  });

  it('tells tokens apart that share a key and differ in the check value or before it', () => {
    const cache = new VerifiedTokenCache(10, 2048, 'Bearer ');
    const base = 'h.p.' + 'A'.repeat(40);
    const other = 'h.p.' + 'A'.repeat(32) + 'B' + 'A'.repeat(7); // the 8th character from the end: the check value
    const early = 'h.p.B' + 'A'.repeat(39); // the same 10 last characters: compared in full
    cache.set(base, entry('base'));
    expect(cache.get(other)).toBeUndefined();
    expect(cache.get(early)).toBeUndefined();
    expect(cache.getFramed(`Bearer ${early}`)).toBeUndefined();
    expect(cache.getFramed(`Bearer ${other}`)).toBeUndefined();
    cache.set(other, entry('other'));
    expect(cache.get(other)?.identity).toBe('other');
    expect(cache.getFramed(`Bearer ${other}`)?.verified.identity).toBe('other');
  });

  it('caches nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', entry('a'));
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('TokenVerifier with its cache', () => {
  const NOW = Date.UTC(2030, 0, 1);
  afterEach(() => {
    jest.useRealTimers();
  });

  function setup(cacheSize = 100) {
    const options = resolveAuthOptions({ secret: 'c'.repeat(32), verifiedTokenCacheSize: cacheSize });
    const verifier = new TokenVerifier(options);
    const tokens = new TokenService(options, verifier);
    return { verifier, tokens };
  }

  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof AuthError ? error.code : `not an AuthError: ${String(error)}`;
    }
    return 'no error';
  };

  it('answers a second verification of the same token from the cache, with the same result', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice');
    const first = verifier.verify(token, { type: 'access' });
    const second = verifier.verify(token, { type: 'access' });
    expect(second).toBe(first);
  });

  it('still refuses a cached token once it has expired', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice', { expiresIn: 60 });
    void verifier.verify(token, { type: 'access' });
    jest.setSystemTime(NOW + 61_000);
    expect(codeOf(() => verifier.verify(token, { type: 'access' }))).toBe('token_expired');
  });

  it('still applies the type policy to a cached token', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createRefreshToken('alice');
    void verifier.verify(token, { type: 'refresh' });
    expect(codeOf(() => verifier.verify(token, { type: 'access' }))).toBe('wrong_token_type');
  });

  it('still closes the freshness window of a cached token', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice', { fresh: 60 });
    void verifier.verify(token, { type: 'access', fresh: true });
    jest.setSystemTime(NOW + 61_000);
    expect(codeOf(() => verifier.verify(token, { type: 'access', fresh: true }))).toBe('fresh_token_required');
    expect(codeOf(() => verifier.verify(token, { type: 'access' }))).toBe('no error');
  });

  it('does not let allowExpired leak into later strict verifications', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice', { expiresIn: 60 });
    jest.setSystemTime(NOW + 120_000);
    expect((verifier.verify(token, {}, true) as VerifiedToken).identity).toBe('alice');
    expect(codeOf(() => verifier.verify(token, {}))).toBe('token_expired');
  });

  it('never answers a token carrying a cached signature over another payload from the cache', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice');
    void verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
    expect(codeOf(() => verifier.verify(`${header}.${forgedPayload}.${signature}`))).toBe('invalid_token');
    expect(codeOf(() => verifier.verify(`x${header}.${payload}.${signature}`))).toBe('invalid_token');
    expect((verifier.verify(token) as VerifiedToken).identity).toBe('alice');
  });

  it('keys by the exact string: a re-signed or altered token is verified on its own', () => {
    jest.useFakeTimers({ now: NOW });
    const { verifier, tokens } = setup();
    const token = tokens.createAccessToken('alice');
    void verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    const altered = `${header}.${payload}.${signature!.slice(0, -2)}AA`;
    expect(codeOf(() => verifier.verify(altered))).toBe('invalid_token');
  });
});
