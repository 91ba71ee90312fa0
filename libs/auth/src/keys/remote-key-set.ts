import { KeyObject } from 'node:crypto';
import { HttpStatus, Logger } from '@nestjs/common';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type ExportedJWKSCache,
  type FetchImplementation,
  jwksCache,
  type RemoteJWKSetOptions,
} from 'jose';
import { AuthError, invalidToken } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import { keyProblem } from './key-checks.js';
import { screenKeySet } from './remote-key-screen.js';
import type { VerificationKey } from './verification-key.interface.js';

/** Where {@link RemoteKeySet} reports keys it skips: Nest's `Logger`, or a test's stand-in. */
export type KeySetLogger = Pick<Logger, 'warn'>;

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
 * the URL is configuration. Every fetched document goes through the key checks configured keys pass at start-up
 * (`key-checks.ts`) before jose sees it: a key that fails them is left out, with one warning naming its kid, and a
 * token naming that kid is refused with 401 `invalid_token`. Each key becomes a `KeyObject` once and is pinned to the
 * algorithm it was looked up for.
 */
export class RemoteKeySet {
  private readonly resolve: ReturnType<typeof createRemoteJWKSet>;
  private readonly keyObjects = new WeakMap<object, KeyObject>();
  private readonly algorithms: ReadonlySet<string>;
  // jose records here when it last fetched the document: trust in a key is counted from that fetch, not from the
  // lookup, so a token verified late in the cache window is not trusted past the document's own expiry.
  private readonly fetched: Partial<ExportedJWKSCache> = {};
  /** Kids of the last document whose every key failed the key checks, with the first reason. */
  private refused: ReadonlyMap<string, string> = new Map();
  /** Keys warned about at the last fetch: a key that stays bad is named once, not at every refetch. */
  private warned: ReadonlySet<string> = new Set();

  constructor(
    private readonly options: RemoteKeySetOptions,
    private readonly logger: KeySetLogger = new Logger('AuthModule'),
  ) {
    const joseOptions: RemoteJWKSetOptions = {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs,
      timeoutDuration: options.timeoutMs,
      [jwksCache]: this.fetched as Record<string, never>,
      [customFetch]: this.fetchChecked,
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
      if (error instanceof errors.JWKSNoMatchingKey) {
        if (kid !== undefined && this.refused.has(kid))
          throw invalidToken('Token key id (kid) names a key of the key set that failed the key checks');
        throw invalidToken(kid === undefined ? 'Token has no kid' : 'Token key id (kid) is not known');
      }
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
      // The document's keys passed the checks for the algorithm each would verify with; this one is pinned to the
      // token's algorithm, which may be another of jwks.algorithms.
      if (keyProblem(key, algorithm) !== undefined) throw invalidToken('Token key does not fit its algorithm');
      this.keyObjects.set(cryptoKey, key);
    }
    return { kid, algorithm, key, trustedUntilMs: (this.fetched.uat ?? Date.now()) + this.options.cacheMaxAgeMs };
  }

  /**
   * jose's fetch, with the key checks between the response and jose: the document jose reads holds only the keys that
   * passed. Anything but a 200 JSON key set goes to jose as it came, and jose refuses it as before (503).
   */
  private readonly fetchChecked: FetchImplementation = async (url, init) => {
    const response = await fetch(url, init);
    if (response.status !== 200) return response;
    const text = await response.text();
    let screened: ReturnType<typeof screenKeySet>;
    try {
      screened = screenKeySet(JSON.parse(text), this.options.algorithms);
    } catch {
      screened = undefined;
    }
    if (screened === undefined) return new Response(text, { status: 200, headers: response.headers });
    const labels = new Set(screened.failures.map((failure) => failure.label));
    for (const { label, reason } of screened.failures) {
      if (!this.warned.has(label))
        this.logger.warn(`Remote JWKS ${this.options.uri}: key ${label} is skipped, it ${reason}`);
    }
    this.warned = labels;
    this.refused = screened.refused;
    return Response.json(screened.document);
  };

  /** For tests and health checks: fetch the document now. */
  reload(): Promise<void> {
    return this.resolve.reload();
  }
}
