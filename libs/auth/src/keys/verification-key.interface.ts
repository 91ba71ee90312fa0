import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';

/** A key the verifier trusts: built once, pinned to one algorithm, found by exact `kid`. */
export interface VerificationKey {
  readonly kid?: string;
  readonly algorithm: JwtAlgorithm;
  readonly key: KeyObject;
  /** For keys from a remote JWKS: the epoch millisecond after which a token it verified must be checked again. */
  readonly trustedUntilMs?: number;
}

/** The key tokens are signed with. */
export interface SigningKey {
  readonly kid?: string;
  readonly algorithm: JwtAlgorithm;
  readonly key: KeyObject;
}
