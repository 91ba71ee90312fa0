/**
 * Security regression suite: one group per rule of /work/shared/reference/security.md ("Verifying and revoking
 * tokens: the bar to clear") and one test per known CVE. Tokens are judged over HTTP by fixture apps
 * (test/fixtures/security.app.ts: AuthModule.forRoot with the algorithm and keys of each case, a route per guard),
 * on Express and on Fastify. Legitimate tokens come from each app's own TokenService; attacks are forged by hand with
 * node:crypto (test/support/security-jws.ts). Option-level refusals are start-up failures (InvalidAuthOptionError
 * naming the option) and need no HTTP.
 */
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthError, type AuthModuleOptions, JwksService } from 'nest-jwt-extended';
import { type SecurityApp, startSecurityApp, startUpRefusal } from './fixtures/security.app.js';
import { accessClaims, now } from './support/forge.js';
import {
  expectAccepted,
  expectRefused,
  INVALID_TOKEN_CHALLENGE,
  RecordingServer,
  send,
} from './support/security-http.js';
import {
  ALGORITHMS,
  type Algorithm,
  casings,
  encodeSegment,
  jws,
  nonCanonical,
  padded,
  type SegmentContent,
  type SigningMaterial,
  signature,
  signSegments,
  toBase64Alphabet,
} from './support/security-jws.js';
import {
  certificateDerBase64,
  EC_FORM_NAMES,
  ecPublicForms,
  type KeyPair,
  privatePem,
  publicPem,
  RSA_FORM_NAMES,
  rsaPublicForms,
  securityKeys,
  TEXT_VARIANTS,
} from './support/security-keys.js';
import { ADAPTERS } from './support/test-env.js';

const K = securityKeys();
const ISSUER = 'https://issuer.test';
const HS = ['HS256', 'HS384', 'HS512'] as const;
/** The refusal of an algorithm the configuration does not allow (for that kid): not a failed signature. */
const NOT_ALLOWED = /algorithm is not allowed/;
const header = (alg: string, extra: Record<string, unknown> = {}) => ({ alg, typ: 'JWT', ...extra });

/** The key pair behind each asymmetric algorithm's app (RS and PS share one RSA key). */
const PAIR: Record<Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>, KeyPair> = {
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
const isHmac = (alg: Algorithm): alg is (typeof HS)[number] => alg.startsWith('HS');
/** What signs for each algorithm app: its HMAC secret or its private key. */
const signingKeyOf = (alg: Algorithm): SigningMaterial => (isHmac(alg) ? K.hmac : PAIR[alg].privateKey);
const keyType = (alg: Algorithm): string =>
  isHmac(alg) ? 'HMAC' : alg === 'EdDSA' ? 'OKP' : alg.startsWith('ES') ? 'EC' : 'RSA';

/** A published JWKS entry, as JwksService renders one: the public JWK with alg and use. */
const publishedJwk = (key: KeyObject, alg: string) =>
  JSON.stringify({ ...key.export({ format: 'jwk' }), alg, use: 'sig' });

// --- local HTTP servers: one the attacker controls (jku / x5u targets), one a legitimate JWKS ------------------------
const attackerJwk = { ...K.attackerRsa.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };
const attackerServer = new RecordingServer({
  '/jwks.json': { type: 'application/json', body: JSON.stringify({ keys: [attackerJwk] }) },
  '/cert.pem': { type: 'application/x-pem-file', body: K.attackerCertificate },
});
const legitServer = new RecordingServer({
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

beforeAll(async () => {
  await Promise.all([attackerServer.start(), legitServer.start()]);
  // The recorder works: a request to it is seen. Then the log starts empty, so "zero requests" means something.
  const probe = await fetch(attackerServer.url('/jwks.json'));
  expect(probe.status).toBe(200);
  expect(attackerServer.requests).toHaveLength(1);
  attackerServer.requests.length = 0;
});
afterAll(() => Promise.all([attackerServer.close(), legitServer.close()]));

// --- fixture apps, started on first use and shared by the tests of one adapter -----------------------------------------
type AppName =
  | Algorithm
  | 'mixed'
  | 'claims'
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

class AppPool {
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

/** Claims the claims app accepts, to be bent by each case (`undefined` drops a claim). */
const goodClaims = (overrides: Record<string, unknown> = {}) => accessClaims({ iss: ISSUER, aud: 'api', ...overrides });

/** An HS256 token over exactly these header and payload bytes, signed with the HS256 app's secret. */
const hs = (head: SegmentContent, payload: SegmentContent) => jws(head, payload, K.hmac, { signAs: 'HS256' });

/** A token over `payload` with the claims text spliced in after `prefix` (for duplicate and prototype keys). */
const spliced = (prefix: string, claims: Record<string, unknown> = accessClaims()) =>
  `{${prefix},${JSON.stringify(claims).slice(1)}`;

/** Asserts nothing reached Object.prototype (the server runs in this process). */
function expectPrototypeUntouched(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

/** A token of TokenService whose length is exactly `target`, grown through an extra claim and header parameter. */
function tokenOfLength(app: SecurityApp, target: number, type: 'access' | 'refresh' = 'access'): string {
  const make = (claimPad: number, headerPad: number) => {
    const options = {
      additionalClaims: { pad: 'x'.repeat(claimPad) },
      additionalHeaders: { pad: 'y'.repeat(headerPad) },
    };
    return type === 'access'
      ? app.tokens.createAccessToken('test', options)
      : app.tokens.createRefreshToken('test', options);
  };
  const estimate = Math.floor(((target - make(0, 0).length) * 3) / 4);
  for (let headerPad = 0; headerPad < 4; headerPad++) {
    for (let claimPad = Math.max(0, estimate - 8); claimPad < estimate + 8; claimPad++) {
      const token = make(claimPad, headerPad);
      if (token.length === target) return token;
    }
  }
  throw new Error(`no token of exactly ${target} characters`);
}

/** A token whose given segment (0 header, 1 payload, 2 signature) contains `-` or `_`, re-drawn until it does. */
function tokenWithUrlCharsIn(part: 0 | 1 | 2): string {
  for (let i = 0; i < 1000; i++) {
    const token = hs(
      header('HS256', { x: randomBytes(6).toString('latin1') }),
      accessClaims({ x: randomBytes(6).toString('latin1') }),
    );
    if (/[-_]/.test(token.split('.')[part]!)) return token;
  }
  throw new Error('no segment with - or _');
}

/** A token whose header or payload segment has 2 or 3 characters modulo 4 (so it has unused bits and can be padded). */
function tokenWithRaggedSegment(part: 0 | 1): string {
  for (let pad = 0; pad < 4; pad++) {
    const token = hs(
      header('HS256', { x: 'a'.repeat(part === 0 ? pad : 0) }),
      accessClaims({ x: 'a'.repeat(part === 1 ? pad : 0) }),
    );
    if (token.split('.')[part]!.length % 4 >= 2) return token;
  }
  throw new Error('no ragged segment');
}

/** Replaces one segment of a token; the signature is recomputed over what is sent unless the signature itself changed. */
function withSegment(token: string, part: 0 | 1 | 2, change: (segment: string) => string): string {
  const segments = token.split('.');
  if (part === 2) return `${segments[0]}.${segments[1]}.${change(segments[2]!)}`;
  segments[part] = change(segments[part]!);
  return signSegments(segments[0]!, segments[1]!, K.hmac, { signAs: 'HS256' });
}

/** Invalid UTF-8 inside the `sub` string of otherwise good claims. */
const claimsWithBytes = (bytes: number[]) => {
  const [before, after] = JSON.stringify(accessClaims({ sub: 'te@@st' })).split('@@');
  return Buffer.concat([Buffer.from(before!), Buffer.from(bytes), Buffer.from(after!)]);
};
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Contents a kid-as-path lookup would read: the secret an attacker signs with in the classic kid attacks. */
const fileContents = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

// --- start-up (no HTTP, once) ----------------------------------------------------------------------------------------

describe('rule 1 at start-up: a public key never becomes an HMAC secret', () => {
  const table = [
    ...RSA_FORM_NAMES.flatMap((form) => TEXT_VARIANTS.map((variant) => ({ key: 'RSA', form, variant: variant.name }))),
    ...EC_FORM_NAMES.flatMap((form) => TEXT_VARIANTS.map((variant) => ({ key: 'P-256', form, variant: variant.name }))),
  ];

  it.each(table)(
    'the $key public key as $form, $variant, given as the HS256 secret: start-up fails naming "secret"',
    async ({ key, form, variant }) => {
      const forms =
        key === 'RSA'
          ? [...rsaPublicForms(K), { name: RSA_FORM_NAMES[4], text: publishedJwk(K.rsa.publicKey, 'RS256') }]
          : [...ecPublicForms(K), { name: EC_FORM_NAMES[3], text: publishedJwk(K.p256.publicKey, 'ES256') }];
      const text = TEXT_VARIANTS.find((v) => v.name === variant)!.apply(forms.find((f) => f.name === form)!.text);
      for (const secret of [text, Buffer.from(text)]) {
        const error = await startUpRefusal({ algorithm: 'HS256', secret });
        expect(error.option).toBe('secret');
        expect(error.message).toContain('nest-jwt-extended: option "secret"');
      }
      // The same text as an extra HS256 verification key.
      const extra = await startUpRefusal({
        algorithm: 'RS256',
        privateKey: privatePem(K.rsa),
        verificationKeys: [{ kid: 'x', algorithm: 'HS256', key: text }],
      });
      expect(extra.option).toBe('verificationKeys[0].key');
    },
  );
});

describe('rule 2: keys are checked at start-up', () => {
  const rsaJwk = K.rsa.publicKey.export({ format: 'jwk' });
  const ecJwk = K.p256.publicKey.export({ format: 'jwk' });
  const spki = publicPem(K.rsa);
  const body = spki.split('\n');
  const cases: Array<{ name: string; options: () => unknown; option: string }> = [
    {
      name: 'a public key PEM given as privateKey (RS256)',
      options: () => ({ algorithm: 'RS256', privateKey: spki }),
      option: 'privateKey',
    },
    {
      name: 'a public key PEM given as privateKey (ES256)',
      options: () => ({ algorithm: 'ES256', privateKey: publicPem(K.p256) }),
      option: 'privateKey',
    },
    {
      name: 'a public KeyObject given as privateKey',
      options: () => ({ algorithm: 'EdDSA', privateKey: K.ed25519.publicKey }),
      option: 'privateKey',
    },
    {
      name: 'a truncated PEM as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: `${body.slice(0, 3).join('\n')}\n-----END PUBLIC KEY-----\n` }),
      option: 'publicKey',
    },
    {
      name: 'a PEM with a corrupted body as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: spki.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA') }),
      option: 'publicKey',
    },
    {
      name: 'a PEM body without its BEGIN/END lines as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: body.slice(1, -2).join('') }),
      option: 'publicKey',
    },
    {
      name: 'a truncated JWK text as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: JSON.stringify(rsaJwk).slice(0, 40) }),
      option: 'publicKey',
    },
    {
      name: 'an RSA JWK without "e" as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { kty: 'RSA', n: rsaJwk.n } }),
      option: 'publicKey',
    },
    {
      name: 'an EC JWK whose point is off the curve as publicKey',
      options: () => ({ algorithm: 'ES256', publicKey: { ...ecJwk, y: ecJwk.x } }),
      option: 'publicKey',
    },
    {
      name: 'a JWK stating another algorithm as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { ...rsaJwk, alg: 'RS384' } }),
      option: 'publicKey',
    },
    {
      name: 'an encryption JWK (use "enc") as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { ...rsaJwk, use: 'enc' } }),
      option: 'publicKey',
    },
    {
      name: 'an RSA 1024-bit privateKey for RS256',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.rsa1024) }),
      option: 'privateKey',
    },
    {
      name: 'an RSA 1024-bit publicKey for RS256',
      options: () => ({ algorithm: 'RS256', publicKey: publicPem(K.rsa1024) }),
      option: 'publicKey',
    },
    {
      name: 'an RSA 1024-bit privateKey for PS256',
      options: () => ({ algorithm: 'PS256', privateKey: K.rsa1024.privateKey }),
      option: 'privateKey',
    },
    {
      name: 'an RSA 1024-bit verification key',
      options: () => ({
        algorithm: 'RS256',
        privateKey: privatePem(K.rsa),
        verificationKeys: [{ kid: 'old', key: publicPem(K.rsa1024) }],
      }),
      option: 'verificationKeys[0].key',
    },
    {
      name: 'an EC P-384 key for ES256',
      options: () => ({ algorithm: 'ES256', privateKey: privatePem(K.p384) }),
      option: 'privateKey',
    },
    {
      name: 'an EC P-256 key for ES384',
      options: () => ({ algorithm: 'ES384', privateKey: privatePem(K.p256) }),
      option: 'privateKey',
    },
    {
      name: 'a secp256k1 key for ES256',
      options: () => ({ algorithm: 'ES256', privateKey: privatePem(K.secp256k1) }),
      option: 'privateKey',
    },
    {
      name: 'an Ed25519 key for RS256',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.ed25519) }),
      option: 'privateKey',
    },
    {
      name: 'an RSA key for EdDSA',
      options: () => ({ algorithm: 'EdDSA', privateKey: privatePem(K.rsa) }),
      option: 'privateKey',
    },
    {
      name: 'an X25519 key for EdDSA',
      options: () => ({ algorithm: 'EdDSA', privateKey: privatePem(K.x25519) }),
      option: 'privateKey',
    },
    { name: 'an RSA key for ES256', options: () => ({ algorithm: 'ES256', publicKey: spki }), option: 'publicKey' },
    {
      name: 'an HMAC secret given as privateKey (RS256)',
      options: () => ({ algorithm: 'RS256', privateKey: 'x'.repeat(64) }),
      option: 'privateKey',
    },
    {
      name: 'a secret KeyObject given as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: createSecretKey(randomBytes(64)) }),
      option: 'publicKey',
    },
    { name: 'an empty privateKey', options: () => ({ algorithm: 'RS256', privateKey: '' }), option: 'privateKey' },
    { name: 'an empty publicKey', options: () => ({ algorithm: 'ES256', publicKey: '' }), option: 'publicKey' },
    { name: 'an empty secret', options: () => ({ algorithm: 'HS256', secret: '' }), option: 'secret' },
    {
      name: 'an empty Buffer secret',
      options: () => ({ algorithm: 'HS256', secret: Buffer.alloc(0) }),
      option: 'secret',
    },
    {
      name: 'an empty verification key',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'old', key: '' }] }),
      option: 'verificationKeys[0].key',
    },
    { name: 'no key at all', options: () => ({}), option: 'secret' },
    {
      name: 'a 31-byte HS256 secret',
      options: () => ({ algorithm: 'HS256', secret: 'x'.repeat(31) }),
      option: 'secret',
    },
    {
      name: 'a 47-byte HS384 secret',
      options: () => ({ algorithm: 'HS384', secret: Buffer.alloc(47, 1) }),
      option: 'secret',
    },
    {
      name: 'a 63-byte HS512 secret',
      options: () => ({ algorithm: 'HS512', secret: 'x'.repeat(63) }),
      option: 'secret',
    },
    {
      name: 'a 31-byte HS256 verification secret',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'old', key: 'x'.repeat(31) }] }),
      option: 'verificationKeys[0].key',
    },
    { name: 'a secret with RS256', options: () => ({ algorithm: 'RS256', secret: K.hmac }), option: 'secret' },
    {
      name: 'a privateKey with HS256',
      options: () => ({ algorithm: 'HS256', secret: K.hmac, privateKey: privatePem(K.rsa) }),
      option: 'privateKey',
    },
    {
      name: 'a publicKey that does not match privateKey',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.rsa), publicKey: publicPem(K.attackerRsa) }),
      option: 'publicKey',
    },
    { name: 'algorithm "none"', options: () => ({ algorithm: 'none', secret: K.hmac }), option: 'algorithm' },
    {
      name: 'algorithm "hs256" (wrong case)',
      options: () => ({ algorithm: 'hs256', secret: K.hmac }),
      option: 'algorithm',
    },
    {
      name: 'a verification key pinned to "none"',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'x', algorithm: 'none', key: K.hmac }] }),
      option: 'verificationKeys[0].algorithm',
    },
    {
      name: 'a remote JWKS accepting HS256',
      options: () => ({ algorithm: 'RS256', jwks: { uri: 'https://issuer.test/jwks.json', algorithms: ['HS256'] } }),
      option: 'jwks.algorithms',
    },
  ];

  it.each(cases)('refuses $name, naming "$option"', async ({ options, option }) => {
    const error = await startUpRefusal(options());
    expect(error.option).toBe(option);
    expect(error.message).toContain(`nest-jwt-extended: option "${option}"`);
    // Errors name the option, never quote the key.
    expect(error.message).not.toMatch(/-----BEGIN|MII[A-Za-z0-9+/]{20}/);
  });
});

// --- over HTTP, on both platforms ------------------------------------------------------------------------------------

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

  describe('rule 1: the configured algorithm decides, never the token header', () => {
    it('accepts the tokens each app signs itself (control)', async () => {
      for (const name of ['HS256', 'RS256', 'ES256', 'EdDSA', 'mixed'] as const) {
        const app = await apps.get(name);
        await expectAccepted(app.http, name, app.tokens.createAccessToken('test'));
      }
    });

    describe('algorithm confusion: the public key used as an HMAC secret', () => {
      /** The text of a public-key form, the published JWKS entry read from the app's own JwksService. */
      async function formText(key: 'RSA' | 'P-256', form: string): Promise<string> {
        if (form === 'JWKS entry as the app publishes it') {
          const app = await apps.get(key === 'RSA' ? 'RS256' : 'ES256');
          const published = app.app.get(JwksService).getJwks().keys;
          expect(published).toHaveLength(1);
          return JSON.stringify(published[0]);
        }
        return (key === 'RSA' ? rsaPublicForms(K) : ecPublicForms(K)).find((f) => f.name === form)!.text;
      }

      const table = [
        ...RSA_FORM_NAMES.flatMap((form) =>
          TEXT_VARIANTS.map((variant) => ({
            key: 'RSA' as const,
            app: 'RS256' as const,
            kid: 'r',
            form,
            variant: variant.name,
          })),
        ),
        ...EC_FORM_NAMES.flatMap((form) =>
          TEXT_VARIANTS.map((variant) => ({
            key: 'P-256' as const,
            app: 'ES256' as const,
            kid: 'e',
            form,
            variant: variant.name,
          })),
        ),
      ];

      it.each(table)(
        '$app app: HS256/HS384/HS512 tokens keyed with the $key public key as $form, $variant, are refused (also where HS256 is allowed beside that key, kid "$kid")',
        async ({ key, app: name, kid, form, variant }) => {
          const text = TEXT_VARIANTS.find((v) => v.name === variant)!.apply(await formText(key, form));
          const app = await apps.get(name);
          const mixed = await apps.get('mixed');
          for (const alg of HS) {
            // Refused by the allowlist (the algorithm pinned by configuration), before any signature is computed.
            await expectRefused(app.http, `${alg} at ${name}`, jws(header(alg), accessClaims(), text), {
              message: NOT_ALLOWED,
            });
            await expectRefused(
              mixed.http,
              `${alg} kid ${kid} at the mixed app`,
              jws(header(alg, { kid }), accessClaims(), text),
              { message: NOT_ALLOWED },
            );
          }
        },
      );

      it('binary forms of the public keys (SPKI DER, PKCS#1 DER, raw EC point, raw Ed25519 key) as HMAC secrets are refused', async () => {
        const secrets: Array<{ app: AppName; kid: string; name: string; secret: Buffer }> = [
          {
            app: 'RS256',
            kid: 'r',
            name: 'RSA SPKI DER',
            secret: K.rsa.publicKey.export({ type: 'spki', format: 'der' }),
          },
          {
            app: 'RS256',
            kid: 'r',
            name: 'RSA PKCS#1 DER',
            secret: K.rsa.publicKey.export({ type: 'pkcs1', format: 'der' }),
          },
          {
            app: 'ES256',
            kid: 'e',
            name: 'P-256 SPKI DER',
            secret: K.p256.publicKey.export({ type: 'spki', format: 'der' }),
          },
          {
            app: 'ES256',
            kid: 'e',
            name: 'P-256 raw point',
            secret: K.p256.publicKey.export({ type: 'spki', format: 'der' }).subarray(-65),
          },
          {
            app: 'EdDSA',
            kid: 'd',
            name: 'Ed25519 raw key',
            secret: Buffer.from(K.ed25519.publicKey.export({ format: 'jwk' }).x!, 'base64url'),
          },
        ];
        const mixed = await apps.get('mixed');
        for (const { app: name, kid, name: label, secret } of secrets) {
          const app = await apps.get(name);
          for (const alg of HS) {
            await expectRefused(app.http, `${alg} keyed with ${label}`, jws(header(alg), accessClaims(), secret), {
              message: NOT_ALLOWED,
            });
            await expectRefused(
              mixed.http,
              `${alg} kid ${kid} keyed with ${label}`,
              jws(header(alg, { kid }), accessClaims(), secret),
              { message: NOT_ALLOWED },
            );
          }
        }
      });
    });

    it('an app accepting HS256 locally beside a remote RSA JWKS refuses HS256 tokens keyed with that JWKS (or its key as PEM) under the remote kid', async () => {
      const app = await apps.get('hsWithRemoteJwks');
      await expectAccepted(app.http, 'HS256 kid h (control)', app.tokens.createAccessToken('test'));
      await expectAccepted(
        app.http,
        'RS256 kid legit from the JWKS (control)',
        jws(header('RS256', { kid: 'legit' }), accessClaims(), K.rsa.privateKey),
      );
      const jwks = await (await fetch(legitServer.url('/jwks.json'))).text();
      const secrets = [
        jwks,
        JSON.stringify(JSON.parse(jwks).keys[0]),
        publicPem(K.rsa),
        K.rsa.publicKey.export({ type: 'spki', format: 'der' }),
      ];
      for (const secret of secrets) {
        for (const kid of ['legit', 'legit-any', undefined]) {
          await expectRefused(
            app.http,
            `HS256 kid ${kid} keyed with the remote key`,
            jws(header('HS256', kid === undefined ? {} : { kid }), accessClaims(), secret),
          );
        }
      }
    });

    it('a remote JWKS key verifies only with an algorithm listed in jwks.algorithms, even one the local key uses', async () => {
      const app = await apps.get('rsWithRemotePs');
      await expectAccepted(app.http, 'RS256 kid local (control)', app.tokens.createAccessToken('test'));
      await expectAccepted(
        app.http,
        'PS256 kid legit-any from the JWKS (control)',
        jws(header('PS256', { kid: 'legit-any' }), accessClaims(), K.rsa.privateKey),
      );
      // jwks.algorithms is ['PS256']: RS256 is allowed for the local key only.
      await expectRefused(
        app.http,
        'RS256 kid legit-any (remote key, algorithm not in jwks.algorithms)',
        jws(header('RS256', { kid: 'legit-any' }), accessClaims(), K.rsa.privateKey),
      );
    });

    describe('alg "none" in every casing', () => {
      it.each(casings('none'))(
        'alg "%s", with an empty signature and with a valid signature appended, is refused by the HS256, RS256 and EdDSA apps',
        async (alg) => {
          for (const name of ['HS256', 'RS256', 'EdDSA'] as const) {
            const app = await apps.get(name);
            const signingInput = `${encodeSegment(header(alg))}.${encodeSegment(accessClaims())}`;
            await expectRefused(app.http, `${alg} at ${name}, empty signature`, `${signingInput}.`, {
              message: /algorithm/,
            });
            // The signature is genuine for these bytes (the app's own key and algorithm): only the label is wrong.
            const genuine = signature(name, signingInput, signingKeyOf(name)).toString('base64url');
            await expectRefused(app.http, `${alg} at ${name}, signature appended`, `${signingInput}.${genuine}`, {
              message: /algorithm/,
            });
          }
        },
      );
    });

    it('refuses an alg outside the allowlist even when the signature is right for the app key (case, whitespace, unknown names, non-strings, missing)', async () => {
      const app = await apps.get('RS256');
      const labels: unknown[] = [
        'rs256',
        'Rs256',
        'RS256 ',
        ' RS256',
        'RS256\u0000',
        'RS1',
        'RSA-OAEP',
        'ES256K',
        'HS256',
        123,
        null,
        ['RS256'],
        { alg: 'RS256' },
        true,
        '',
      ];
      for (const alg of labels) {
        await expectRefused(
          app.http,
          `alg ${JSON.stringify(alg)}`,
          jws({ alg, typ: 'JWT' }, accessClaims(), K.rsa.privateKey, { signAs: 'RS256' }),
        );
      }
      await expectRefused(
        app.http,
        'no alg',
        jws({ typ: 'JWT' }, accessClaims(), K.rsa.privateKey, { signAs: 'RS256' }),
      );
    });

    describe('each of the 13 algorithms', () => {
      it.each(
        ALGORITHMS.map((alg) => ({
          alg,
          same: ALGORITHMS.filter((other) => other !== alg && keyType(other) === keyType(alg)).join(', ') || 'none',
        })),
      )(
        '$alg: a token of the $alg app is accepted there and refused by the 12 apps configured with another algorithm (same key type: $same)',
        async ({ alg }) => {
          const own = await apps.get(alg);
          const token = own.tokens.createAccessToken('test');
          expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg });
          await expectAccepted(own.http, `${alg} at its own app`, token);
          for (const other of ALGORITHMS) {
            if (other !== alg)
              await expectRefused((await apps.get(other)).http, `${alg} token at the ${other} app`, token);
          }
        },
      );

      it('refuses a token labelled with the app algorithm but signed with another algorithm of the same key', async () => {
        const cases: Array<{ app: Algorithm; signAs: Algorithm }> = [
          { app: 'RS256', signAs: 'PS256' },
          { app: 'PS256', signAs: 'RS256' },
          { app: 'RS256', signAs: 'RS384' },
          { app: 'PS384', signAs: 'PS256' },
          { app: 'HS256', signAs: 'HS512' },
          { app: 'HS512', signAs: 'HS256' },
        ];
        for (const { app: name, signAs } of cases) {
          const app = await apps.get(name);
          await expectRefused(
            app.http,
            `${name} label, ${signAs} signature`,
            jws(header(name), accessClaims(), signingKeyOf(name), { signAs }),
          );
        }
      });

      it('refuses an ES256/ES384/ES512 signature in DER encoding (JWS requires raw r || s)', async () => {
        for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
          const app = await apps.get(alg);
          const claims = accessClaims();
          await expectAccepted(app.http, `${alg} raw r||s (control)`, jws(header(alg), claims, PAIR[alg].privateKey));
          const der = jws(header(alg), claims, PAIR[alg].privateKey, { dsaEncoding: 'der' });
          expect(Buffer.from(der.split('.')[2]!, 'base64url')[0]).toBe(0x30); // an ASN.1 SEQUENCE
          await expectRefused(app.http, `${alg} DER`, der);
        }
      });
    });
  });

  describe('rule 3: header parameters', () => {
    describe('kid: only an exact lookup in the configured keys', () => {
      const hsKid = (kid: unknown, secret: SigningMaterial = K.mixedHmac) =>
        jws(header('HS256', { kid }), accessClaims(), secret);

      it('accepts each configured key under its own kid and algorithm (control)', async () => {
        const mixed = await apps.get('mixed');
        await expectAccepted(mixed.http, 'HS256 kid h from TokenService', mixed.tokens.createAccessToken('test'));
        await expectAccepted(mixed.http, 'HS256 kid h by hand', hsKid('h'));
        await expectAccepted(
          mixed.http,
          'RS256 kid r',
          jws(header('RS256', { kid: 'r' }), accessClaims(), K.rsa.privateKey),
        );
        await expectAccepted(
          mixed.http,
          'ES256 kid e',
          jws(header('ES256', { kid: 'e' }), accessClaims(), K.p256.privateKey),
        );
        await expectAccepted(
          mixed.http,
          'EdDSA kid d',
          jws(header('EdDSA', { kid: 'd' }), accessClaims(), K.ed25519.privateKey),
        );
      });

      it('refuses an unknown kid, and near misses of a known one, even with the right secret', async () => {
        const mixed = await apps.get('mixed');
        for (const kid of [
          'nope',
          'H',
          'h ',
          ' h',
          'h\u0000',
          'hh',
          'h\u200B',
          'r ',
          'k1',
          '__proto__',
          'constructor',
          'toString',
          'hasOwnProperty',
          'valueOf',
        ]) {
          await expectRefused(mixed.http, `kid ${JSON.stringify(kid)}`, hsKid(kid), { message: /kid\) is not known/ });
        }
      });

      it.each([
        { type: 'a number', kid: 1 },
        { type: 'an object', kid: { kid: 'h' } },
        { type: 'an array', kid: ['h'] },
        { type: 'null', kid: null },
        { type: 'a boolean', kid: true },
        { type: 'an empty string', kid: '' },
      ])('refuses a kid that is $type, even with the right secret', async ({ kid }) => {
        await expectRefused((await apps.get('mixed')).http, `kid ${JSON.stringify(kid)}`, hsKid(kid), {
          message: /invalid kid/,
        });
      });

      it('refuses an oversized kid (257 characters, 10 KiB) in a token under maxTokenLength', async () => {
        const mixed = await apps.get('mixed');
        for (const length of [257, 10 * 1024]) {
          const token = hsKid('h'.repeat(length));
          expect(token.length).toBeLessThan(16384); // the fixture's maxTokenLength: the kid, not the size, is refused
          await expectRefused(mixed.http, `kid of ${length} characters`, token, { message: /invalid kid/ });
        }
      });

      const INJECTIONS = [
        '../../dev/null',
        '/dev/null',
        "' OR 1=1 --",
        '" OR ""="',
        '/etc/passwd',
        '../../../../../../etc/passwd',
        'file:///etc/passwd',
        '|ls',
        '$(id)',
        '`id`',
        'h; DROP TABLE keys',
        '{"$ne":null}',
        'h/../h',
        'http://127.0.0.1/',
      ];
      it.each(INJECTIONS)(
        'refuses the injection kid %j, signed with the app secret, an empty key or the contents of the file it names',
        async (kid) => {
          const mixed = await apps.get('mixed');
          const path = kid.replace(/^file:\/\//, '');
          for (const [label, secret] of [
            ['the app secret', K.mixedHmac],
            ['an empty key', ''],
            ['the named file', fileContents(path.startsWith('/') || path.startsWith('.') ? path : '/nonexistent')],
          ] as const) {
            await expectRefused(mixed.http, `kid ${kid} signed with ${label}`, hsKid(kid, secret));
          }
          await expectRefused(
            mixed.http,
            `kid ${kid} RS256`,
            jws(header('RS256', { kid }), accessClaims(), K.rsa.privateKey),
          );
        },
      );

      it('refuses a kid naming a key pinned to another algorithm (RS256 + kid "h"; HS256 + kid "r" keyed with the RSA public key; ...)', async () => {
        const mixed = await apps.get('mixed');
        const tokens: Array<[string, string]> = [
          [
            'RS256 + kid h, signed with the RSA key',
            jws(header('RS256', { kid: 'h' }), accessClaims(), K.rsa.privateKey),
          ],
          [
            'ES256 + kid r, signed with the EC key',
            jws(header('ES256', { kid: 'r' }), accessClaims(), K.p256.privateKey),
          ],
          [
            'EdDSA + kid e, signed with the Ed25519 key',
            jws(header('EdDSA', { kid: 'e' }), accessClaims(), K.ed25519.privateKey),
          ],
          [
            'RS256 + kid e, signed with the RSA key',
            jws(header('RS256', { kid: 'e' }), accessClaims(), K.rsa.privateKey),
          ],
          ['HS256 + kid r, keyed with the RSA SPKI PEM', hsKid('r', publicPem(K.rsa))],
          [
            'HS256 + kid r, keyed with the RSA PKCS#1 PEM',
            hsKid('r', K.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' })),
          ],
          [
            'HS256 + kid r, keyed with the RSA SPKI DER',
            hsKid('r', K.rsa.publicKey.export({ type: 'spki', format: 'der' })),
          ],
          [
            'HS256 + kid r, keyed with the RSA JWK',
            hsKid('r', JSON.stringify(K.rsa.publicKey.export({ format: 'jwk' }))),
          ],
          ['HS256 + kid r, keyed with the app HMAC secret itself', hsKid('r')],
          ['HS256 + kid e, keyed with the EC SPKI PEM', hsKid('e', publicPem(K.p256))],
          ['HS256 + kid d, keyed with the Ed25519 SPKI PEM', hsKid('d', publicPem(K.ed25519))],
          [
            'HS384 + kid h, keyed with the app HMAC secret',
            jws(header('HS384', { kid: 'h' }), accessClaims(), K.mixedHmac),
          ],
        ];
        for (const [label, token] of tokens) await expectRefused(mixed.http, label, token, { message: NOT_ALLOWED });
      });

      it('refuses a token without a kid when every configured key has one', async () => {
        await expectRefused(
          (await apps.get('mixed')).http,
          'no kid',
          jws(header('HS256'), accessClaims(), K.mixedHmac),
          { message: /kid/ },
        );
      });
    });

    describe('jku, x5u, jwk and x5c are never fetched nor trusted', () => {
      const attackerToken = (extra: Record<string, unknown>) =>
        jws(header('RS256', extra), accessClaims(), K.attackerRsa.privateKey);
      const jku = () => attackerServer.url('/jwks.json');
      const x5u = () => attackerServer.url('/cert.pem');
      const x5c = () => [certificateDerBase64(K.attackerCertificate)];

      /** Sends each header's token to the RS256 app and to the remote-JWKS app, then checks the attacker saw nothing. */
      async function refuseAll(label: string, headers: Array<Record<string, unknown>>): Promise<void> {
        for (const name of ['RS256', 'remoteJwks'] as const) {
          const app = await apps.get(name);
          for (const extra of headers)
            await expectRefused(
              app.http,
              `${label} ${JSON.stringify(Object.keys(extra))} at ${name}`,
              attackerToken(extra),
            );
        }
        expect(attackerServer.requests).toEqual([]);
      }

      it('the RS256 app and the remote-JWKS app accept their legitimate keys (control; the remote one fetched only its configured URL)', async () => {
        await expectAccepted(
          (await apps.get('RS256')).http,
          'RS256',
          (await apps.get('RS256')).tokens.createAccessToken('test'),
        );
        await expectAccepted(
          (await apps.get('remoteJwks')).http,
          'remote JWKS key',
          jws(header('RS256', { kid: 'legit' }), accessClaims(), K.rsa.privateKey),
        );
        expect(legitServer.requests.length).toBeGreaterThan(0);
        expect(legitServer.requests.every((req) => req.url === '/jwks.json')).toBe(true);
        expect(attackerServer.requests).toEqual([]);
      });

      it('jku: a token signed by the attacker key, its header pointing at the attacker JWKS, is refused and nothing is fetched', async () => {
        await refuseAll('jku', [{ jku: jku() }, { jku: jku(), kid: 'attacker' }, { jku: jku(), kid: 'legit' }]);
      });

      it('x5u: a token signed by the attacker key, its header pointing at the attacker certificate, is refused and nothing is fetched', async () => {
        await refuseAll('x5u', [{ x5u: x5u() }, { x5u: x5u(), kid: 'attacker' }, { x5u: x5u(), kid: 'legit' }]);
      });

      it('jwk: a token signed by the attacker key and embedding its public key is refused', async () => {
        const jwk = { ...K.attackerRsa.publicKey.export({ format: 'jwk' }), alg: 'RS256' };
        await refuseAll('jwk', [{ jwk }, { jwk, kid: 'attacker' }, { jwk: { ...jwk, kid: 'legit' }, kid: 'legit' }]);
      });

      it('x5c: a token signed by the attacker key and carrying its self-signed certificate is refused', async () => {
        await refuseAll('x5c', [
          { x5c: x5c() },
          { x5c: x5c(), kid: 'attacker' },
          { x5c: x5c(), x5u: x5u(), jku: jku(), kid: 'legit' },
        ]);
      });
    });

    it('refuses a typ that is not a string', async () => {
      const mixed = await apps.get('mixed');
      for (const typ of [1, null, ['JWT'], { typ: 'JWT' }, true]) {
        await expectRefused(
          mixed.http,
          `typ ${JSON.stringify(typ)}`,
          jws({ alg: 'EdDSA', kid: 'd', typ }, accessClaims(), K.ed25519.privateKey),
          { message: /typ/ },
        );
      }
    });

    describe('crit: nothing is understood, so any crit is refused', () => {
      const edToken = (extra: Record<string, unknown>) =>
        jws(header('EdDSA', { kid: 'd', ...extra }), accessClaims(), K.ed25519.privateKey);

      it('accepts the same token without crit, also with an unknown non-critical parameter (control)', async () => {
        const mixed = await apps.get('mixed');
        await expectAccepted(mixed.http, 'no crit', edToken({}));
        await expectAccepted(mixed.http, 'unknown non-critical parameter', edToken({ 'exp-ext': 1 }));
      });

      it.each([
        { name: 'with an unknown extension that is present', extra: { crit: ['exp-ext'], 'exp-ext': 1 } },
        { name: 'with b64 (RFC 7797) present', extra: { crit: ['b64'], b64: true } },
        { name: 'as an empty array', extra: { crit: [] } },
        { name: 'naming the registered "alg"', extra: { crit: ['alg'] } },
        { name: 'naming the registered "kid"', extra: { crit: ['kid'] } },
        { name: 'naming the registered "typ"', extra: { crit: ['typ'] } },
        { name: 'naming itself', extra: { crit: ['crit'] } },
        { name: 'as a string', extra: { crit: 'exp-ext', 'exp-ext': 1 } },
        { name: 'as an object', extra: { crit: { 'exp-ext': true }, 'exp-ext': 1 } },
        { name: 'as true', extra: { crit: true } },
        { name: 'as null', extra: { crit: null } },
        { name: 'with a number entry', extra: { crit: [1] } },
        { name: 'with a null entry', extra: { crit: [null] } },
        { name: 'with a known name and a number entry', extra: { crit: ['exp-ext', 1], 'exp-ext': 1 } },
        { name: 'with an empty-string entry', extra: { crit: [''] } },
        { name: 'naming a parameter absent from the header', extra: { crit: ['exp-ext'] } },
        { name: 'naming an extension twice', extra: { crit: ['exp-ext', 'exp-ext'], 'exp-ext': 1 } },
      ])('refuses crit $name', async ({ extra }) => {
        await expectRefused((await apps.get('mixed')).http, JSON.stringify(extra), edToken(extra), { message: /crit/ });
      });
    });
  });

  describe('rule 4: explicit typing', () => {
    const asymmetric = ['ES256', 'RS256', 'EdDSA'] as const;

    it.each(asymmetric)('%s: each token type is accepted only where it belongs (control)', async (alg) => {
      const app = await apps.get(alg);
      await expectAccepted(app.http, 'access at /me', app.tokens.createAccessToken('test'));
      await expectAccepted(app.http, 'fresh access at /fresh', app.tokens.createAccessToken('test', { fresh: true }), {
        method: 'post',
        path: '/fresh',
      });
      await expectAccepted(app.http, 'refresh at /refresh', app.tokens.createRefreshToken('test'), {
        method: 'post',
        path: '/refresh',
      });
    });

    it.each(asymmetric)(
      '%s: an access token is refused at the refresh route, a refresh token at the access and fresh routes',
      async (alg) => {
        const app = await apps.get(alg);
        const refresh = { method: 'post' as const, path: '/refresh' };
        await expectRefused(app.http, 'access at /refresh', app.tokens.createAccessToken('test', { fresh: true }), {
          ...refresh,
          code: 'wrong_token_type',
          message: /^Only refresh tokens are allowed$/,
        });
        await expectRefused(app.http, 'refresh at /me', app.tokens.createRefreshToken('test'), {
          code: 'wrong_token_type',
          message: /^Only access tokens are allowed$/,
        });
        await expectRefused(app.http, 'refresh at /fresh', app.tokens.createRefreshToken('test'), {
          method: 'post',
          path: '/fresh',
          code: 'wrong_token_type',
        });
        // Hand-signed with the app's key: a refresh-typed token that claims to be fresh is still a refresh token.
        const key = PAIR[alg].privateKey;
        await expectRefused(
          app.http,
          'fresh refresh at /fresh',
          jws(header(alg), accessClaims({ type: 'refresh', fresh: true }), key),
          { method: 'post', path: '/fresh', code: 'wrong_token_type' },
        );
        // The header typ says nothing about the token type: at+jwt on a refresh token does not make it an access token.
        await expectRefused(
          app.http,
          'typ at+jwt on a refresh token',
          jws({ alg, typ: 'at+jwt' }, accessClaims({ type: 'refresh' }), key),
          { code: 'wrong_token_type' },
        );
      },
    );

    it.each(asymmetric)('%s: untyped and unknown-type tokens are refused at every route', async (alg) => {
      const app = await apps.get(alg);
      const key = PAIR[alg].privateKey;
      const routes = [{}, { method: 'post' as const, path: '/refresh' }, { method: 'post' as const, path: '/fresh' }];
      for (const type of [undefined, 'id', 'ACCESS', 'Refresh', 'access ', 'at+jwt', '']) {
        for (const route of routes) {
          await expectRefused(
            app.http,
            `type ${JSON.stringify(type)} at ${route.path ?? '/me'}`,
            jws(header(alg), accessClaims({ type, fresh: true }), key),
            { ...route, message: /type/ },
          );
        }
      }
    });
  });

  describe('rule 5: claims', () => {
    type Expectation = 'accepted' | 'invalid_token' | 'token_expired' | 'token_not_yet_valid';
    const CLAIMS: Array<{
      name: string;
      claims: (t: number) => Record<string, unknown> | string;
      expect: Expectation;
    }> = [
      { name: 'all claims well formed (control)', claims: () => goodClaims(), expect: 'accepted' },
      { name: 'exp missing', claims: () => goodClaims({ exp: undefined }), expect: 'invalid_token' },
      { name: 'exp null', claims: () => goodClaims({ exp: null }), expect: 'invalid_token' },
      { name: 'exp a string', claims: (t) => goodClaims({ exp: String(t + 900) }), expect: 'invalid_token' },
      {
        name: 'exp 1e400 (Infinity once parsed)',
        claims: () => JSON.stringify(goodClaims()).replace(/"exp":\d+/, '"exp":1e400'),
        expect: 'invalid_token',
      },
      {
        name: 'exp long past',
        claims: (t) => goodClaims({ iat: t - 7200, nbf: t - 7200, exp: t - 3600 }),
        expect: 'token_expired',
      },
      {
        name: 'leeway 30: exp exactly 30 s ago (exp <= now - leeway) refused',
        claims: (t) => goodClaims({ iat: t - 100, nbf: t - 100, exp: t - 30 }),
        expect: 'token_expired',
      },
      {
        name: 'leeway 30: exp 31 s ago refused',
        claims: (t) => goodClaims({ iat: t - 100, nbf: t - 100, exp: t - 31 }),
        expect: 'token_expired',
      },
      {
        name: 'leeway 30: exp 10 s ago accepted',
        claims: (t) => goodClaims({ iat: t - 100, nbf: t - 100, exp: t - 10 }),
        expect: 'accepted',
      },
      { name: 'nbf 60 s in the future', claims: (t) => goodClaims({ nbf: t + 60 }), expect: 'token_not_yet_valid' },
      {
        name: 'leeway 30: nbf 10 s in the future accepted',
        claims: (t) => goodClaims({ nbf: t + 10 }),
        expect: 'accepted',
      },
      { name: 'nbf a string', claims: (t) => goodClaims({ nbf: String(t) }), expect: 'invalid_token' },
      { name: 'nbf null', claims: () => goodClaims({ nbf: null }), expect: 'invalid_token' },
      { name: 'iat 60 s in the future', claims: (t) => goodClaims({ iat: t + 60 }), expect: 'token_not_yet_valid' },
      {
        name: 'leeway 30: iat 10 s in the future accepted',
        claims: (t) => goodClaims({ iat: t + 10 }),
        expect: 'accepted',
      },
      { name: 'iat missing', claims: () => goodClaims({ iat: undefined }), expect: 'invalid_token' },
      { name: 'iat a string', claims: (t) => goodClaims({ iat: String(t) }), expect: 'invalid_token' },
      { name: 'sub a number', claims: () => goodClaims({ sub: 123 }), expect: 'invalid_token' },
      { name: 'sub empty', claims: () => goodClaims({ sub: '' }), expect: 'invalid_token' },
      { name: 'sub an array', claims: () => goodClaims({ sub: ['test'] }), expect: 'invalid_token' },
      { name: 'sub an object', claims: () => goodClaims({ sub: { id: 'test' } }), expect: 'invalid_token' },
      { name: 'sub null', claims: () => goodClaims({ sub: null }), expect: 'invalid_token' },
      { name: 'sub missing', claims: () => goodClaims({ sub: undefined }), expect: 'invalid_token' },
      { name: 'jti missing', claims: () => goodClaims({ jti: undefined }), expect: 'invalid_token' },
      { name: 'jti empty', claims: () => goodClaims({ jti: '' }), expect: 'invalid_token' },
      { name: 'jti of 257 characters', claims: () => goodClaims({ jti: 'j'.repeat(257) }), expect: 'invalid_token' },
      {
        name: 'jti of 256 characters accepted',
        claims: () => goodClaims({ jti: 'j'.repeat(256) }),
        expect: 'accepted',
      },
      { name: 'jti a number', claims: () => goodClaims({ jti: 42 }), expect: 'invalid_token' },
      { name: 'fresh a string', claims: () => goodClaims({ fresh: 'true' }), expect: 'invalid_token' },
      { name: 'fresh null', claims: () => goodClaims({ fresh: null }), expect: 'invalid_token' },
      { name: 'fresh an object', claims: () => goodClaims({ fresh: { until: 1 } }), expect: 'invalid_token' },
      { name: 'fresh an array', claims: () => goodClaims({ fresh: [true] }), expect: 'invalid_token' },
      { name: 'fresh missing', claims: () => goodClaims({ fresh: undefined }), expect: 'invalid_token' },
      { name: 'fresh an epoch second accepted', claims: (t) => goodClaims({ fresh: t + 900 }), expect: 'accepted' },
      { name: 'type a number', claims: () => goodClaims({ type: 1 }), expect: 'invalid_token' },
      { name: 'type a boolean', claims: () => goodClaims({ type: true }), expect: 'invalid_token' },
      { name: 'type null', claims: () => goodClaims({ type: null }), expect: 'invalid_token' },
      { name: 'type an array', claims: () => goodClaims({ type: ['access'] }), expect: 'invalid_token' },
      { name: 'type an object', claims: () => goodClaims({ type: { type: 'access' } }), expect: 'invalid_token' },
      { name: 'iss missing', claims: () => goodClaims({ iss: undefined }), expect: 'invalid_token' },
      { name: 'iss another issuer', claims: () => goodClaims({ iss: 'https://evil.test' }), expect: 'invalid_token' },
      { name: 'iss with a trailing slash', claims: () => goodClaims({ iss: `${ISSUER}/` }), expect: 'invalid_token' },
      { name: 'iss in another case', claims: () => goodClaims({ iss: ISSUER.toUpperCase() }), expect: 'invalid_token' },
      {
        name: 'iss as an array holding the issuer',
        claims: () => goodClaims({ iss: [ISSUER] }),
        expect: 'invalid_token',
      },
      {
        name: 'aud missing (one is configured)',
        claims: () => goodClaims({ aud: undefined }),
        expect: 'invalid_token',
      },
      { name: 'aud another audience', claims: () => goodClaims({ aud: 'other' }), expect: 'invalid_token' },
      { name: 'aud in another case', claims: () => goodClaims({ aud: 'API' }), expect: 'invalid_token' },
      { name: 'aud empty', claims: () => goodClaims({ aud: '' }), expect: 'invalid_token' },
      {
        name: 'aud an array containing the configured one accepted',
        claims: () => goodClaims({ aud: ['other', 'api'] }),
        expect: 'accepted',
      },
      { name: 'aud an empty array', claims: () => goodClaims({ aud: [] }), expect: 'invalid_token' },
      { name: 'aud an array of non-strings', claims: () => goodClaims({ aud: [1, 2] }), expect: 'invalid_token' },
      { name: 'aud an array of null', claims: () => goodClaims({ aud: [null] }), expect: 'invalid_token' },
      {
        name: 'aud an array holding a nested array with the audience',
        claims: () => goodClaims({ aud: [['api']] }),
        expect: 'invalid_token',
      },
      {
        name: 'aud the configured one next to a non-string',
        claims: () => goodClaims({ aud: ['api', 1] }),
        expect: 'invalid_token',
      },
      { name: 'aud an object', claims: () => goodClaims({ aud: { api: true } }), expect: 'invalid_token' },
    ];

    it.each(CLAIMS)(
      'EdDSA app with issuer, audience and leeway 30: $name -> $expect',
      async ({ claims, expect: expected }) => {
        const app = await apps.get('claims');
        const token = jws(header('EdDSA'), claims(now()), K.ed25519.privateKey);
        if (expected === 'accepted') await expectAccepted(app.http, 'accepted', token);
        else await expectRefused(app.http, expected, token, { code: expected });
      },
    );

    it('without leeway, exp <= now is refused (exp == now), nbf a few seconds ahead is refused', async () => {
      const app = await apps.get('HS256');
      const t = now();
      await expectRefused(
        app.http,
        'exp == now',
        jws(header('HS256'), accessClaims({ iat: t - 10, nbf: t - 10, exp: t }), K.hmac),
        { code: 'token_expired' },
      );
      await expectRefused(app.http, 'nbf now + 20', jws(header('HS256'), accessClaims({ nbf: t + 20 }), K.hmac), {
        code: 'token_not_yet_valid',
      });
      await expectAccepted(
        app.http,
        'exp now + 60 (control)',
        jws(header('HS256'), accessClaims({ exp: t + 60 }), K.hmac),
      );
    });
  });

  describe('rule 6: encoding', () => {
    const H = header('HS256');
    const CASES: Array<{ name: string; token: () => string; message?: RegExp }> = [
      {
        name: 'a duplicate "alg" in the header',
        token: () => hs('{"alg":"HS256","alg":"HS256","typ":"JWT"}', accessClaims()),
        message: /duplicate/,
      },
      {
        name: '"alg" none, then HS256, in the header (a last-wins parser reads HS256)',
        token: () => hs('{"alg":"none","typ":"JWT","alg":"HS256"}', accessClaims()),
        message: /duplicate/,
      },
      {
        name: 'an escaped duplicate "\\u0061lg" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","\\u0061lg":"HS256"}', accessClaims()),
        message: /duplicate/,
      },
      { name: 'two "sub" keys in the payload', token: () => hs(H, spliced('"sub":"admin"')), message: /duplicate/ },
      {
        name: 'two "sub" keys, the first escaped as "s\\u0075b"',
        token: () => hs(H, spliced('"s\\u0075b":"admin"')),
        message: /duplicate/,
      },
      {
        name: 'two "exp" keys in the payload',
        token: () => hs(H, spliced(`"exp":${now() + 86400 * 365}`)),
        message: /duplicate/,
      },
      {
        name: 'a duplicate key in a nested object of the payload',
        token: () => hs(H, spliced('"x":{"a":1,"a":2}')),
        message: /duplicate/,
      },
      { name: 'an array payload', token: () => hs(H, [accessClaims()]) },
      { name: 'a string payload', token: () => hs(H, '"test"') },
      { name: 'a number payload', token: () => hs(H, '123') },
      { name: 'a null payload', token: () => hs(H, 'null') },
      { name: 'a boolean payload', token: () => hs(H, 'true') },
      { name: 'an empty payload', token: () => hs(H, '') },
      { name: 'an array header', token: () => hs('[{"alg":"HS256","typ":"JWT"}]', accessClaims()) },
      { name: 'invalid UTF-8 (0xFF) in the payload', token: () => hs(H, claimsWithBytes([0xff])), message: /UTF-8/ },
      {
        name: 'an overlong UTF-8 encoding in the payload',
        token: () => hs(H, claimsWithBytes([0xc0, 0xaf])),
        message: /UTF-8/,
      },
      {
        name: 'a UTF-8-encoded lone surrogate in the payload',
        token: () => hs(H, claimsWithBytes([0xed, 0xa0, 0x80])),
        message: /UTF-8/,
      },
      {
        name: 'a truncated UTF-8 sequence in the payload',
        token: () => hs(H, claimsWithBytes([0xe2, 0x82])),
        message: /UTF-8/,
      },
      {
        name: 'invalid UTF-8 in the header',
        token: () =>
          hs(
            Buffer.concat([Buffer.from('{"alg":"HS256","typ":"JWT","x":"'), Buffer.from([0xff]), Buffer.from('"}')]),
            accessClaims(),
          ),
        message: /UTF-8/,
      },
      {
        name: 'a UTF-8 BOM before the payload JSON',
        token: () => hs(H, Buffer.concat([BOM, Buffer.from(JSON.stringify(accessClaims()))])),
      },
      {
        name: 'a UTF-8 BOM before the header JSON',
        token: () => hs(Buffer.concat([BOM, Buffer.from(JSON.stringify(H))]), accessClaims()),
      },
      {
        name: '"=" padding on the header segment',
        token: () => withSegment(tokenWithRaggedSegment(0), 0, padded),
        message: /base64url/,
      },
      {
        name: '"=" padding on the payload segment',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, padded),
        message: /base64url/,
      },
      {
        name: '"=" padding on the signature segment',
        token: () => withSegment(hs(H, accessClaims()), 2, padded),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the header segment',
        token: () => withSegment(tokenWithUrlCharsIn(0), 0, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the payload segment',
        token: () => withSegment(tokenWithUrlCharsIn(1), 1, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the signature segment',
        token: () => withSegment(tokenWithUrlCharsIn(2), 2, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: 'non-canonical base64url in the header segment (unused bits set, same bytes)',
        token: () => withSegment(tokenWithRaggedSegment(0), 0, nonCanonical),
        message: /canonical/,
      },
      {
        name: 'non-canonical base64url in the payload segment (unused bits set, same bytes)',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, nonCanonical),
        message: /canonical/,
      },
      {
        name: 'non-canonical base64url in the signature segment (unused bits set, same bytes)',
        token: () => withSegment(hs(H, accessClaims()), 2, nonCanonical),
        message: /canonical/,
      },
      { name: 'an empty signature', token: () => withSegment(hs(H, accessClaims()), 2, () => '') },
      { name: 'two segments', token: () => hs(H, accessClaims()).split('.').slice(0, 2).join('.') },
      { name: 'four segments', token: () => `${hs(H, accessClaims())}.${encodeSegment('x')}` },
      { name: 'an empty header segment', token: () => withSegment(hs(H, accessClaims()), 0, () => '') },
      { name: 'a header that is not JSON', token: () => hs('alg=HS256', accessClaims()) },
      {
        name: 'a segment of 4n+1 characters',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, (s) => s.slice(0, s.length - (s.length % 4) + 1)),
      },
    ];

    it('accepts a token assembled by the same raw helpers (control)', async () => {
      const app = await apps.get('HS256');
      await expectAccepted(app.http, 'raw HS256', hs(H, accessClaims()));
      await expectAccepted(
        app.http,
        'raw HS256, resigned segments',
        withSegment(tokenWithRaggedSegment(1), 1, (s) => s),
      );
    });

    it.each(CASES)('refuses $name', async ({ token, message }) => {
      await expectRefused((await apps.get('HS256')).http, 'encoding', token(), { message });
    });

    it('non-canonical spellings decode to the same bytes (the premise of the canonical-base64url cases)', () => {
      const token = tokenWithRaggedSegment(1);
      const [, payload, sig] = token.split('.');
      expect(Buffer.from(nonCanonical(payload!), 'base64url')).toEqual(Buffer.from(payload!, 'base64url'));
      expect(Buffer.from(nonCanonical(sig!), 'base64url')).toEqual(Buffer.from(sig!, 'base64url'));
      expect(nonCanonical(sig!)).not.toBe(sig);
    });

    it('refuses a non-canonical signature for RS256, PS256, ES256, EdDSA and HS512 tokens that are accepted as issued', async () => {
      for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS512'] as const) {
        const app = await apps.get(alg);
        const token = app.tokens.createAccessToken('test');
        await expectAccepted(app.http, `${alg} as issued`, token);
        const [head, payload, sig] = token.split('.');
        await expectRefused(app.http, `${alg} non-canonical signature`, `${head}.${payload}.${nonCanonical(sig!)}`, {
          message: /canonical/,
        });
      }
    });

    it.each([
      {
        name: '"__proto__" at the top level of the payload',
        token: () => hs(H, spliced('"__proto__":{"polluted":"yes"}')),
      },
      {
        name: '"__proto__" nested in the payload',
        token: () => hs(H, spliced('"x":{"__proto__":{"polluted":"yes"}}')),
      },
      {
        name: '"__proto__" in an array of the payload',
        token: () => hs(H, spliced('"x":[{"__proto__":{"polluted":"yes"}}]')),
      },
      {
        name: 'an escaped "\\u005f_proto__" in the payload',
        token: () => hs(H, spliced('"\\u005f_proto__":{"polluted":"yes"}')),
      },
      {
        name: '"constructor" with "prototype" in the payload',
        token: () => hs(H, spliced('"constructor":{"prototype":{"polluted":"yes"}}')),
      },
      {
        name: '"constructor" nested in the payload',
        token: () => hs(H, spliced('"x":{"constructor":{"prototype":{"polluted":"yes"}}}')),
      },
      {
        name: '"prototype" at the top level of the payload',
        token: () => hs(H, spliced('"prototype":{"polluted":"yes"}')),
      },
      {
        name: '"__proto__" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","__proto__":{"polluted":"yes"}}', accessClaims()),
      },
      {
        name: '"constructor" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","constructor":{"prototype":{"polluted":"yes"}}}', accessClaims()),
      },
    ])('refuses $name and leaves Object.prototype untouched', async ({ token }) => {
      const app = await apps.get('HS256');
      await expectRefused(app.http, 'prototype key', token(), { message: /forbidden key/ });
      // The same token again (no verification cache of a refusal can make it pass) and through TokenService.
      await expectRefused(app.http, 'prototype key, again', token(), { message: /forbidden key/ });
      expect(() => app.tokens.verifyToken(token())).toThrow(AuthError);
      expectPrototypeUntouched();
    });
  });

  describe('rule 6, I-JSON (RFC 7493): what other parsers would read differently, sent with the right key', () => {
    const H = header('HS256');
    /** Access claims as JSON text with `member` (raw JSON, escapes as written) in place of the claim it names. */
    const withMember = (member: string, replaces?: string) =>
      spliced(member, accessClaims(replaces === undefined ? {} : { [replaces]: undefined }));
    const CASES: Array<{ name: string; token: () => string; message: RegExp }> = [
      {
        name: 'a claim holding a lone high surrogate, "\\ud800"',
        token: () => hs(H, withMember('"x":"\\ud800"')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a sub holding a lone low surrogate, "te\\udc00st"',
        token: () => hs(H, withMember('"sub":"te\\udc00st"', 'sub')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a key holding a lone surrogate',
        token: () => hs(H, withMember('"k\\udbff":1')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a header parameter holding a lone surrogate',
        token: () => hs('{"alg":"HS256","typ":"JWT","x":"\\ud800"}', accessClaims()),
        message: /^Token header has a lone UTF-16 surrogate/,
      },
      {
        name: 'exp 1e999999 (Infinity once parsed)',
        token: () => hs(H, withMember('"exp":1e999999', 'exp')),
        message: /^Token payload has a number beyond the range of a double/,
      },
      {
        name: 'a claim of -1e999999 (-Infinity once parsed)',
        token: () => hs(H, withMember('"x":-1e999999')),
        message: /^Token payload has a number beyond the range of a double/,
      },
      {
        name: 'exp 2^53',
        token: () => hs(H, accessClaims({ exp: 2 ** 53 })),
        message: /^Token exp claim is out of range/,
      },
      {
        name: 'exp 9007199254740993 (2^53 + 1, read as 2^53 by a double)',
        token: () => hs(H, withMember('"exp":9007199254740993', 'exp')),
        message: /^Token exp claim is out of range/,
      },
      {
        name: 'nbf -(2^53)',
        token: () => hs(H, accessClaims({ nbf: -(2 ** 53) })),
        message: /^Token nbf claim is out of range/,
      },
      {
        name: 'iat 1e300',
        token: () => hs(H, accessClaims({ iat: 1e300 })),
        message: /^Token iat claim is out of range/,
      },
      {
        name: 'a numeric fresh of 2^53',
        token: () => hs(H, accessClaims({ fresh: 2 ** 53 })),
        message: /^Token fresh claim is out of range/,
      },
      {
        name: 'a sub with NUL, "te\\u0000st"',
        token: () => hs(H, withMember('"sub":"te\\u0000st"', 'sub')),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with an ANSI escape',
        token: () => hs(H, accessClaims({ sub: '\u001b[31mtest' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with a newline',
        token: () => hs(H, accessClaims({ sub: 'test\nadmin' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with DEL',
        token: () => hs(H, accessClaims({ sub: 'test\u007f' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with a C1 control (NEL, U+0085)',
        token: () => hs(H, accessClaims({ sub: 'te\u0085st' })),
        message: /^Token sub claim has control characters/,
      },
    ];

    it.each(CASES)('refuses $name, also on second sight', async ({ token, message }) => {
      const app = await apps.get('HS256');
      const sent = token();
      await expectRefused(app.http, 'I-JSON', sent, { message });
      await expectRefused(app.http, 'I-JSON, again', sent, { message });
      expect(() => app.tokens.verifyToken(sent)).toThrow(AuthError);
    });

    it.each([
      {
        name: 'an emoji escaped as a surrogate pair in sub, "te\\ud83d\\ude00st"',
        token: () => hs(H, withMember('"sub":"te\\ud83d\\ude00st"', 'sub')),
        identity: 'te\u{1F600}st',
      },
      {
        name: 'a sub with non-ASCII letters',
        token: () => hs(H, accessClaims({ sub: 'José Ærøskøbing 山田' })),
        identity: 'José Ærøskøbing 山田',
      },
      {
        name: 'exp 2^53 - 1 and a large but finite extra claim',
        token: () => hs(H, accessClaims({ exp: Number.MAX_SAFE_INTEGER, big: 1.7976931348623157e308 })),
        identity: 'test',
      },
      {
        name: 'an escaped backslash before "ud800" in a claim (no escape of a surrogate)',
        token: () => hs(H, withMember('"x":"\\\\ud800"')),
        identity: 'test',
      },
    ])('accepts $name (control)', async ({ token, identity }) => {
      const app = await apps.get('HS256');
      await expectAccepted(app.http, 'I-JSON control', token(), { identity });
    });

    it('refuses the same rules on an RS256 app, and the app still accepts its own tokens', async () => {
      const app = await apps.get('RS256');
      await expectAccepted(app.http, 'RS256 as issued', app.tokens.createAccessToken('test'));
      const sign = (payload: SegmentContent) => jws(header('RS256'), payload, PAIR.RS256.privateKey);
      await expectRefused(app.http, 'RS256 lone surrogate', sign(withMember('"x":"\\udc00"')), {
        message: /lone UTF-16 surrogate/,
      });
      await expectRefused(app.http, 'RS256 exp 2^53', sign(accessClaims({ exp: 2 ** 53 })), {
        message: /exp claim is out of range/,
      });
      await expectRefused(app.http, 'RS256 sub NUL', sign(accessClaims({ sub: 'te\u0000st' })), {
        message: /sub claim has control characters/,
      });
    });
  });

  describe('rule 7: size', () => {
    it('refuses a token over 8 KiB in the Authorization header before decoding (401 invalid_token, "larger than"), accepts one of exactly 8192', async () => {
      const app = await apps.get('HS256');
      const exact = tokenOfLength(app, 8192);
      await expectAccepted(app.http, '8192 characters, validly signed', exact);
      await expectRefused(app.http, '8193 characters, validly signed', tokenOfLength(app, 8193), {
        message: /larger than 8192/,
      });
      // Garbage that any decoder would call malformed: the size check answers first.
      await expectRefused(app.http, '8193 characters of garbage', 'a'.repeat(8193), { message: /larger than 8192/ });
      await expectRefused(app.http, '12 KiB of dots', '.'.repeat(12 * 1024), { message: /larger than 8192/ });
    });

    it('follows maxTokenLength when it is configured smaller (512)', async () => {
      const app = await apps.get('small');
      const normal = app.tokens.createAccessToken('test');
      expect(normal.length).toBeLessThan(512);
      await expectAccepted(app.http, 'a normal token', normal);
      await expectAccepted(app.http, '512 characters', tokenOfLength(app, 512));
      await expectRefused(app.http, '513 characters', tokenOfLength(app, 513), { message: /larger than 512/ });
      await expectRefused(app.http, '600 characters of garbage', 'a'.repeat(600), { message: /larger than 512/ });
      await expectRefused(app.http, 'a 513-character refresh token at /refresh', tokenOfLength(app, 513, 'refresh'), {
        method: 'post',
        path: '/refresh',
        message: /larger than 512/,
      });
    });

    it('caps tokens that come from elsewhere than a header too (TokenService.verifyToken, as for a refresh token in a JSON body)', async () => {
      const app = await apps.get('HS256');
      for (const token of ['a'.repeat(100_000), `${'a'.repeat(50_000)}.${'b'.repeat(50_000)}.c`]) {
        let thrown: unknown;
        try {
          app.tokens.verifyToken(token, { type: 'refresh' });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(AuthError);
        expect((thrown as AuthError).code).toBe('invalid_token');
        expect((thrown as AuthError).message).toMatch(/larger than 8192/);
      }
    });
  });

  describe('rule 8: errors (RFC 6750, RFC 9470)', () => {
    it('answers 401 with the RFC 6750 challenge: no error attribute without a token, invalid_token for a bad one, insufficient_user_authentication for a stale token at a fresh route', async () => {
      const app = await apps.get('HS256');
      const none = await app.http.get('/me');
      expect({ status: none.status, body: none.body, challenge: none.headers['www-authenticate'] }).toEqual({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String), code: 'authorization_required' },
        challenge: 'Bearer',
      });
      const basic = await app.http.get('/me').set('Authorization', 'Basic dGVzdDp0ZXN0');
      expect({ status: basic.status, code: basic.body.code, challenge: basic.headers['www-authenticate'] }).toEqual({
        status: 401,
        code: 'invalid_authorization_header',
        challenge: 'Bearer',
      });

      const bad = hs(header('HS256'), accessClaims({ sub: 'admin"\\' })).replace(/.$/, (c) => (c === 'A' ? 'Q' : 'A'));
      const refused = await send(app.http, bad);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
      expect(refused.text).not.toContain(bad);

      const stale = app.tokens.createAccessToken('test', { fresh: false });
      const res = await send(app.http, stale, { method: 'post', path: '/fresh' });
      expect({ status: res.status, body: res.body, echoes: res.text.includes(stale) }).toEqual({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String), code: 'fresh_token_required' },
        echoes: false,
      });
      // RFC 9470 section 3: max_age is optional; the library's fresh flag carries no age to announce.
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+"(, max_age=\d+)?$/,
      );
      await expectAccepted(app.http, 'fresh at /fresh', app.tokens.createAccessToken('test', { fresh: true }), {
        method: 'post',
        path: '/fresh',
      });
    });
  });

  describe('known CVEs (regression)', () => {
    const rsaTexts = () => [
      { name: 'SPKI PEM', secret: publicPem(K.rsa) as SigningMaterial },
      { name: 'PKCS#1 PEM', secret: K.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string },
      { name: 'SPKI DER', secret: K.rsa.publicKey.export({ type: 'spki', format: 'der' }) },
      { name: 'JWK JSON', secret: JSON.stringify(K.rsa.publicKey.export({ format: 'jwk' })) },
    ];

    it('CVE-2015-9235: HS256 token signed with the RS256 public key is refused', async () => {
      const app = await apps.get('RS256');
      await expectAccepted(app.http, 'RS256 (control)', app.tokens.createAccessToken('test'));
      for (const { name, secret } of rsaTexts()) {
        await expectRefused(app.http, `HS256 keyed with the ${name}`, jws(header('HS256'), accessClaims(), secret), {
          message: NOT_ALLOWED,
        });
      }
    });

    it('CVE-2022-23539: insecure/legacy key types refused at start-up (DSA key, RSA < 2048)', async () => {
      const refusals: Array<[unknown, string, RegExp]> = [
        [{ algorithm: 'RS256', privateKey: privatePem(K.dsa) }, 'privateKey', /dsa/],
        [{ algorithm: 'RS256', publicKey: publicPem(K.dsa) }, 'publicKey', /dsa/],
        [{ algorithm: 'ES256', privateKey: K.dsa.privateKey }, 'privateKey', /dsa/],
        [{ algorithm: 'PS256', publicKey: K.dsa.publicKey }, 'publicKey', /dsa/],
        [
          {
            algorithm: 'RS256',
            privateKey: privatePem(K.rsa),
            verificationKeys: [{ kid: 'old', key: publicPem(K.dsa) }],
          },
          'verificationKeys[0].key',
          /dsa/,
        ],
        [{ algorithm: 'RS256', privateKey: privatePem(K.rsa1024) }, 'privateKey', /2048/],
        [{ algorithm: 'RS512', publicKey: K.rsa1024.publicKey }, 'publicKey', /2048/],
        [{ algorithm: 'PS256', privateKey: privatePem(K.rsa1024) }, 'privateKey', /2048/],
        [{ algorithm: 'EdDSA', privateKey: privatePem(K.x25519) }, 'privateKey', /x25519/],
      ];
      for (const [options, option, reason] of refusals) {
        const error = await startUpRefusal(options);
        expect({ option: error.option, reason: reason.test(error.message) }).toEqual({ option, reason: true });
      }
    });

    it('CVE-2022-23540: a falsy or empty key never means none / start-up fails', async () => {
      for (const falsy of [undefined, null, '', 0, false, Buffer.alloc(0), NaN]) {
        expect((await startUpRefusal({ algorithm: 'HS256', secret: falsy })).option).toBe('secret');
        expect((await startUpRefusal({ algorithm: 'RS256', privateKey: falsy })).option).toBe('privateKey');
        if (falsy !== undefined)
          expect((await startUpRefusal({ algorithm: 'ES256', publicKey: falsy })).option).toBe('publicKey');
        expect(
          (await startUpRefusal({ secret: K.mixedHmac, verificationKeys: [{ kid: 'old', key: falsy }] })).option,
        ).toBe('verificationKeys[0].key');
      }
      // And a running app never reads an unsigned token, or one keyed with an empty secret, as valid.
      const app = await apps.get('HS256');
      await expectRefused(app.http, 'alg none', `${encodeSegment(header('none'))}.${encodeSegment(accessClaims())}.`);
      await expectRefused(app.http, 'HS256 keyed with an empty secret', jws(header('HS256'), accessClaims(), ''));
    });

    it('CVE-2022-23541: a key lookup cannot turn an RSA public key into an HMAC secret (verificationKeys with RS256 key, token alg HS256 + that kid)', async () => {
      const mixed = await apps.get('mixed');
      await expectAccepted(
        mixed.http,
        'RS256 + kid r (control)',
        jws(header('RS256', { kid: 'r' }), accessClaims(), K.rsa.privateKey),
      );
      for (const { name, secret } of rsaTexts()) {
        for (const alg of HS)
          await expectRefused(
            mixed.http,
            `${alg} + kid r keyed with the ${name}`,
            jws(header(alg, { kid: 'r' }), accessClaims(), secret),
            { message: NOT_ALLOWED },
          );
      }
    });

    it('CVE-2025-65945: a token header never chooses the HMAC secret (kid naming a file, an empty key or the attacker secret itself)', async () => {
      const mixed = await apps.get('mixed');
      const attackerSecret = 'attacker-chosen-secret-of-32-bytes!!';
      for (const [kid, secret] of [
        ['../../dev/null', ''],
        ['/etc/passwd', fileContents('/etc/passwd')],
        [attackerSecret, attackerSecret],
        ['', ''],
      ] as const) {
        await expectRefused(
          mixed.http,
          `kid ${JSON.stringify(kid)}`,
          jws(header('HS256', { kid }), accessClaims(), secret),
        );
      }
      await expectRefused(
        mixed.http,
        'jwk of type oct',
        jws(
          header('HS256', { jwk: { kty: 'oct', k: Buffer.from(attackerSecret).toString('base64url') } }),
          accessClaims(),
          attackerSecret,
        ),
      );
    });

    it('GHSA-ww5h-9m49-7xx4: PEM with a prefix cannot enable algorithm confusion', async () => {
      const app = await apps.get('RS256');
      const mixed = await apps.get('mixed');
      const prefixes = [' ', '\n', '\t', '\uFEFF', '\u200B', 'garbage\n', '\r\n\r\n'];
      for (const prefix of prefixes) {
        const text = `${prefix}${publicPem(K.rsa)}`;
        await expectRefused(
          app.http,
          `HS256 keyed with ${JSON.stringify(prefix)} + PEM`,
          jws(header('HS256'), accessClaims(), text),
          { message: NOT_ALLOWED },
        );
        await expectRefused(
          mixed.http,
          `HS256 + kid r keyed with ${JSON.stringify(prefix)} + PEM`,
          jws(header('HS256', { kid: 'r' }), accessClaims(), text),
          { message: NOT_ALLOWED },
        );
        expect((await startUpRefusal({ algorithm: 'HS256', secret: text })).option).toBe('secret');
      }
    });

    it('GHSA-8wpc-h4q6-8fxv: an empty key verifies nothing (start-up fails; an empty signature is refused)', async () => {
      expect((await startUpRefusal({ algorithm: 'HS256', secret: '' })).option).toBe('secret');
      expect((await startUpRefusal({ algorithm: 'RS256', publicKey: '' })).option).toBe('publicKey');
      expect((await startUpRefusal({ algorithm: 'EdDSA', publicKey: Buffer.alloc(0) })).option).toBe('publicKey');
      for (const name of ['HS256', 'RS256', 'ES256', 'EdDSA', 'mixed'] as const) {
        const app = await apps.get(name);
        const [head, payload] = app.tokens.createAccessToken('test').split('.');
        await expectRefused(app.http, `${name} with an empty signature`, `${head}.${payload}.`);
      }
      await expectRefused(
        (await apps.get('HS256')).http,
        'HMAC with an empty key',
        jws(header('HS256'), accessClaims(), ''),
      );
    });

    it('CVE-2023-48223: apps configured with a PKCS#1 or X.509 public key refuse HMAC tokens keyed with that text', async () => {
      for (const [name, text] of [
        ['rsCertificate', K.rsaCertificate],
        ['rsPkcs1', K.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string],
      ] as const) {
        const app = await apps.get(name);
        await expectAccepted(
          app.http,
          `${name}: RS256 (control)`,
          jws(header('RS256'), accessClaims(), K.rsa.privateKey),
        );
        for (const variant of TEXT_VARIANTS) {
          for (const alg of HS)
            await expectRefused(
              app.http,
              `${name}: ${alg} keyed with the configured text ${variant.name}`,
              jws(header(alg), accessClaims(), variant.apply(text)),
              { message: NOT_ALLOWED },
            );
        }
      }
    });

    it('CVE-2022-21449: an all-zero ECDSA signature (the "psychic signature") is refused', async () => {
      for (const [alg, bytes] of [
        ['ES256', 64],
        ['ES384', 96],
        ['ES512', 132],
      ] as const) {
        const app = await apps.get(alg);
        const signingInput = `${encodeSegment(header(alg))}.${encodeSegment(accessClaims())}`;
        await expectRefused(
          app.http,
          `${alg} all-zero r || s`,
          `${signingInput}.${Buffer.alloc(bytes).toString('base64url')}`,
        );
        await expectRefused(
          app.http,
          `${alg} DER r = s = 0`,
          `${signingInput}.${Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]).toString('base64url')}`,
        );
        // r = s = n would be the other degenerate pair; r = 0 with a random s as well.
        await expectRefused(
          app.http,
          `${alg} r = 0`,
          `${signingInput}.${Buffer.concat([Buffer.alloc(bytes / 2), randomBytes(bytes / 2)]).toString('base64url')}`,
        );
      }
    });
  });
});
