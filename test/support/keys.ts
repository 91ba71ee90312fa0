import {
  constants,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JwtAlgorithm } from 'nest-jwt-extended';
import { b64 } from './forge.js';

const generate = promisify(generateKeyPair) as unknown as (
  type: string,
  options: object,
) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

/** The asymmetric algorithms, each with the kind of key it takes and how node:crypto signs with it. */
export type AsymmetricAlgorithm = Exclude<JwtAlgorithm, 'HS256' | 'HS384' | 'HS512'>;

const HASH: Record<AsymmetricAlgorithm, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

/** A key pair, as KeyObjects and as PEM text. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export interface KeyPairOptions {
  /** `rsa-pss` for an RSA-PSS-only key; default: the usual key type of the algorithm. */
  type?: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519';
  /** RSA modulus size. Default 2048. */
  modulusLength?: number;
  /** EC curve. Default: the algorithm's. */
  namedCurve?: string;
  /** PEM encoding of the private key. Default pkcs8; `pkcs1` for RSA, `sec1` for EC give the older formats. */
  privateFormat?: 'pkcs8' | 'pkcs1' | 'sec1';
}

/** A fresh key pair for `algorithm` (async, so several RSA keys are generated side by side). */
export async function generateKeys(algorithm: AsymmetricAlgorithm, options: KeyPairOptions = {}): Promise<TestKeyPair> {
  const type = options.type ?? (algorithm.startsWith('ES') ? 'ec' : algorithm === 'EdDSA' ? 'ed25519' : 'rsa');
  const curve = options.namedCurve ?? { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[algorithm as 'ES256'];
  const params =
    type === 'ec' ? { namedCurve: curve } : type === 'ed25519' ? {} : { modulusLength: options.modulusLength ?? 2048 };
  const { privateKey, publicKey } = await generate(type, params);
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: options.privateFormat ?? 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A temporary directory for key files, removed by `remove()`. */
export class KeyDir {
  readonly path = mkdtempSync(join(tmpdir(), 'nest-jwt-extended-keys-'));

  /** Writes `text` to `<dir>/<name>` and returns the absolute path. */
  write(name: string, text: string): string {
    const file = join(this.path, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  }

  /** Writes both halves of a pair: `{ privatePath, publicPath }`. */
  writePair(name: string, pair: TestKeyPair): { privatePath: string; publicPath: string } {
    return {
      privatePath: this.write(`${name}.pem`, pair.privatePem),
      publicPath: this.write(`${name}.pub.pem`, pair.publicPem),
    };
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

function signOptions(algorithm: AsymmetricAlgorithm, key: KeyObject) {
  if (algorithm.startsWith('PS'))
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (algorithm.startsWith('ES')) return { key, dsaEncoding: 'ieee-p1363' as const };
  return { key };
}

/**
 * Signs any header and payload with an asymmetric key, by hand (node:crypto only): tokens the library would never
 * issue, such as a kid that names another key. The header's `alg` defaults to `algorithm`.
 */
export function signToken(
  algorithm: AsymmetricAlgorithm,
  privateKey: KeyObject,
  payload: unknown,
  header: Record<string, unknown> = {},
): string {
  const signingInput = `${b64({ alg: algorithm, typ: 'JWT', ...header })}.${b64(payload)}`;
  const signature = sign(HASH[algorithm], Buffer.from(signingInput), signOptions(algorithm, privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Checks a token's signature with a JWK, independently of the library: node:crypto imports the JWK, and the
 * algorithm comes from the JWK's own `alg` (which must agree with the token's header).
 */
export function verifiesWithJwk(token: string, jwk: JsonWebKey): boolean {
  const [header, payload, signature] = token.split('.');
  const algorithm = jwk.alg as AsymmetricAlgorithm;
  if (headerOf(token).alg !== algorithm || !(algorithm in HASH)) return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return verify(
    HASH[algorithm],
    Buffer.from(`${header}.${payload}`),
    signOptions(algorithm, key),
    Buffer.from(signature!, 'base64url'),
  );
}

/** The JOSE header of a JWT, unverified. */
export const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());

/** The JWK members that only a private key has (RFC 7518 sections 6.2.2, 6.3.2; RFC 8037). */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * The private members of a key (d, and for RSA p, q, dp, dq, qi) as base64url, the way a leaking JWK would carry them.
 * Node cannot export RSA-PSS keys as JWK: their PEM lines stand in.
 */
export function privateParts(pair: TestKeyPair): string[] {
  try {
    const jwk = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return PRIVATE_JWK_MEMBERS.map((member) => jwk[member]).filter(
      (value): value is string => typeof value === 'string',
    );
  } catch {
    return pemBodyLines(pair.privatePem);
  }
}

/** The base64 lines of a PEM's body (long enough to be unmistakable), to check that no output quotes the key. */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 24 && !line.startsWith('-----'));
}
