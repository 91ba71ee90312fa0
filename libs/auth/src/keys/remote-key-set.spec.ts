import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { decodeCompactJws, encodeCompactJws, verifyJwsSignature } from '../jws/compact-jws.js';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { type KeySetLogger, RemoteKeySet, type RemoteKeySetOptions } from './remote-key-set.js';

/** The identity provider's keys: it signs, we only ever see the public halves through its JWKS. */
const IDP = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  rsa2: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  weak: generateKeyPairSync('rsa', { modulusLength: 1024 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ed25519: generateKeyPairSync('ed25519'),
};
const LOCAL_P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const OTHER_ED25519 = generateKeyPairSync('ed25519');

const publicOf = (key: KeyObject) => (key.type === 'public' ? key : createPublicKey(key));

function jwk(key: KeyObject, extra: Record<string, unknown>): JsonWebKey {
  return { ...publicOf(key).export({ format: 'jwk' }), ...extra };
}

const STANDARD_KEYS: JsonWebKey[] = [
  jwk(IDP.rsa.publicKey, { kid: 'rsa-1', use: 'sig' }),
  jwk(IDP.p256.publicKey, { kid: 'ec-1' }),
  jwk(IDP.ed25519.publicKey, { kid: 'ed-1', alg: 'EdDSA' }),
];

type Route = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let origin: string;
const routes = new Map<string, Route>();
const hits = new Map<string, number>();
const hanging: ServerResponse[] = [];
let nextPath = 0;

/** A fresh path on the test server answering with `route`; each test gets its own, so no cache is shared. */
function serve(route: Route): { uri: string; hits: () => number } {
  const path = `/jwks-${nextPath++}.json`;
  routes.set(path, route);
  return { uri: `${origin}${path}`, hits: () => hits.get(path) ?? 0 };
}

/** A route serving `document()` as JSON, read on every request so a test can change it (key rotation). */
function json(document: () => unknown, status = 200): Route {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(typeof document() === 'string' ? (document() as string) : JSON.stringify(document()));
  };
}

/** A logger that keeps what it is told, so that a test can count the warnings (and the output stays quiet). */
function recordingLogger(): KeySetLogger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message: unknown) => void warnings.push(String(message)) };
}

function remote(
  uri: string,
  options: Partial<RemoteKeySetOptions> = {},
  logger: KeySetLogger = recordingLogger(),
): RemoteKeySet {
  return new RemoteKeySet(
    {
      uri,
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      cacheMaxAgeMs: 60_000,
      cooldownMs: 30_000,
      timeoutMs: 2_000,
      ...options,
    },
    logger,
  );
}

/** The RSA public JWK with IDP.rsa's modulus and public exponent 1. */
const exponentOneJwk = (kid: string): JsonWebKey => jwk(IDP.rsa.publicKey, { kid, e: 'AQ' });

/**
 * An RS256 "signature" under an e = 1 key: s^1 mod n = s, so the EMSA-PKCS1-v1_5 encoding of the digest (RFC 8017
 * section 9.2) is its own signature, and anyone can make one without any private key.
 */
function forgeWithExponentOne(header: object, payload: object, modulusBytes = 256): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(input).digest(),
  ]);
  const padding = Buffer.alloc(modulusBytes - digestInfo.length - 3, 0xff);
  const encoded = Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
  return `${input}.${encoded.toString('base64url')}`;
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuthError);
  return thrown as AuthError;
}

async function expectInvalid(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await rejection(promise);
  expect(error.code).toBe(AuthErrorCode.InvalidToken);
  expect(error.getStatus()).toBe(401);
  expect(error.message).toBe(message);
}

async function expectUnavailable(promise: Promise<unknown>, uri: string): Promise<void> {
  const error = await rejection(promise);
  expect(error.code).toBe(AuthErrorCode.KeySetUnavailable);
  expect(error.getStatus()).toBe(503);
  expect(error.getResponse()).toEqual({
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'The key set to verify tokens with is unavailable',
    code: 'key_set_unavailable',
  });
  // Where the keys live is configuration, not the client's business.
  expect(`${error.message} ${error.challenge}`).not.toContain(new URL(uri).host);
}

const FAILED_CHECKS = 'Token key id (kid) names a key of the key set that failed the key checks';

/** Wycheproof json_web_key_test.json, tcId 7: a modulus with the ROCA fingerprint (Apache-2.0, test/fixtures/vectors/). */
const ROCA_N =
  'AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE';

const spki = (key: KeyObject) => publicOf(key).export({ format: 'der', type: 'spki' });

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404).end();
      return;
    }
    route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('RemoteKeySet', () => {
  describe('allows', () => {
    it('allows exactly the configured algorithms', () => {
      const keys = remote(`${origin}/unused.json`, { algorithms: ['RS256', 'EdDSA'] });
      expect(keys.allows('RS256')).toBe(true);
      expect(keys.allows('EdDSA')).toBe(true);
      expect(keys.allows('RS384')).toBe(false);
      expect(keys.allows('rs256')).toBe(false);
      expect(keys.allows('HS256')).toBe(false);
    });
  });

  describe('finding a key', () => {
    it('returns the key for the kid, pinned to the algorithm, trusted for cacheMaxAgeMs', async () => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const before = Date.now();
      const found = await remote(uri, { cacheMaxAgeMs: 120_000 }).find('RS256', 'rsa-1');
      const after = Date.now();
      expect(found.kid).toBe('rsa-1');
      expect(found.algorithm).toBe('RS256');
      expect(found.key.type).toBe('public');
      expect(spki(found.key).equals(spki(IDP.rsa.publicKey))).toBe(true);
      expect(found.trustedUntilMs).toBeGreaterThanOrEqual(before + 120_000);
      expect(found.trustedUntilMs).toBeLessThanOrEqual(after + 120_000);
    });

    it.each([
      ['RS256', 'rsa-1', IDP.rsa],
      ['PS256', 'rsa-1', IDP.rsa],
      ['ES256', 'ec-1', IDP.p256],
      ['EdDSA', 'ed-1', IDP.ed25519],
    ] as const)('%s: the key found verifies what the identity provider signed', async (algorithm, kid, pair) => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const found = await remote(uri).find(algorithm, kid);
      const spec = JWS_ALGORITHMS[algorithm];
      const token = encodeCompactJws({ alg: algorithm, kid }, { sub: 'alice' }, spec, pair.privateKey);
      expect(verifyJwsSignature(decodeCompactJws(token), spec, found.key)).toBe(true);
      const otherKey = { RS256: IDP.rsa2, PS256: IDP.rsa2, ES256: LOCAL_P256, EdDSA: OTHER_ED25519 }[algorithm]
        .privateKey;
      const other = encodeCompactJws({ alg: algorithm, kid }, { sub: 'alice' }, spec, otherKey);
      expect(verifyJwsSignature(decodeCompactJws(other), spec, found.key)).toBe(false);
    });

    it('fetches the document once, then answers from its cache with the same KeyObject', async () => {
      const { uri, hits: count } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const keys = remote(uri);
      const first = await keys.find('ES256', 'ec-1');
      const second = await keys.find('ES256', 'ec-1');
      await keys.find('RS256', 'rsa-1');
      expect(second.key).toBe(first.key);
      expect(count()).toBe(1);
    });

    it('shares one fetch between concurrent lookups', async () => {
      const { uri, hits: count } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const keys = remote(uri);
      const found = await Promise.all([
        keys.find('RS256', 'rsa-1'),
        keys.find('ES256', 'ec-1'),
        keys.find('EdDSA', 'ed-1'),
      ]);
      expect(found.map((entry) => entry.kid)).toEqual(['rsa-1', 'ec-1', 'ed-1']);
      expect(count()).toBe(1);
    });

    it('matches the kid exactly', async () => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const keys = remote(uri, { cooldownMs: 0 });
      for (const kid of ['RSA-1', 'rsa-1 ', 'rsa', 'rsa-10']) {
        await expectInvalid(keys.find('RS256', kid), 'Token key id (kid) is not known');
      }
    });

    it('takes a token without kid when exactly one key fits the algorithm', async () => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const found = await remote(uri).find('ES256', undefined);
      expect(found.kid).toBeUndefined();
      expect(spki(found.key).equals(spki(IDP.p256.publicKey))).toBe(true);
    });

    it('refuses a token without kid when several keys fit the algorithm', async () => {
      const { uri } = serve(json(() => ({ keys: [...STANDARD_KEYS, jwk(IDP.rsa2.publicKey, { kid: 'rsa-2' })] })));
      await expectInvalid(remote(uri).find('RS256', undefined), 'Token has no kid');
    });

    it('refuses a token without kid when no key fits the algorithm', async () => {
      const { uri } = serve(json(() => ({ keys: [jwk(IDP.p256.publicKey, { kid: 'ec-1' })] })));
      await expectInvalid(remote(uri).find('RS256', undefined), 'Token has no kid');
    });
  });

  describe('keys that do not fit', () => {
    it('refuses a kid whose key states another algorithm', async () => {
      const { uri } = serve(json(() => ({ keys: [jwk(IDP.rsa.publicKey, { kid: 'rs384', alg: 'RS384' })] })));
      await expectInvalid(remote(uri).find('RS256', 'rs384'), 'Token key id (kid) is not known');
    });

    it('refuses a kid whose key is meant for encryption', async () => {
      const { uri } = serve(json(() => ({ keys: [jwk(IDP.rsa.publicKey, { kid: 'enc', use: 'enc' })] })));
      await expectInvalid(remote(uri).find('RS256', 'enc'), 'Token key id (kid) is not known');
    });

    it('refuses a kid whose EC key is on another curve', async () => {
      const { uri } = serve(json(() => ({ keys: [jwk(IDP.p384.publicKey, { kid: 'p384' })] })));
      await expectInvalid(remote(uri).find('ES256', 'p384'), 'Token key id (kid) is not known');
    });

    it('refuses a kid whose key is of another type than the algorithm needs', async () => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      await expectInvalid(remote(uri, { cooldownMs: 0 }).find('RS256', 'ec-1'), 'Token key id (kid) is not known');
    });

    it('refuses an RSA key under 2048 bits', async () => {
      const { uri } = serve(json(() => ({ keys: [jwk(IDP.weak.publicKey, { kid: 'weak' })] })));
      await expectInvalid(remote(uri).find('RS256', 'weak'), FAILED_CHECKS);
    });

    it.each([
      [
        'a secret ("oct") key',
        () => ({ kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url'), kid: 'secret', alg: 'RS256' }),
      ],
      ['a private key', () => ({ ...IDP.p256.privateKey.export({ format: 'jwk' }), kid: 'private' })],
    ])('never takes %s from the document', async (_, member) => {
      const entry = member();
      const { uri } = serve(json(() => ({ keys: [entry] })));
      const algorithm: JwtAlgorithm = entry.kty === 'EC' ? 'ES256' : 'RS256';
      await rejection(remote(uri).find(algorithm, entry.kid));
    });
  });

  describe('the key checks on every fetch (those configured keys pass at start-up)', () => {
    const forgedClaims = { sub: 'admin', type: 'access', fresh: true };

    it('skips an RSA key with public exponent 1 with one warning naming its kid, and refuses the forged token', async () => {
      // The forgery is real: node:crypto itself verifies it with the e = 1 key.
      const forged = forgeWithExponentOne({ alg: 'RS256', kid: 'e1' }, forgedClaims);
      const e1Key = createPublicKey({ key: exponentOneJwk('e1'), format: 'jwk' });
      expect(verifyJwsSignature(decodeCompactJws(forged), JWS_ALGORITHMS.RS256, e1Key)).toBe(true);

      const { uri } = serve(json(() => ({ keys: [exponentOneJwk('e1'), ...STANDARD_KEYS] })));
      const logger = recordingLogger();
      const keys = remote(uri, {}, logger);
      await expectInvalid(keys.find('RS256', 'e1'), FAILED_CHECKS);
      expect(logger.warnings).toEqual([
        `Remote JWKS ${uri}: key "e1" is skipped, it is an RSA key with public exponent 1: it must be odd and at least 3`,
      ]);
      expect(logger.warnings[0]).not.toContain(exponentOneJwk('e1').n!.slice(0, 12));
      // The other keys of the document are unaffected.
      expect((await keys.find('RS256', 'rsa-1')).kid).toBe('rsa-1');
    });

    it('warns once for a key that stays bad across refetches, and again once it has left and comes back', async () => {
      let online = [exponentOneJwk('e1'), ...STANDARD_KEYS];
      const { uri, hits: count } = serve(json(() => ({ keys: online })));
      const logger = recordingLogger();
      const keys = remote(uri, { cooldownMs: 0 }, logger);
      for (let i = 0; i < 4; i++) await expectInvalid(keys.find('RS256', 'e1'), FAILED_CHECKS);
      expect(count()).toBeGreaterThan(1);
      expect(logger.warnings).toHaveLength(1);
      online = [...STANDARD_KEYS];
      await expectInvalid(keys.find('RS256', 'e1'), 'Token key id (kid) is not known');
      online = [exponentOneJwk('e1'), ...STANDARD_KEYS];
      await expectInvalid(keys.find('RS256', 'e1'), FAILED_CHECKS);
      expect(logger.warnings).toHaveLength(2);
    });

    it.each([
      ['an even public exponent', () => jwk(IDP.rsa.publicKey, { kid: 'bad', e: 'AQAA' }), 'RS256', /exponent 65536/],
      ['the ROCA fingerprint', () => ({ kty: 'RSA', n: ROCA_N, e: 'AQAB', kid: 'bad' }), 'RS256', /ROCA/],
      [
        'an EC point off its curve',
        () => {
          const key = jwk(IDP.p256.publicKey, { kid: 'bad' });
          return { ...key, y: key.x };
        },
        'ES256',
        /point is not on P-256/,
      ],
      [
        'an Ed25519 x that is no point',
        () => ({ kty: 'OKP', crv: 'Ed25519', x: 'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI', kid: 'bad' }),
        'EdDSA',
        /not a point on Ed25519/,
      ],
      ['a malformed key_ops', () => jwk(IDP.rsa.publicKey, { kid: 'bad', key_ops: 'verify' }), 'RS256', /key_ops/],
      ['an RSA JWK without "e"', () => ({ kty: 'RSA', n: jwk(IDP.rsa.publicKey, {}).n, kid: 'bad' }), 'RS256', /valid/],
    ] as const)('skips a key with %s (one warning, 401 for its kid, never 503)', async (_, bad, algorithm, reason) => {
      const { uri } = serve(json(() => ({ keys: [bad(), ...STANDARD_KEYS] })));
      const logger = recordingLogger();
      const keys = remote(uri, {}, logger);
      await expectInvalid(keys.find(algorithm, 'bad'), FAILED_CHECKS);
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toMatch(/key "bad" is skipped, it /);
      expect(logger.warnings[0]).toMatch(reason);
      expect((await keys.find('ES256', 'ec-1')).kid).toBe('ec-1');
    });

    it('leaves out, without a word, keys meant for something else: use "enc", key_ops without "verify", other algorithms', async () => {
      const { uri } = serve(
        json(() => ({
          keys: [
            jwk(IDP.rsa2.publicKey, { kid: 'enc', use: 'enc', alg: 'RSA-OAEP' }),
            jwk(IDP.rsa2.publicKey, { kid: 'ops', key_ops: ['encrypt'] }),
            jwk(IDP.p384.publicKey, { kid: 'p384' }),
            ...STANDARD_KEYS,
          ],
        })),
      );
      const logger = recordingLogger();
      const keys = remote(uri, { cooldownMs: 60_000 }, logger);
      for (const kid of ['enc', 'ops']) await expectInvalid(keys.find('RS256', kid), 'Token key id (kid) is not known');
      await expectInvalid(keys.find('ES256', 'p384'), 'Token key id (kid) is not known');
      expect(logger.warnings).toEqual([]);
    });

    it('keeps a kid that also has a good key: only the bad key is left out', async () => {
      const { uri } = serve(json(() => ({ keys: [exponentOneJwk('rsa-1'), ...STANDARD_KEYS] })));
      const keys = remote(uri);
      const found = await keys.find('RS256', 'rsa-1');
      expect(spki(found.key).equals(spki(IDP.rsa.publicKey))).toBe(true);
    });

    it('refuses the forged e = 1 token through TokenVerifier with 401 invalid_token', async () => {
      const { uri } = serve(json(() => ({ keys: [exponentOneJwk('e1')] })));
      const verifier = new TokenVerifier(resolveAuthOptions({ algorithm: 'RS256', jwks: { uri } }));
      const now = Math.floor(Date.now() / 1000);
      const forged = forgeWithExponentOne(
        { alg: 'RS256', typ: 'JWT', kid: 'e1' },
        { ...forgedClaims, jti: 'j', iat: now, nbf: now, exp: now + 600 },
      );
      await expectInvalid(
        Promise.resolve().then(() => verifier.verify(forged)),
        FAILED_CHECKS,
      );
    });
  });

  describe('unknown kids and key rotation', () => {
    it('refuses an unknown kid with 401 invalid_token', async () => {
      const { uri } = serve(json(() => ({ keys: STANDARD_KEYS })));
      await expectInvalid(remote(uri).find('RS256', 'unknown'), 'Token key id (kid) is not known');
    });

    it('does not refetch for unknown kids within the cooldown', async () => {
      const { uri, hits: count } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const keys = remote(uri, { cooldownMs: 60_000 });
      await keys.find('RS256', 'rsa-1');
      for (let i = 0; i < 5; i++)
        await expectInvalid(keys.find('RS256', `unknown-${i}`), 'Token key id (kid) is not known');
      expect(count()).toBe(1);
    });

    it('refetches on an unknown kid once the cooldown has passed, and finds a newly published key', async () => {
      let keysOnline = [STANDARD_KEYS[0]!];
      const { uri, hits: count } = serve(json(() => ({ keys: keysOnline })));
      const keys = remote(uri, { cooldownMs: 0 });
      expect((await keys.find('RS256', 'rsa-1')).kid).toBe('rsa-1');
      keysOnline = [STANDARD_KEYS[0]!, jwk(IDP.rsa2.publicKey, { kid: 'rsa-2' })];
      const rotated = await keys.find('RS256', 'rsa-2');
      expect(spki(rotated.key).equals(spki(IDP.rsa2.publicKey))).toBe(true);
      expect(count()).toBe(2);
    });

    it('reload fetches the document now', async () => {
      const { uri, hits: count } = serve(json(() => ({ keys: STANDARD_KEYS })));
      const keys = remote(uri);
      await keys.reload();
      expect(count()).toBe(1);
      await keys.find('RS256', 'rsa-1');
      expect(count()).toBe(1);
      await keys.reload();
      expect(count()).toBe(2);
    });
  });

  describe('an unavailable key set: 503 key_set_unavailable', () => {
    it.each([
      ['a 500 answer', json(() => ({ error: 'boom' }), 500)],
      ['a 404 answer', json(() => ({ keys: STANDARD_KEYS }), 404)],
      [
        'a redirect-less 302',
        (_request: IncomingMessage, response: ServerResponse) => void response.writeHead(302).end(),
      ],
      ['invalid JSON', json(() => '{"keys": [')],
      ['JSON that is not a key set', json(() => ({ keys: 'none' }))],
      ['a JSON array', json(() => [STANDARD_KEYS])],
      ['an empty body', json(() => '')],
    ])('%s', async (_, route) => {
      const { uri } = serve(route);
      await expectUnavailable(remote(uri).find('RS256', 'rsa-1'), uri);
    });

    it('a connection refused', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const uri = `http://127.0.0.1:${port}/jwks.json`;
      await expectUnavailable(remote(uri).find('RS256', 'rsa-1'), uri);
    });

    it('no answer within timeoutMs', async () => {
      const timeoutMs = 1000; // long enough that a loaded machine tells one wait from two
      const { uri } = serve((_request, response) => {
        hanging.push(response);
      });
      const started = Date.now();
      await expectUnavailable(remote(uri, { timeoutMs }).find('RS256', 'rsa-1'), uri);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(timeoutMs - 20); // given up when timeoutMs ran out...
      expect(waited).toBeLessThan(2 * timeoutMs); // ...and not later
    });

    it('recovers once the document can be fetched again', async () => {
      let up = false;
      const { uri } = serve((request, response) =>
        (up ? json(() => ({ keys: STANDARD_KEYS })) : json(() => ({}), 502))(request, response),
      );
      const keys = remote(uri, { cooldownMs: 0 });
      await expectUnavailable(keys.find('RS256', 'rsa-1'), uri);
      up = true;
      expect((await keys.find('RS256', 'rsa-1')).kid).toBe('rsa-1');
    });
  });
});

describe('TokenVerifier with a remote JWKS', () => {
  /** Tokens as the identity provider issues them: our own TokenService, configured with the provider's private key. */
  function idpToken(
    algorithm: JwtAlgorithm,
    privateKey: KeyObject,
    kid: string | undefined,
    identity = 'alice',
  ): string {
    const resolved = resolveAuthOptions({ algorithm, privateKey, ...(kid !== undefined && { kid }) });
    return new TokenService(resolved, new TokenVerifier(resolved)).createAccessToken(identity);
  }

  function module(options: AuthModuleOptions) {
    const resolved = resolveAuthOptions(options);
    const verifier = new TokenVerifier(resolved);
    return { verifier, tokens: new TokenService(resolved, verifier) };
  }

  let uri: string;
  let count: () => number;

  beforeEach(() => {
    ({ uri, hits: count } = serve(json(() => ({ keys: STANDARD_KEYS }))));
  });

  it('verifies a token of the identity provider in a verify-only module, asynchronously', async () => {
    const { verifier } = module({ algorithm: 'RS256', jwks: { uri } });
    const result = verifier.verify(idpToken('RS256', IDP.rsa.privateKey, 'rsa-1'));
    expect(result).toBeInstanceOf(Promise);
    expect((await result).identity).toBe('alice');
  });

  it('verifies each algorithm listed in jwks.algorithms', async () => {
    const { verifier } = module({
      algorithm: 'RS256',
      jwks: { uri, algorithms: ['RS256', 'ES256', 'EdDSA', 'PS256'] },
    });
    expect((await verifier.verify(idpToken('ES256', IDP.p256.privateKey, 'ec-1', 'ec-user'))).identity).toBe('ec-user');
    expect((await verifier.verify(idpToken('EdDSA', IDP.ed25519.privateKey, 'ed-1', 'ed-user'))).identity).toBe(
      'ed-user',
    );
    expect((await verifier.verify(idpToken('PS256', IDP.rsa.privateKey, 'rsa-1', 'ps-user'))).identity).toBe('ps-user');
    expect(count()).toBe(1);
  });

  it('refuses an algorithm not listed in jwks.algorithms before fetching anything', async () => {
    const { verifier } = module({ algorithm: 'RS256', jwks: { uri } });
    expect(() => verifier.verify(idpToken('ES256', IDP.p256.privateKey, 'ec-1'))).toThrow(
      'The token algorithm is not allowed',
    );
    expect(count()).toBe(0);
  });

  it('TokenService.verifyToken asks for verifyTokenAsync; verifyTokenAsync verifies', async () => {
    const { tokens } = module({ algorithm: 'RS256', jwks: { uri } });
    const token = idpToken('RS256', IDP.rsa.privateKey, 'rsa-1');
    expect(() => tokens.verifyToken(token)).toThrow(/use verifyTokenAsync\(\)/);
    await expect(tokens.verifyTokenAsync(token, { type: 'access' })).resolves.toMatchObject({
      sub: 'alice',
      type: 'access',
    });
  });

  it('refuses a token with an unknown kid with 401 invalid_token', async () => {
    const { verifier } = module({ algorithm: 'RS256', jwks: { uri } });
    await expectInvalid(
      Promise.resolve().then(() => verifier.verify(idpToken('RS256', IDP.rsa2.privateKey, 'rsa-2'))),
      'Token key id (kid) is not known',
    );
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const { verifier } = module({ algorithm: 'RS256', jwks: { uri } });
    await expectInvalid(
      Promise.resolve().then(() => verifier.verify(idpToken('RS256', IDP.rsa2.privateKey, 'rsa-1'))),
      'Signature verification failed',
    );
  });

  it('answers 503 key_set_unavailable when the document cannot be fetched', async () => {
    const down = serve(json(() => ({}), 503));
    const { verifier } = module({ algorithm: 'RS256', jwks: { uri: down.uri } });
    await expectUnavailable(
      Promise.resolve().then(() => verifier.verify(idpToken('RS256', IDP.rsa.privateKey, 'rsa-1'))),
      down.uri,
    );
  });

  it('uses its own signing key for its own tokens, and the remote keys for the provider’s', async () => {
    const { verifier, tokens } = module({
      algorithm: 'ES256',
      privateKey: LOCAL_P256.privateKey,
      kid: 'local',
      jwks: { uri, algorithms: ['RS256'] },
    });
    const own = verifier.verify(tokens.createAccessToken('me'));
    expect(own).not.toBeInstanceOf(Promise);
    expect((await own).identity).toBe('me');
    expect(count()).toBe(0);
    expect((await verifier.verify(idpToken('RS256', IDP.rsa.privateKey, 'rsa-1'))).identity).toBe('alice');
  });

  it('does not accept, through the remote document, an algorithm left out of jwks.algorithms that only a local key uses', async () => {
    // The module signs ES256 itself and trusts the provider for RS256 only. The provider's document also holds an EC
    // key ("ec-1"); an ES256 token naming it must be refused, not verified with that key.
    const { verifier } = module({
      algorithm: 'ES256',
      privateKey: LOCAL_P256.privateKey,
      kid: 'local',
      jwks: { uri, algorithms: ['RS256'] },
    });
    const token = idpToken('ES256', IDP.p256.privateKey, 'ec-1', 'intruder');
    const error = await rejection(Promise.resolve().then(() => verifier.verify(token)));
    expect(error.code).toBe(AuthErrorCode.InvalidToken);
  });
});
