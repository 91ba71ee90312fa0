/**
 * The set-up the security suites (test/security/*.e2e-spec.ts, one file per rule of /work/shared/reference/security.md,
 * "Verifying and revoking tokens: the bar to clear", and one for the known CVEs) share: the keys, the fixture app of
 * each case (test/fixtures/security.app.ts: AuthModule.forRoot with the algorithm and keys of that case, a route per
 * guard) started on first use, the two local HTTP servers the JWKS and jku/x5u cases need, and the raw-token helpers
 * more than one area uses. Attacks are forged by hand with node:crypto (./security-jws.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from '@jest/globals';
import type { AuthModuleOptions } from 'nest-jwt-extended';
import { type SecurityApp, startSecurityApp } from '../fixtures/security.app.js';
import { accessClaims } from './forge.js';
import { RecordingServer } from './security-http.js';
import { type Algorithm, jws, type SegmentContent } from './security-jws.js';
import { type KeyPair, privatePem, publicPem, securityKeys } from './security-keys.js';

/** The keys of every case, generated once per test file. */
export const K = securityKeys();
/** The issuer the claims app requires. */
export const ISSUER = 'https://issuer.test';
/** The second issuer the decodeLists app accepts, and the one it mints with (not among those it accepts). */
export const OTHER_ISSUER = 'https://other-issuer.test';
export const MINTED_ISSUER = 'https://minted.test';
/** The three HMAC algorithms. */
export const HS = ['HS256', 'HS384', 'HS512'] as const;
/** The refusal of an algorithm the configuration does not allow (for that kid): not a failed signature. */
export const NOT_ALLOWED = /algorithm is not allowed/;
/** A JWS header of `alg`, typ JWT, and `extra`. */
export const header = (alg: string, extra: Record<string, unknown> = {}) => ({ alg, typ: 'JWT', ...extra });

/** The key pair behind each asymmetric algorithm's app (RS and PS share one RSA key). */
export const PAIR: Record<Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>, KeyPair> = {
  RS256: K.rsa,
  RS384: K.rsa,
  RS512: K.rsa,
  PS256: K.rsa,
  PS384: K.rsa,
  PS512: K.rsa,
  ES256: K.p256,
  ES384: K.p384,
  ES512: K.p521,
  EdDSA: K.ed25519,
};
/** Whether `alg` is one of the HMAC algorithms. */
export const isHmac = (alg: Algorithm): alg is (typeof HS)[number] => alg.startsWith('HS');

// --- local HTTP servers: one the attacker controls (jku / x5u targets), one a legitimate JWKS ------------------------
const attackerJwk = { ...K.attackerRsa.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };
export const attackerServer = new RecordingServer({
  '/jwks.json': { type: 'application/json', body: JSON.stringify({ keys: [attackerJwk] }) },
  '/cert.pem': { type: 'application/x-pem-file', body: K.attackerCertificate },
});
export const legitServer = new RecordingServer({
  '/jwks.json': {
    type: 'application/json',
    // "legit" is pinned to RS256 by its alg member; "legit-any" is the same key without alg (any RSA algorithm fits).
    body: JSON.stringify({
      keys: [
        { ...K.rsa.publicKey.export({ format: 'jwk' }), kid: 'legit', alg: 'RS256', use: 'sig' },
        { ...K.rsa.publicKey.export({ format: 'jwk' }), kid: 'legit-any', use: 'sig' },
      ],
    }),
  },
});

/** Starts both servers before the calling file's tests and closes them after its last. */
export function useRecordingServers(): void {
  beforeAll(async () => {
    await Promise.all([attackerServer.start(), legitServer.start()]);
    // The recorder works: a request to it is seen. Then the log starts empty, so "zero requests" means something.
    const probe = await fetch(attackerServer.url('/jwks.json'));
    expect(probe.status).toBe(200);
    expect(attackerServer.requests).toHaveLength(1);
    attackerServer.requests.length = 0;
  });
  afterAll(() => Promise.all([attackerServer.close(), legitServer.close()]));
}

// --- fixture apps, started on first use and shared by the tests of one adapter -----------------------------------------
export type AppName =
  | Algorithm
  | 'mixed'
  | 'claims'
  | 'decodeLists'
  | 'looseSub'
  | 'unexpectedAudience'
  | 'noNbf'
  | 'flaskMessageKey'
  | 'small'
  | 'rsCertificate'
  | 'rsPkcs1'
  | 'remoteJwks'
  | 'hsWithRemoteJwks'
  | 'rsWithRemotePs';

function configOf(name: AppName): AuthModuleOptions {
  switch (name) {
    // HS256 with kid "h" next to keys pinned to other algorithms: RS256 "r", ES256 "e", EdDSA "d". A larger
    // maxTokenLength leaves room for the oversized-kid cases.
    case 'mixed':
      return {
        algorithm: 'HS256',
        secret: K.mixedHmac,
        kid: 'h',
        maxTokenLength: 16384,
        verificationKeys: [
          { kid: 'r', algorithm: 'RS256', key: publicPem(K.rsa) },
          { kid: 'e', algorithm: 'ES256', key: publicPem(K.p256) },
          { kid: 'd', algorithm: 'EdDSA', key: publicPem(K.ed25519) },
        ],
      };
    case 'claims':
      return { algorithm: 'EdDSA', privateKey: privatePem(K.ed25519), issuer: ISSUER, audience: 'api', leeway: 30 };
    // Issue 23, the options a Flask migration needs. Mints as one issuer and audience, accepts two others of each.
    case 'decodeLists':
      return {
        algorithm: 'HS256',
        secret: K.hmac,
        issuer: MINTED_ISSUER,
        audience: 'minted-api',
        acceptedIssuers: [ISSUER, OTHER_ISSUER],
        acceptedAudiences: ['api', 'https://api.test'],
      };
    case 'looseSub':
      return { algorithm: 'HS256', secret: K.hmac, verifySub: false };
    case 'unexpectedAudience':
      return { algorithm: 'HS256', secret: K.hmac, acceptUnexpectedAudience: true };
    case 'noNbf':
      return { algorithm: 'HS256', secret: K.hmac, encodeNbf: false };
    case 'flaskMessageKey':
      return { algorithm: 'HS256', secret: K.hmac, errorFormat: 'flask-jwt-extended', errorMessageKey: 'message' };
    case 'small':
      return { algorithm: 'HS256', secret: K.hmac, maxTokenLength: 512 };
    // Verify-only apps whose public key is configured as a certificate or as PKCS#1 (CVE-2023-48223).
    case 'rsCertificate':
      return { algorithm: 'RS256', publicKey: K.rsaCertificate };
    case 'rsPkcs1':
      return { algorithm: 'RS256', publicKey: K.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) };
    // Verify-only, keys from a (legitimate) remote JWKS: the library does fetch, but only the configured URL.
    case 'remoteJwks':
      return { algorithm: 'RS256', jwks: { uri: legitServer.url('/jwks.json') } };
    // HS256 locally (kid "h") and RS256 keys from the remote JWKS: an attacker can read that JWKS and HMAC with it.
    case 'hsWithRemoteJwks':
      return {
        algorithm: 'HS256',
        secret: K.mixedHmac,
        kid: 'h',
        jwks: { uri: legitServer.url('/jwks.json'), algorithms: ['RS256'] },
      };
    // A local RS256 key (a second RSA key, kid "local") and remote keys accepted for PS256 only.
    case 'rsWithRemotePs':
      return {
        algorithm: 'RS256',
        privateKey: privatePem(K.attackerRsa),
        kid: 'local',
        jwks: { uri: legitServer.url('/jwks.json'), algorithms: ['PS256'] },
      };
    default:
      return isHmac(name)
        ? { algorithm: name, secret: K.hmac }
        : { algorithm: name, privateKey: privatePem(PAIR[name]) };
  }
}

/**
 * The fixture apps of one adapter, each started on first use of its name and shared by the tests that follow;
 * `closeAll` in the suite's afterAll.
 */
export class AppPool {
  private readonly apps = new Map<AppName, Promise<SecurityApp>>();

  constructor(private readonly adapter: 'express' | 'fastify') {}

  get(name: AppName): Promise<SecurityApp> {
    let app = this.apps.get(name);
    if (app === undefined) this.apps.set(name, (app = startSecurityApp(this.adapter, configOf(name))));
    return app;
  }

  async closeAll(): Promise<void> {
    const started = await Promise.allSettled(this.apps.values());
    await Promise.all(
      started.map((result) => (result.status === 'fulfilled' ? result.value.close() : Promise.resolve())),
    );
  }
}

/** An HS256 token over exactly these header and payload bytes, signed with the HS256 app's secret. */
export const hs = (head: SegmentContent, payload: SegmentContent) => jws(head, payload, K.hmac, { signAs: 'HS256' });

/** A token over `payload` with the claims text spliced in after `prefix` (for duplicate and prototype keys). */
export const spliced = (prefix: string, claims: Record<string, unknown> = accessClaims()) =>
  `{${prefix},${JSON.stringify(claims).slice(1)}`;

/** Contents a kid-as-path lookup would read: the secret an attacker signs with in the classic kid attacks. */
export const fileContents = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
