import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { jwkProblem, keyProblem } from './key-checks.js';

/** The JWK curve names of the EC algorithms (RFC 7518 section 3.4). */
const JWK_CURVES: Partial<Record<JwtAlgorithm, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** A remote JWKS document after the key checks: the keys that passed, and why each of the others failed. */
export interface ScreenedKeySet {
  /** The document with only the keys that passed: what jose looks keys up in. */
  readonly document: { keys: JsonWebKey[] };
  /** For each kid whose every key failed the checks: the first reason (as it reads after "key ..."). */
  readonly refused: ReadonlyMap<string, string>;
  /** The keys that failed, each with a label for a log line (its kid, quoted, or its position) and the reason. */
  readonly failures: ReadonlyArray<{ readonly label: string; readonly reason: string }>;
}

/**
 * Runs the key checks of `key-checks.ts` (the ones every configured key passes at start-up) on each key of a fetched
 * JWKS document. A key meant for something else is left out without a word: `use` other than `"sig"`, `key_ops`
 * without `"verify"`, an `alg` outside `algorithms`, or a key type none of `algorithms` takes (an identity provider
 * publishes its encryption keys in the same document). A key meant for verifying with one of `algorithms` that fails
 * a check (a weak or broken RSA key, a point off its curve, a private key, a malformed JWK) is left out and reported.
 * Returns `undefined` for what is not a key set at all, which jose then refuses as it always did.
 */
export function screenKeySet(document: unknown, algorithms: readonly JwtAlgorithm[]): ScreenedKeySet | undefined {
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys))
    return undefined;
  const keys: unknown[] = (document as { keys: unknown[] }).keys;
  const kept: JsonWebKey[] = [];
  const failures: Array<{ label: string; reason: string; kid?: string }> = [];
  keys.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
    const jwk = entry as JsonWebKey;
    const algorithm = algorithmFor(jwk, algorithms);
    if (algorithm === undefined) return;
    const reason = problemOf(jwk, algorithm);
    if (reason === undefined) {
      kept.push(jwk);
      return;
    }
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    // A kid is the JWKS server's text: bounded and quoted in the log, never the key's members.
    failures.push({ label: kid === undefined ? `#${index} (no kid)` : JSON.stringify(kid.slice(0, 64)), reason, kid });
  });
  const keptKids = new Set(kept.map((jwk) => jwk.kid));
  const refused = new Map<string, string>();
  for (const { kid, reason } of failures) {
    if (kid !== undefined && !keptKids.has(kid) && !refused.has(kid)) refused.set(kid, reason);
  }
  return { document: { ...document, keys: kept }, refused, failures };
}

/**
 * The algorithm a key would verify with, or `undefined` when it is not meant for verifying with one of `algorithms`.
 * A stated `alg` decides (and must then fit); otherwise the first of `algorithms` whose key type and curve it has.
 */
function algorithmFor(jwk: JsonWebKey, algorithms: readonly JwtAlgorithm[]): JwtAlgorithm | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  const ops: unknown = jwk.key_ops;
  if (Array.isArray(ops) && !ops.includes('verify')) return undefined;
  if (jwk.alg !== undefined) return algorithms.find((algorithm) => algorithm === jwk.alg);
  return algorithms.find((algorithm) => fitsType(jwk, algorithm));
}

function fitsType(jwk: JsonWebKey, algorithm: JwtAlgorithm): boolean {
  switch (JWS_ALGORITHMS[algorithm].family) {
    case 'rsa':
    case 'rsa-pss':
      return jwk.kty === 'RSA';
    case 'ec':
      return jwk.kty === 'EC' && jwk.crv === JWK_CURVES[algorithm];
    case 'eddsa':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    default:
      return false;
  }
}

function problemOf(jwk: JsonWebKey, algorithm: JwtAlgorithm): string | undefined {
  const stated = jwkProblem(jwk, algorithm, 'verify');
  if (stated !== undefined) return stated;
  // A JWKS publishes public keys; a private member means the issuer leaked its key (jose refuses the whole set).
  if (jwk.kty === 'oct' || ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => Object.hasOwn(jwk, member)))
    return 'is a private or secret key: a JWKS publishes public keys only';
  try {
    return keyProblem(createPublicKey({ key: jwk, format: 'jwk' }), algorithm);
  } catch {
    return `is not a valid public JWK for ${algorithm}`;
  }
}
