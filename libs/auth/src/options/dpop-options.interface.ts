import type { DpopAlgorithm } from '../dpop/dpop-algorithm.js';
import type { DpopReplayStore } from '../dpop/dpop-replay-store.interface.js';
import type { TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * The `dpop` option: sender-constrained tokens (RFC 9449). `true` turns DPoP on with every default.
 *
 * @example
 * ```ts
 * import { RedisDpopReplayStore } from 'nest-jwt-extended/redis';
 *
 * AuthModule.forRoot({
 *   secret,
 *   dpop: {
 *     algorithms: ['ES256', 'Ed25519'],
 *     origin: 'https://api.example.com', // behind a proxy: the URL clients call
 *     replayStore: new RedisDpopReplayStore({ url: process.env.REDIS_URL! }),
 *   },
 * });
 * ```
 */
export interface DpopOptions {
  /**
   * Refuse a login without a proof and any token that is not bound: every client must use DPoP. Default false: a
   * login with a proof gets bound tokens, one without gets bearer tokens as before.
   */
  required?: boolean;
  /**
   * The algorithms a proof may be signed with, listed in every DPoP challenge's `algs`. Asymmetric only. Default
   * `['ES256', 'Ed25519', 'EdDSA', 'PS256', 'RS256']`.
   */
  algorithms?: DpopAlgorithm[];
  /** How long after its `iat` a proof is accepted (seconds or `'1m'`); its `jti` is remembered as long. Default 60 s. */
  proofMaxAge?: TokenLifetime;
  /** How far a proof's `iat` may be ahead of this server's clock, in seconds. Default 5. */
  clockSkew?: number;
  /** The longest `DPoP` header accepted, in characters. Default 4096. */
  maxProofLength?: number;
  /**
   * The origin (or origins) clients call this server at, `https://api.example.com`, when it runs behind a proxy or a
   * load balancer: a proof's `htu` must name one of them and the request's path. Without it, the origin is read from
   * the request (its `Host` header, and the scheme Express' `trust proxy` or Fastify's `trustProxy` tells), which a
   * proxy may have changed. Set it in production.
   */
  origin?: string | string[];
  /**
   * Server nonces (RFC 9449 section 8): every proof must carry a recent nonce of this server; a client without one gets
   * 401 `use_dpop_nonce` and a `DPoP-Nonce` header to retry with. `secret` (at least 32 bytes) must be the same on
   * every instance; without it, each process makes its own, and a nonce works only there. Default off.
   */
  nonce?: boolean | { secret?: string | Buffer; lifetime?: TokenLifetime };
  /**
   * Where used proofs are remembered. Default: a `MemoryDpopReplayStore` of `replayCacheSize` entries (one process).
   * Several instances: `RedisDpopReplayStore`, or a {@link DpopReplayStore} of your own.
   */
  replayStore?: DpopReplayStore;
  /** The bound of the default memory replay store, in proofs. Default 100,000. */
  replayCacheSize?: number;
}
