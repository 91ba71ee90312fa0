import type { JsonWebKey } from 'node:crypto';

// Node refuses an EC point off its curve on import, but with OpenSSL's words and nothing saying which key; it takes
// any 32 bytes as an Ed25519 key. Checking the point here gives one clear message on both paths, and refuses an
// Ed25519 key that is no point at all, which could never verify anything and only hides a configuration mistake.

interface WeierstrassCurve {
  /** Field prime. */
  readonly p: bigint;
  /** Constant of y^2 = x^3 - 3x + b (RFC 7518 section 6.2.1.1 curves all have a = -3). */
  readonly b: bigint;
  /** Bytes of a coordinate (RFC 7518 section 6.2.1.2: exactly the field size). */
  readonly bytes: number;
}

/** The NIST curves of ES256, ES384 and ES512 (SEC 2, FIPS 186-4 D.1.2). */
const CURVES: Readonly<Record<string, WeierstrassCurve>> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    bytes: 32,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    bytes: 48,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    bytes: 66,
  },
};

/** Ed25519 (RFC 8032 section 5.1): p = 2^255 - 19, d = -121665 / 121666. */
const ED_P = 2n ** 255n - 19n;
const ED_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;

/**
 * Why the public point of an EC or OKP JWK is not a point of its curve, or `undefined` when it is (or the key is of
 * another type). The reason names the curve and never the coordinates.
 */
export function curvePointProblem(jwk: JsonWebKey): string | undefined {
  if (jwk.kty === 'EC') {
    const curve = typeof jwk.crv === 'string' ? CURVES[jwk.crv] : undefined;
    if (curve === undefined) return undefined; // Another curve: the algorithm check says no.
    const x = coordinate(jwk.x, curve.bytes);
    const y = coordinate(jwk.y, curve.bytes);
    if (x === undefined || y === undefined) return `is an EC key whose x and y are not ${curve.bytes}-byte coordinates`;
    const { p, b } = curve;
    const onCurve = x < p && y < p && mod(y * y - (x * x * x - 3n * x + b), p) === 0n;
    return onCurve ? undefined : `is an EC key whose point is not on ${jwk.crv}`;
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const bytes = typeof jwk.x === 'string' ? Buffer.from(jwk.x, 'base64url') : undefined;
    if (bytes?.length !== 32) return 'is an Ed25519 key whose x is not 32 bytes';
    return isEd25519Point(bytes) ? undefined : 'is an Ed25519 key whose x is not a point on Ed25519';
  }
  return undefined;
}

function coordinate(value: unknown, bytes: number): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const buffer = Buffer.from(value, 'base64url');
  return buffer.length === bytes ? BigInt(`0x${buffer.toString('hex')}`) : undefined;
}

/** RFC 8032 section 5.1.3, decoding: y below p, and x^2 = (y^2 - 1) / (d y^2 + 1) has a root of the right sign. */
function isEd25519Point(encoded: Buffer): boolean {
  const bytes = Buffer.from(encoded).reverse(); // little-endian
  const sign = bytes[0]! >> 7;
  bytes[0]! &= 0x7f;
  const y = BigInt(`0x${bytes.toString('hex')}`);
  if (y >= ED_P) return false;
  const u = mod(y * y - 1n, ED_P);
  const v = mod(ED_D * y * y + 1n, ED_P);
  const v3 = mod(v * v * v, ED_P);
  let x = mod(u * v3 * power(mod(u * v3 * v3 * v, ED_P), (ED_P - 5n) / 8n, ED_P), ED_P);
  const check = mod(v * x * x, ED_P);
  if (check !== u) {
    if (check !== mod(-u, ED_P)) return false;
    x = mod(x * power(2n, (ED_P - 1n) / 4n, ED_P), ED_P);
  }
  return !(x === 0n && sign === 1);
}

function mod(value: bigint, modulus: bigint): bigint {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
}

function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}
