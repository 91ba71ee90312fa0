import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../errors/auth-error.js';
import { decodeCompactJws, verifyJwsSignature } from '../jws/compact-jws.js';
import type { JwsAlgorithmSpec } from '../jws/jws-algorithm.js';
import { keyProblem } from '../keys/key-checks.js';
import { dpopSpecOf, isDpopAlgorithm, jwsAlgorithmOf } from './dpop-algorithm.js';
import type { DpopNonces } from './dpop-nonces.js';
import type { DpopRefusals } from './dpop-refusals.js';
import { type DpopRequest, parseHtu, requestTarget } from './dpop-request-target.js';
import type { DpopConfig } from './dpop-settings.js';
import { jwkThumbprint } from './jwk-thumbprint.js';

/** A proof that passed every check but the replay cache: its key's thumbprint and its `jti`. */
export interface CheckedProof {
  readonly jkt: string;
  readonly jti: string;
}

/** What the proof must prove besides the request: the token it comes with (`ath`), and whether `ath` is required. */
export interface ProofDemand {
  readonly token?: string;
  readonly athRequired: boolean;
}

/** The public key of a proof header, checked and imported once per distinct header. */
interface ProofKey {
  readonly spec: JwsAlgorithmSpec;
  readonly key: KeyObject;
  readonly jkt: string;
}

// Members that only a private (or symmetric) JWK has: a proof carrying one has leaked its key (RFC 9449 section 4.3).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
/** Distinct proof headers remembered: a client sends the same header (typ, alg, jwk) with every proof. */
const KEY_CACHE_SIZE = 1024;
/** The longest `jti` accepted: RFC 9449 asks for 96 bits of randomness, a few dozen characters. */
const MAX_JTI_LENGTH = 256;

/**
 * The checks of one DPoP proof JWT against the request it came with (RFC 9449 section 4.3), in order: size; compact
 * JWS decoded strictly (the verifier's own decoder: canonical base64url, no duplicate keys, I-JSON); header `typ`
 * `dpop+jwt`, `alg` one of the configured asymmetric algorithms, no `crit`, `jwk` a public key of that algorithm's
 * type that passes the key checks; the signature; `jti`, `htm` = the method, `htu` = the URL without query and
 * fragment, `iat` within the window, `ath` = base64url(SHA-256(token)) when a token comes with it, `nonce` when
 * nonces are on. The replay check and the binding (`cnf.jkt`) are the caller's.
 */
export class DpopProofVerifier {
  private readonly keys = new Map<string, ProofKey>();

  constructor(
    private readonly config: DpopConfig,
    private readonly refusals: DpopRefusals,
    private readonly nonces: DpopNonces | undefined,
  ) {}

  verify(proof: unknown, request: DpopRequest, demand: ProofDemand, nowMs: number): CheckedProof {
    if (typeof proof !== 'string' || proof.length === 0) throw this.refusals.invalidProof('Missing DPoP proof');
    if (proof.length > this.config.maxProofLength) throw this.refusals.invalidProof('DPoP proof is too large');
    let jws: ReturnType<typeof decodeCompactJws>;
    try {
      jws = decodeCompactJws(proof);
    } catch (error) {
      // The decoder's reasons speak of a token: the same words, about the proof.
      const reason = error instanceof AuthError ? error.message.replace(/^Token/, 'DPoP proof') : 'malformed';
      throw this.refusals.invalidProof(reason.startsWith('DPoP proof') ? reason : 'DPoP proof is malformed');
    }
    const proofKey = this.keyOf(jws.headerSegment, jws.header);
    if (!verifyJwsSignature(jws, proofKey.spec, proofKey.key)) {
      throw this.refusals.invalidProof('DPoP proof signature verification failed');
    }
    const claims = jws.payload;
    const { jti } = claims;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
      throw this.refusals.invalidProof('DPoP proof needs a jti of 1 to 256 characters');
    if (claims.htm !== request.method) throw this.refusals.invalidProof('DPoP proof htm does not match the request');
    this.checkHtu(claims.htu, request);
    this.checkIat(claims.iat, nowMs);
    this.checkAth(claims.ath, demand);
    if (this.nonces !== undefined && !this.nonces.accepts(claims.nonce, nowMs))
      throw this.refusals.useNonce(this.nonces.current(nowMs));
    return { jkt: proofKey.jkt, jti };
  }

  private checkHtu(htu: unknown, request: DpopRequest): void {
    const proofTarget = typeof htu === 'string' && htu.length <= 4096 ? parseHtu(htu) : undefined;
    if (proofTarget === undefined) throw this.refusals.invalidProof('DPoP proof htu is not an http(s) URL');
    const target = requestTarget(request, this.config.origins, proofTarget.origin);
    if (target === undefined || target.origin !== proofTarget.origin || target.path !== proofTarget.path)
      throw this.refusals.invalidProof('DPoP proof htu does not match the request URL');
  }

  private checkIat(iat: unknown, nowMs: number): void {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw this.refusals.invalidProof('DPoP proof needs an iat');
    const now = nowMs / 1000;
    if (iat > now + this.config.clockSkew) throw this.refusals.invalidProof('DPoP proof iat is in the future');
    if (iat < now - this.config.proofMaxAge) throw this.refusals.invalidProof('DPoP proof is too old (iat)');
  }

  private checkAth(ath: unknown, demand: ProofDemand): void {
    if (ath === undefined && !demand.athRequired) return;
    if (typeof ath !== 'string') throw this.refusals.invalidProof('DPoP proof needs ath, the hash of the token');
    // A proof made for another token (or for none) is refused even where ath is optional.
    if (demand.token === undefined || ath !== createHash('sha256').update(demand.token).digest('base64url'))
      throw this.refusals.invalidProof('DPoP proof ath does not match the token');
  }

  /** The header's key: checked, imported and hashed the first time this exact header is seen, then remembered. */
  private keyOf(segment: string, header: Record<string, unknown>): ProofKey {
    const known = this.keys.get(segment);
    if (known !== undefined) return known;
    const key = this.checkHeader(header);
    if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(segment, key);
    return key;
  }

  private checkHeader(header: Record<string, unknown>): ProofKey {
    const { typ, alg, jwk } = header;
    if (typ !== 'dpop+jwt') throw this.refusals.invalidProof('DPoP proof typ must be dpop+jwt');
    // The configuration picks the algorithms: `none`, HS256 or any unlisted one is refused here.
    if (!isDpopAlgorithm(alg) || !this.config.algorithms.includes(alg))
      throw this.refusals.invalidProof('DPoP proof alg is not accepted');
    if (header.crit !== undefined) throw this.refusals.invalidProof('DPoP proof header crit is not supported');
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
      throw this.refusals.invalidProof('DPoP proof header needs a jwk');
    const members = jwk as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((name) => members[name] !== undefined))
      throw this.refusals.invalidProof('DPoP proof jwk must be a public key');
    const jkt = jwkThumbprint(members);
    if (jkt === undefined) throw this.refusals.invalidProof('DPoP proof jwk is not an EC, OKP or RSA public key');
    let key: KeyObject;
    try {
      key = createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
    } catch {
      throw this.refusals.invalidProof('DPoP proof jwk is not a valid public key');
    }
    // The same checks as a configured key: type and curve of the algorithm, RSA size and exponent, ROCA, curve points.
    if (keyProblem(key, jwsAlgorithmOf(alg)) !== undefined)
      throw this.refusals.invalidProof('DPoP proof jwk does not fit its alg or fails the key checks');
    return { spec: dpopSpecOf(alg), key, jkt };
  }
}
