import type { KeyObject } from 'node:crypto';
import type { DpopAlgorithm } from './dpop-algorithm.js';
import type { DpopReplayStore } from './dpop-replay-store.interface.js';

/** DPoP as resolved at start-up (the `dpop` option): what the proof checks and the issuance read. */
export interface DpopConfig {
  /** Refuse logins without a proof and tokens that are not bound. */
  readonly required: boolean;
  /** The algorithms a proof may be signed with: the configuration's, never the proof's choice. */
  readonly algorithms: readonly DpopAlgorithm[];
  /** Seconds a proof stays acceptable after its `iat`; also how long its `jti` is remembered. */
  readonly proofMaxAge: number;
  /** Seconds a proof's `iat` may lie ahead of this server's clock. */
  readonly clockSkew: number;
  /** The longest `DPoP` header accepted, in characters, checked before any decoding. */
  readonly maxProofLength: number;
  /** The external origins (`https://api.example.com`) a proof's `htu` may name; undefined: the request's own. */
  readonly origins?: ReadonlySet<string>;
  /** Server nonces (RFC 9449 section 8): the HMAC key they are made with and how long each lasts, in seconds. */
  readonly nonce?: { readonly key: KeyObject; readonly lifetime: number };
  /** The replay cache given by the user; undefined: the module's memory store of `replayCacheSize` entries. */
  readonly replayStore?: DpopReplayStore;
  readonly replayCacheSize: number;
}

/** The resolved settings DPoP reads. Declared beside the code that reads them. */
export interface DpopSettings {
  /** Undefined when DPoP is off: no proof is read, and a token bound to a key is refused. */
  readonly dpop?: DpopConfig;
}
