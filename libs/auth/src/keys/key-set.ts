import type { JsonWebKey } from 'node:crypto';
import { invalidToken } from '../errors/auth-error.js';
import { isJwtAlgorithm, JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import type { RemoteKeySet } from './remote-key-set.js';
import type { VerificationKey } from './verification-key.interface.js';

const MAX_KID_LENGTH = 256;

/**
 * The keys a verifier trusts. A token's key is found from configuration alone: by exact `kid` when the token names
 * one, otherwise the one key without a kid (or the only key). The token's `alg` must then be the algorithm that key is
 * pinned to. `jku`, `x5u`, `jwk` and `x5c` are never consulted.
 */
export class KeySet {
  private readonly byKid = new Map<string, VerificationKey>();
  private readonly withoutKid: VerificationKey[] = [];
  private readonly algorithms: ReadonlySet<string>;

  constructor(
    private readonly keys: readonly VerificationKey[],
    private readonly remote?: RemoteKeySet,
  ) {
    for (const key of keys) {
      if (key.kid === undefined) this.withoutKid.push(key);
      else this.byKid.set(key.kid, key);
    }
    this.algorithms = new Set(keys.map((key) => key.algorithm));
  }

  /** The key for a token's header; a promise only when a remote JWKS must be asked. Throws {@link AuthError}. */
  find(header: Record<string, unknown>): VerificationKey | Promise<VerificationKey> {
    const { alg, kid } = header;
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
      throw invalidToken('The token algorithm is not allowed (the token is unsigned)');
    }
    if (!isJwtAlgorithm(alg) || !(this.algorithms.has(alg) || this.remote?.allows(alg))) {
      throw invalidToken('The token algorithm is not allowed');
    }
    if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
      throw invalidToken('Token has an invalid kid');
    }
    const local = kid === undefined ? this.keyWithoutKid() : this.byKid.get(kid);
    if (local !== undefined) {
      if (local.algorithm !== alg) throw invalidToken('The token algorithm is not allowed');
      return local;
    }
    if (this.remote === undefined)
      throw invalidToken(kid === undefined ? 'Token has no kid' : 'Token key id (kid) is not known');
    // A local key's algorithm never opens the remote set to it: jwks.algorithms alone says what the remote keys verify.
    if (!this.remote.allows(alg)) throw invalidToken('The token algorithm is not allowed');
    return this.remote.find(alg, kid);
  }

  /** The public keys as a JWKS document (RFC 7517 section 5); HMAC secrets are never published. */
  toJwks(): { keys: JsonWebKey[] } {
    return {
      keys: this.keys
        .filter((entry) => JWS_ALGORITHMS[entry.algorithm].family !== 'hmac')
        .map((entry) => ({
          ...entry.key.export({ format: 'jwk' }),
          ...(entry.kid && { kid: entry.kid }),
          alg: entry.algorithm,
          use: 'sig',
        })),
    };
  }

  private keyWithoutKid(): VerificationKey | undefined {
    if (this.withoutKid.length === 1) return this.withoutKid[0];
    return this.keys.length === 1 && this.remote === undefined ? this.keys[0] : undefined;
  }
}
