/**
 * The public JOSE test vectors of test/fixtures/vectors/ (see its README.md), each turned into one case: the token,
 * the answer the vector expects, and the options a user would give AuthModule to verify with the vector's key. The
 * algorithm always comes from those options (the JWK's `alg`, or the one its key type and curve call for), never from
 * the token. Cases the RFCs answer differently from the vector, and cases that do not apply to this library, carry
 * their reason here, in code, so that the README and the test cannot drift apart silently.
 */
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthModuleOptions, JwtAlgorithm } from 'nest-jwt-extended';

/** One vector, ready to run. */
export interface VectorCase {
  /** e.g. "wycheproof json_web_signature_test tcId 33 (rs256: acceptsValid)". */
  readonly name: string;
  readonly token: string;
  /** What the vector expects of a JWS verifier. */
  readonly expected: 'accept' | 'refuse';
  /** The module options that configure the vector's key, as a user would. */
  readonly options: AuthModuleOptions;
  /** Why the vector is not mapped to a decision of ours (it still runs, and must only ever fail with an AuthError). */
  readonly notApplicable?: string;
  /** Why our answer is the opposite of the vector's (the RFC that says so). */
  readonly disagreement?: string;
}

const DIR = join(process.cwd(), 'test/fixtures/vectors');
const read = (path: string): unknown => JSON.parse(readFileSync(join(DIR, path), 'utf8'));

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const CURVE_ALGORITHMS: Record<string, JwtAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const OURS: ReadonlySet<string> = new Set([
  ...['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES384', 'ES512', 'EdDSA'],
]);

/**
 * The algorithm a user would pin this key to: its `alg` when that is one of ours, otherwise the one its key type and
 * curve call for (RS256 for RSA, HS256 for oct, ES* by curve, EdDSA for Ed25519).
 */
export function algorithmFor(jwk: JsonWebKey): JwtAlgorithm {
  if (typeof jwk.alg === 'string' && OURS.has(jwk.alg)) return jwk.alg as JwtAlgorithm;
  if (jwk.kty === 'EC') return CURVE_ALGORITHMS[String(jwk.crv)] ?? 'ES256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  return jwk.kty === 'oct' ? 'HS256' : 'RS256';
}

/** A verifier holds the public half only: the private members are dropped, as a user would. */
const publicHalf = (jwk: JsonWebKey): JsonWebKey =>
  jwk.kty === 'oct' ? jwk : Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));

/**
 * One key: `secret` or `publicKey`, with its `kid`, as a service verifying one issuer's tokens configures it. A key
 * set: every key under `verificationKeys`, each with its kid and algorithm, as a service trusting several keys does.
 */
export function optionsFor(keyOrSet: JsonWebKey | { keys: JsonWebKey[] }): AuthModuleOptions {
  if ('keys' in keyOrSet && Array.isArray(keyOrSet.keys)) {
    const [first] = keyOrSet.keys;
    return {
      algorithm: algorithmFor(first),
      verificationKeys: keyOrSet.keys.map((jwk) => ({
        kid: jwk.kid as string,
        algorithm: algorithmFor(jwk),
        key: publicHalf(jwk),
      })),
    };
  }
  const jwk = keyOrSet as JsonWebKey;
  const algorithm = algorithmFor(jwk);
  const key = publicHalf(jwk);
  const kid = typeof jwk.kid === 'string' ? { kid: jwk.kid } : {};
  return (
    algorithm.startsWith('HS') ? { algorithm, secret: key, ...kid } : { algorithm, publicKey: key, ...kid }
  ) as AuthModuleOptions;
}

// --- Wycheproof ------------------------------------------------------------------------------------------------------

interface WycheproofTest {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags?: string[];
}
interface WycheproofGroup {
  comment: string;
  public?: JsonWebKey | { keys: JsonWebKey[] };
  private?: JsonWebKey | { keys: JsonWebKey[] };
  tests: WycheproofTest[];
}

/** Where the RFCs (and this library) answer otherwise than Wycheproof; by file and tcId. See the fixture README. */
const WYCHEPROOF_DISAGREEMENTS: Record<string, Record<number, string>> = {
  json_web_signature_test: {
    // Wycheproof's copy of the RFC 7520 key states "alg": "PS256" (RFC 7520 figure 20 signs with PS384) and "ES521"
    // (no such algorithm: RFC 7518 section 3.4 names ES512 for P-521).
    346: 'the key states alg PS256 but the token is PS384: the key pins the algorithm (RFC 7517 section 4.4, RFC 8725 section 3.1)',
    347: 'the key states alg "ES521", which is no JWS algorithm (RFC 7518 section 3.4 names ES512): a key whose alg differs from the configured ES512 is refused at start-up (RFC 7517 section 4.4)',
    350: 'the key states alg PS256 but the token is PS384: the key pins the algorithm (RFC 7517 section 4.4, RFC 8725 section 3.1)',
    351: 'the key states alg "ES521", which is no JWS algorithm (RFC 7518 section 3.4 names ES512): refused at start-up (RFC 7517 section 4.4)',
    // Byte for byte the token of tcId 357, which the same file calls valid: one string cannot get two answers.
    367: 'the token is byte for byte tcId 357 (valid in the same file; its padding was lost): we accept it, as 357',
    370: 'the token is byte for byte tcId 357 (valid in the same file; its padding was lost): we accept it, as 357',
    // A "?" inside a base64url segment: the vector expects a decoder that skips it.
    372: 'a "?" in the header segment is no base64url character: RFC 7515 section 2 allows no other characters, RFC 4648 section 3.3 says to reject them',
    373: 'a "?" in the payload segment is no base64url character: RFC 7515 section 2 allows no other characters, RFC 4648 section 3.3 says to reject them',
  },
  json_web_key_test: {
    1: 'an HMAC and an EC key in one configured set: each key is pinned to its own algorithm by kid, so the EC key can never be used as an HMAC secret (the confusion the vector guards against); RFC 7517 allows mixed sets, and the vector is flagged Ambiguous',
  },
};

function wycheproofCases(file: 'json_web_signature_test' | 'json_web_key_test'): VectorCase[] {
  const { testGroups } = read(`wycheproof/${file}.json`) as { testGroups: WycheproofGroup[] };
  return testGroups.flatMap((group) => {
    const key = group.public ?? group.private!;
    const options = optionsFor(key);
    return group.tests.map((test) => ({
      name: `wycheproof ${file} tcId ${test.tcId} (${group.comment}: ${test.comment})`,
      token: test.jws,
      expected: test.result === 'valid' ? 'accept' : 'refuse',
      options,
      ...(test.result === 'acceptable' && { notApplicable: 'Wycheproof leaves "acceptable" results to the library' }),
      ...(WYCHEPROOF_DISAGREEMENTS[file]?.[test.tcId] !== undefined && {
        disagreement: WYCHEPROOF_DISAGREEMENTS[file][test.tcId],
      }),
    }));
  });
}

// --- RFC 7520 (the JOSE cookbook) ------------------------------------------------------------------------------------

/** Section 4's signature examples we support; 4.5 to 4.8 need detached content or several signatures (see README). */
const COOKBOOK = [
  '4_1.rsa_v15_signature',
  '4_2.rsa-pss_signature',
  '4_3.ecdsa_signature',
  '4_4.hmac-sha2_integrity_protection',
] as const;

interface CookbookExample {
  input: { key: JsonWebKey; alg: string };
  output: { compact: string; json: unknown; json_flat: unknown };
}

function cookbookCases(): VectorCase[] {
  return COOKBOOK.flatMap((file) => {
    const { input, output } = read(`rfc7520/${file}.json`) as CookbookExample;
    // The example's own algorithm, as the user following it would configure: the key has no alg member.
    const options = optionsFor({ ...input.key, alg: input.alg });
    const serialisations = [
      ['json', output.json],
      ['json_flat', output.json_flat],
    ] as const;
    return [
      { name: `rfc7520 ${file} compact`, token: output.compact, expected: 'accept' as const, options },
      ...serialisations.map(([form, value]) => ({
        name: `rfc7520 ${file} ${form}`,
        token: JSON.stringify(value),
        expected: 'accept' as const,
        options,
        notApplicable:
          'JWS JSON serialisation (RFC 7515 section 7.2): a bearer token is compact (RFC 7519 section 1), so only the compact form is accepted; it runs, and is refused',
      })),
    ];
  });
}

/** Every vector of the three sources, in file order. */
export function publicVectors(): VectorCase[] {
  return [...wycheproofCases('json_web_signature_test'), ...wycheproofCases('json_web_key_test'), ...cookbookCases()];
}
