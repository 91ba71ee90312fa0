import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private key and its public key. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Every key the security suite needs, generated once per test file (RSA 2048 keygen costs ~100-200 ms a key). */
export interface SecurityKeys {
  /** The RSA key of the RS and PS apps (2048 bits). */
  rsa: KeyPair;
  /** A second RSA key only the attacker holds. */
  attackerRsa: KeyPair;
  /** Too small for RS256 (CVE-2022-23539). */
  rsa1024: KeyPair;
  /** P-256, P-384, P-521: the ES256, ES384 and ES512 apps. */
  p256: KeyPair;
  p384: KeyPair;
  p521: KeyPair;
  /** An EC key on a curve no JWS algorithm of the library uses. */
  secp256k1: KeyPair;
  ed25519: KeyPair;
  /** Wrong key types: X25519 is for key agreement, DSA is legacy (CVE-2022-23539). */
  x25519: KeyPair;
  dsa: KeyPair;
  /** 64 random bytes: long enough for HS512, so one secret serves the three HS apps. */
  hmac: Buffer;
  /** The secret of the multi-key app (kid "h"). */
  mixedHmac: Buffer;
  /** Self-signed X.509 certificates (PEM) over the RSA, P-256 and attacker RSA keys, made with openssl. */
  rsaCertificate: string;
  p256Certificate: string;
  attackerCertificate: string;
}

let cached: SecurityKeys | undefined;

/** Generates the keys on first use; later calls return the same keys. */
export function securityKeys(): SecurityKeys {
  if (cached !== undefined) return cached;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  cached = {
    rsa,
    attackerRsa,
    rsa1024: generateKeyPairSync('rsa', { modulusLength: 1024 }),
    p256,
    p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    p521: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
    secp256k1: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
    ed25519: generateKeyPairSync('ed25519'),
    x25519: generateKeyPairSync('x25519'),
    // 1024-bit parameters: DSA is refused for its type, and 2048-bit parameter generation can take seconds.
    dsa: generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }),
    hmac: randomBytes(64),
    mixedHmac: randomBytes(32),
    ...certificates({
      rsaCertificate: rsa.privateKey,
      p256Certificate: p256.privateKey,
      attackerCertificate: attackerRsa.privateKey,
    }),
  };
  return cached;
}

/** Whether `openssl` can be run (it makes the certificates: Node has no certificate generator). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Self-signed certificates with `openssl req -x509`, in a temporary directory removed afterwards. Without openssl the
 * suite fails here, loudly: the certificate forms of the confusion tests must not silently disappear.
 */
function certificates<K extends string>(keys: Record<K, KeyObject>): Record<K, string> {
  if (!hasOpenssl()) throw new Error('openssl is not on PATH: the security suite needs it to make X.509 certificates');
  const dir = mkdtempSync(join(tmpdir(), 'security-e2e-'));
  try {
    const out = {} as Record<K, string>;
    for (const [name, key] of Object.entries(keys) as Array<[K, KeyObject]>) {
      const keyFile = join(dir, `${name}.key.pem`);
      const certFile = join(dir, `${name}.cert.pem`);
      writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      execFileSync(
        'openssl',
        ['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=test', '-days', '1', '-out', certFile],
        { stdio: 'pipe' },
      );
      out[name] = readFileSync(certFile, 'utf8');
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PEM text of a private key (PKCS#8). */
export const privatePem = (pair: KeyPair): string => pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** PEM text of a public key (SPKI). */
export const publicPem = (pair: KeyPair): string => pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;

/** The base64 body of an X.509 certificate PEM: what a JWS `x5c` header carries. */
export const certificateDerBase64 = (pem: string): string => pem.replace(/-----[A-Z ]+-----|\s/g, '');

/** One textual form in which a verifier's public key can be found: what an attacker would try as an HMAC secret. */
export interface PublicKeyForm {
  name: string;
  text: string;
}

/** The textual forms of the RSA public key: SPKI PEM, PKCS#1 PEM, X.509 certificate PEM, JWK JSON. */
export function rsaPublicForms(keys: SecurityKeys): PublicKeyForm[] {
  return [
    { name: 'SPKI PEM', text: publicPem(keys.rsa) },
    { name: 'PKCS#1 PEM', text: keys.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string },
    { name: 'X.509 certificate PEM', text: keys.rsaCertificate },
    { name: 'JWK JSON', text: JSON.stringify(keys.rsa.publicKey.export({ format: 'jwk' })) },
  ];
}

/** The textual forms of the P-256 public key: SPKI PEM, X.509 certificate PEM, JWK JSON (no PKCS#1 for EC). */
export function ecPublicForms(keys: SecurityKeys): PublicKeyForm[] {
  return [
    { name: 'SPKI PEM', text: publicPem(keys.p256) },
    { name: 'X.509 certificate PEM', text: keys.p256Certificate },
    { name: 'JWK JSON', text: JSON.stringify(keys.p256.publicKey.export({ format: 'jwk' })) },
  ];
}

/** Names of the forms, for test tables built before the keys exist. */
export const RSA_FORM_NAMES = [
  'SPKI PEM',
  'PKCS#1 PEM',
  'X.509 certificate PEM',
  'JWK JSON',
  'JWKS entry as the app publishes it',
] as const;
export const EC_FORM_NAMES = [
  'SPKI PEM',
  'X.509 certificate PEM',
  'JWK JSON',
  'JWKS entry as the app publishes it',
] as const;

/**
 * Ways a key's text gets bent between where it is published and where it is used: jsonwebtoken 9.0.3 accepted a
 * forged HS256 token when the RS256 PEM had a leading space or zero-width character, and fast-jwt when it had a prefix.
 */
export const TEXT_VARIANTS: ReadonlyArray<{ name: string; apply: (text: string) => string }> = [
  { name: 'as is', apply: (text) => text },
  { name: 'with a leading space', apply: (text) => ` ${text}` },
  { name: 'with a trailing newline', apply: (text) => `${text}\n` },
  { name: 'trimmed', apply: (text) => text.trim() },
  { name: 'with leading and trailing whitespace', apply: (text) => `\n\t  ${text}  \r\n` },
  { name: 'with CRLF line endings', apply: (text) => text.replace(/\r?\n/g, '\r\n') },
  { name: 'with a UTF-8 BOM prefix', apply: (text) => `\uFEFF${text}` },
  { name: 'with a zero-width space (U+200B) prefix', apply: (text) => `\u200B${text}` },
  { name: 'with a garbage prefix line', apply: (text) => `garbage\n${text}` },
];
