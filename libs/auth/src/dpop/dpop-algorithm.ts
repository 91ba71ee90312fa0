import { JWS_ALGORITHMS, type JwsAlgorithmSpec, type JwtAlgorithm } from '../jws/jws-algorithm.js';

/**
 * The algorithms a DPoP proof may be signed with: asymmetric only (the server never holds the client's key), and
 * `Ed25519`, the fully-specified name (RFC 9864) that DPoP clients such as `dpop` write for an Ed25519 key, beside
 * `EdDSA`.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, dpop: { algorithms: ['ES256', 'Ed25519'] } });
 * ```
 */
export type DpopAlgorithm = Exclude<JwtAlgorithm, 'HS256' | 'HS384' | 'HS512'> | 'Ed25519';

/** Every {@link DpopAlgorithm}, in the order a challenge's `algs` lists them by default. */
export const DPOP_ALGORITHMS: readonly DpopAlgorithm[] = [
  'ES256',
  'ES384',
  'ES512',
  'Ed25519',
  'EdDSA',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

/** Whether `name` is a {@link DpopAlgorithm}, by exact match: `none`, `HS256` or `es256` are not. */
export function isDpopAlgorithm(name: unknown): name is DpopAlgorithm {
  return typeof name === 'string' && (DPOP_ALGORITHMS as readonly string[]).includes(name);
}

/** The JWS algorithm whose keys and signatures a proof algorithm uses (`Ed25519` is `EdDSA` with an Ed25519 key). */
export function jwsAlgorithmOf(alg: DpopAlgorithm): JwtAlgorithm {
  return alg === 'Ed25519' ? 'EdDSA' : alg;
}

/** How a proof algorithm signs. */
export function dpopSpecOf(alg: DpopAlgorithm): JwsAlgorithmSpec {
  return JWS_ALGORITHMS[jwsAlgorithmOf(alg)];
}
