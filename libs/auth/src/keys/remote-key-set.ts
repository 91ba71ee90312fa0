import { KeyObject } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { createRemoteJWKSet, errors, type ExportedJWKSCache, jwksCache, type RemoteJWKSetOptions } from 'jose';
import { AuthError, invalidToken } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import { assertKeyFits } from './load-key.js';
import type { VerificationKey } from './verification-key.interface.js';

/** The resolved `jwks` option. */
export interface RemoteKeySetOptions {
  readonly uri: string;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly cacheMaxAgeMs: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
}

/**
 * Keys of a remote JWKS (a verify-only service trusting an identity provider). jose fetches and caches the document,
 * and refetches on an unknown `kid` at most once per cooldown; `jku`, `x5u` and other header URLs are never looked at:
 * the URL is configuration. Each key becomes a `KeyObject` once and is pinned to the algorithm it was looked up for.
 */
export class RemoteKeySet {
  private readonly resolve: ReturnType<typeof createRemoteJWKSet>;
  private readonly keyObjects = new WeakMap<object, KeyObject>();
  private readonly algorithms: ReadonlySet<string>;
  // jose records here when it last fetched the document: trust in a key is counted from that fetch, not from the
  // lookup, so a token verified late in the cache window is not trusted past the document's own expiry.
  private readonly fetched: Partial<ExportedJWKSCache> = {};

  constructor(private readonly options: RemoteKeySetOptions) {
    const joseOptions: RemoteJWKSetOptions = {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs,
      timeoutDuration: options.timeoutMs,
      [jwksCache]: this.fetched as Record<string, never>,
    };
    this.resolve = createRemoteJWKSet(new URL(options.uri), joseOptions);
    this.algorithms = new Set(options.algorithms);
  }

  allows(algorithm: string): boolean {
    return this.algorithms.has(algorithm);
  }

  async find(algorithm: JwtAlgorithm, kid: string | undefined): Promise<VerificationKey> {
    let cryptoKey: object;
    try {
      cryptoKey = await this.resolve(kid === undefined ? { alg: algorithm } : { alg: algorithm, kid });
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey)
        throw invalidToken(kid === undefined ? 'Token has no kid' : 'Token key id (kid) is not known');
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw invalidToken('Token has no kid');
      // The key set could not be fetched or read: not the client's fault, and no token can be judged without it.
      throw new AuthError(
        AuthErrorCode.KeySetUnavailable,
        'The key set to verify tokens with is unavailable',
        undefined,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    let key = this.keyObjects.get(cryptoKey);
    if (key === undefined) {
      key = KeyObject.from(cryptoKey as Parameters<typeof KeyObject.from>[0]);
      try {
        assertKeyFits(key, algorithm, 'jwks');
      } catch {
        throw invalidToken('Token key does not fit its algorithm');
      }
      this.keyObjects.set(cryptoKey, key);
    }
    return { kid, algorithm, key, trustedUntilMs: (this.fetched.uat ?? Date.now()) + this.options.cacheMaxAgeMs };
  }

  /** For tests and health checks: fetch the document now. */
  reload(): Promise<void> {
    return this.resolve.reload();
  }
}
