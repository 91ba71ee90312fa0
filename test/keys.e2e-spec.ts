import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { DemoProcess } from './support/demo-process.js';
import { clearInheritedKeyVariables, DemoFleet, demoEnv, type StartUpOutcome } from './support/demo-pool.js';
import { accessClaims } from './support/forge.js';
import {
  type AsymmetricAlgorithm,
  generateKeys,
  headerOf,
  KeyDir,
  pemBodyLines,
  PRIVATE_JWK_MEMBERS,
  privateParts,
  signToken,
  type TestKeyPair,
  verifiesWithJwk,
} from './support/keys.js';
import { ADAPTERS, startUpTimeout, TEST_SECRET } from './support/test-env.js';
import { bearer, claimsOf, login, type Login } from './support/tokens.js';

clearInheritedKeyVariables();

// Keys are generated once for the file (both adapters use the same ones) and written to a temporary directory.
const dir = new KeyDir();
afterAll(() => dir.remove());

const [rs256, ps256, rs512, es256, es384, es512, eddsa, pss, k1, k2, rsa1024, p384] = await Promise.all<
  Promise<TestKeyPair>[]
>([
  generateKeys('RS256'),
  generateKeys('PS256'),
  generateKeys('RS512', { privateFormat: 'pkcs1' }),
  generateKeys('ES256', { privateFormat: 'sec1' }),
  generateKeys('ES384'),
  generateKeys('ES512'),
  generateKeys('EdDSA'),
  generateKeys('PS256', { type: 'rsa-pss' }),
  generateKeys('ES256'),
  generateKeys('ES256'),
  generateKeys('RS256', { modulusLength: 1024 }),
  generateKeys('ES256', { namedCurve: 'P-384' }),
]);

const files = {
  rs256: dir.writePair('rs256', rs256!),
  rs512: dir.writePair('rs512-pkcs1', rs512!),
  es256: dir.writePair('es256-sec1', es256!),
  es512: dir.writePair('es512', es512!),
  eddsa: dir.writePair('ed25519', eddsa!),
  pss: dir.writePair('rsa-pss', pss!),
  k1: dir.writePair('k1', k1!),
  k2: dir.writePair('k2', k2!),
  rsa1024: dir.writePair('rsa1024', rsa1024!),
  p384: dir.writePair('p384', p384!),
};

interface AlgorithmCase {
  name: string;
  algorithm: AsymmetricAlgorithm;
  kid: string;
  pair: TestKeyPair;
  kty: string;
  env: Record<string, string>;
}

/** Every asymmetric family, with the keys given each way the demo takes them (file path, PEM text, several PEM formats). */
const ALGORITHMS: AlgorithmCase[] = [
  {
    name: 'RS256, private key as a PEM file path',
    algorithm: 'RS256',
    kid: 'rs256-key',
    pair: rs256!,
    kty: 'RSA',
    env: { JWT_PRIVATE_KEY: files.rs256.privatePath },
  },
  {
    name: 'PS256, private key as PEM text in the environment',
    algorithm: 'PS256',
    kid: 'ps256-key',
    pair: ps256!,
    kty: 'RSA',
    env: { JWT_PRIVATE_KEY: ps256!.privatePem },
  },
  {
    name: 'RS512, PKCS#1 private key file',
    algorithm: 'RS512',
    kid: 'rs512-key',
    pair: rs512!,
    kty: 'RSA',
    env: { JWT_PRIVATE_KEY: files.rs512.privatePath },
  },
  {
    name: 'ES256, SEC1 private key file and matching public key file',
    algorithm: 'ES256',
    kid: 'es256-key',
    pair: es256!,
    kty: 'EC',
    env: { JWT_PRIVATE_KEY: files.es256.privatePath, JWT_PUBLIC_KEY: files.es256.publicPath },
  },
  {
    name: 'ES384, private and public keys as PEM text in the environment',
    algorithm: 'ES384',
    kid: 'es384-key',
    pair: es384!,
    kty: 'EC',
    env: { JWT_PRIVATE_KEY: es384!.privatePem, JWT_PUBLIC_KEY: es384!.publicPem },
  },
  {
    name: 'ES512 (P-521), private key file',
    algorithm: 'ES512',
    kid: 'es512-key',
    pair: es512!,
    kty: 'EC',
    env: { JWT_PRIVATE_KEY: files.es512.privatePath },
  },
  {
    name: 'EdDSA (Ed25519), private key file and public key as PEM text',
    algorithm: 'EdDSA',
    kid: 'ed25519-key',
    pair: eddsa!,
    kty: 'OKP',
    env: { JWT_PRIVATE_KEY: files.eddsa.privatePath, JWT_PUBLIC_KEY: eddsa!.publicPem },
  },
];

/** Sorted by kid, so two JWKS documents compare whatever their order. */
const byKid = (keys: JsonWebKey[]) => [...keys].sort((a, b) => String(a.kid).localeCompare(String(b.kid)));

function expectPublicOnly(jwk: JsonWebKey): void {
  for (const member of PRIVATE_JWK_MEMBERS) expect(jwk).not.toHaveProperty(member);
}

interface Misconfiguration {
  name: string;
  env: Record<string, string>;
  /** The option the error must name. */
  option: string;
  reason: RegExp;
  /** Text that must never appear in the output: key material. */
  secrets: string[];
}

const GARBAGE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDGarbageGarbage0123456789abcdefABCDEF';

const MISCONFIGURATIONS: Misconfiguration[] = [
  {
    name: 'ES256 with an RSA private key',
    env: { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: files.rs256.privatePath },
    option: 'privateKey',
    reason: /ES256/,
    secrets: pemBodyLines(rs256!.privatePem),
  },
  {
    name: 'ES256 with a key on P-384',
    env: { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: files.p384.privatePath },
    option: 'privateKey',
    reason: /curve/,
    secrets: pemBodyLines(p384!.privatePem),
  },
  {
    name: 'RS256 with a 1024-bit RSA key',
    env: { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: files.rsa1024.privatePath },
    option: 'privateKey',
    reason: /2048/,
    secrets: pemBodyLines(rsa1024!.privatePem),
  },
  {
    name: 'JWT_PUBLIC_KEY not matching JWT_PRIVATE_KEY (both PEM text)',
    env: { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: k1!.privatePem, JWT_PUBLIC_KEY: k2!.publicPem },
    option: 'publicKey',
    reason: /does not match/,
    secrets: pemBodyLines(k1!.privatePem),
  },
  {
    // Node cannot export an RSA-PSS-only key (asymmetricKeyType "rsa-pss") as a JWK, so the JWKS cannot publish it:
    // the key must be refused at start-up with the option named, not crash the JWKS code with an error naming nothing.
    name: 'PS256 with an RSA-PSS-only (rsa-pss) private key',
    env: { JWT_ALGORITHM: 'PS256', JWT_PRIVATE_KEY: files.pss.privatePath, JWT_KID: 'pss' },
    option: 'privateKey',
    reason: /rsa-pss|RSA-PSS/,
    secrets: pemBodyLines(pss!.privatePem),
  },
  {
    name: 'a malformed PEM private key in the environment',
    env: {
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----\n${GARBAGE}\n-----END PRIVATE KEY-----\n`,
    },
    option: 'privateKey',
    reason: /not a valid private key/,
    secrets: [GARBAGE],
  },
  {
    name: 'a private key path that does not exist',
    env: { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: `${dir.path}/no-such-key.pem` },
    option: 'privateKey',
    reason: /file/,
    secrets: [],
  },
  {
    name: 'a verification key path that does not exist',
    env: {
      JWT_ALGORITHM: 'ES256',
      JWT_PRIVATE_KEY: files.k2.privatePath,
      JWT_KID: 'k2',
      JWT_VERIFICATION_KEYS: JSON.stringify([{ kid: 'k1', key: `${dir.path}/no-such-key.pub.pem` }]),
    },
    option: 'verificationKeys[0].key',
    reason: /file/,
    secrets: pemBodyLines(k2!.privatePem),
  },
  {
    name: 'an EC public key as the HS256 secret (algorithm confusion)',
    env: { JWT_ALGORITHM: 'HS256', JWT_SECRET_KEY: es256!.publicPem },
    option: 'secret',
    reason: /PEM/,
    secrets: pemBodyLines(es256!.publicPem),
  },
];

// Every demo of the file, queued in the order the tests need them: they start while the first tests run.
const fleet = new DemoFleet(3);
// Waits for the start-ups still in flight (each within its budget), then stops every demo.
afterAll(() => fleet.stopAll(), startUpTimeout());
for (const adapter of ADAPTERS) {
  for (const c of ALGORITHMS)
    fleet.start(`${adapter} ${c.name}`, demoEnv(adapter, { JWT_ALGORITHM: c.algorithm, JWT_KID: c.kid, ...c.env }));
  fleet.start(`${adapter} hs256`, demoEnv(adapter, {}));
  // Blank key variables, as an .env template or a compose file leaves them: the demo's env validation drops '' values.
  fleet.start(
    `${adapter} blank`,
    demoEnv(adapter, {
      JWT_ALGORITHM: 'ES256',
      JWT_PRIVATE_KEY: files.es256.privatePath,
      JWT_PUBLIC_KEY: '',
      JWT_KID: '',
      JWT_VERIFICATION_KEYS: '',
    }),
  );
  // A: before the rotation, K1 signs. B: during it, K2 signs and K1 (its public key only) still verifies. C: after it.
  fleet.start(
    `${adapter} a`,
    demoEnv(adapter, { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: files.k1.privatePath, JWT_KID: 'k1' }),
  );
  fleet.start(
    `${adapter} b`,
    demoEnv(adapter, {
      JWT_ALGORITHM: 'ES256',
      JWT_PRIVATE_KEY: files.k2.privatePath,
      JWT_KID: 'k2',
      JWT_VERIFICATION_KEYS: JSON.stringify([{ kid: 'k1', key: files.k1.publicPath }]),
    }),
  );
  fleet.start(
    `${adapter} c`,
    demoEnv(adapter, { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: files.k2.privatePath, JWT_KID: 'k2' }),
  );
  for (const m of MISCONFIGURATIONS) fleet.startExpectingFailure(`${adapter} ${m.name}`, demoEnv(adapter, m.env));
}

describe.each(ADAPTERS)('asymmetric algorithms through the demo on %s', (adapter) => {
  beforeAll(
    () =>
      Promise.allSettled([
        ...ALGORITHMS.map((c) => fleet.demo(`${adapter} ${c.name}`)),
        fleet.demo(`${adapter} hs256`),
        fleet.demo(`${adapter} blank`),
      ]),
    fleet.startUpTimeout(),
  );

  it.each(ALGORITHMS)(
    '$name: login, /protected, /refresh; alg and kid in every header; the JWKS key verifies every token',
    async (c) => {
      const http = request((await fleet.demo(`${adapter} ${c.name}`)).url);
      const tokens = await login(http);
      await http
        .get('/protected')
        .set(bearer(tokens.access))
        .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
      const refreshed = await http.post('/refresh').set(bearer(tokens.refresh)).expect(200);
      const newAccess: string = refreshed.body.access_token;
      expect(claimsOf(newAccess)).toMatchObject({ type: 'access', fresh: false, sub: 'test' });
      await http
        .get('/protected')
        .set(bearer(newAccess))
        .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });
      const all = [tokens.access, tokens.refresh, newAccess];
      for (const token of all) expect(headerOf(token)).toEqual({ alg: c.algorithm, typ: 'JWT', kid: c.kid });

      const res = await http
        .get('/.well-known/jwks.json')
        .expect(200)
        .expect('Content-Type', /application\/json/);
      expect(Object.keys(res.body)).toEqual(['keys']);
      expect(res.body.keys).toHaveLength(1);
      const jwk: JsonWebKey = res.body.keys[0];
      expect(jwk).toMatchObject({ kty: c.kty, kid: c.kid, alg: c.algorithm, use: 'sig' });
      expectPublicOnly(jwk);
      for (const secret of privateParts(c.pair)) expect(res.text).not.toContain(secret);
      // The published key is the configured one, and it alone (node:crypto, not the library) verifies every token.
      expect(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })).toBe(
        c.pair.publicPem,
      );
      for (const token of all) expect(verifiesWithJwk(token, jwk)).toBe(true);
      const [header, , signature] = tokens.access.split('.');
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(tokens.access), sub: 'admin' })).toString('base64url')}.${signature}`;
      expect(verifiesWithJwk(tampered, jwk)).toBe(false);
      const refused = await http.get('/protected').set(bearer(tampered)).expect(401);
      expect(refused.body.code).toBe('invalid_token');
    },
  );

  it('HS256 (the default): /.well-known/jwks.json is a JSON 404 with a code, and the secret appears nowhere', async () => {
    const http = request((await fleet.demo(`${adapter} hs256`)).url);
    const tokens = await login(http);
    expect(headerOf(tokens.access)).toMatchObject({ alg: 'HS256' });
    await http.get('/protected').set(bearer(tokens.access)).expect(200);
    const res = await http
      .get('/.well-known/jwks.json')
      .expect(404)
      .expect('Content-Type', /application\/json/);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    expect(res.body.keys).toBeUndefined();
    const everything = JSON.stringify(res.headers) + res.text;
    for (const leak of [
      TEST_SECRET,
      Buffer.from(TEST_SECRET).toString('base64url'),
      Buffer.from(TEST_SECRET).toString('base64'),
      Buffer.from(TEST_SECRET).toString('hex'),
    ]) {
      expect(everything).not.toContain(leak);
    }
    expect(everything).not.toMatch(/"kty"|"k"\s*:/);
  });

  it('blank JWT_KID, JWT_PUBLIC_KEY and JWT_VERIFICATION_KEYS count as unset, as the env validation that drops them intends', async () => {
    const http = request((await fleet.demo(`${adapter} blank`)).url);
    const tokens = await login(http);
    expect(headerOf(tokens.access)).toEqual({ alg: 'ES256', typ: 'JWT' });
    await http.get('/protected').set(bearer(tokens.access)).expect(200);
    const jwks = await http.get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0].kid).toBeUndefined();
  });
});

describe.each(ADAPTERS)('key rotation across three deployments on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;
  let c: DemoProcess;
  /** Tokens of a login at A, signed with K1 (kid k1). */
  let onA: Login;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([fleet.demo(`${adapter} a`), fleet.demo(`${adapter} b`), fleet.demo(`${adapter} c`)]);
    onA = await login(request(a.url));
  }, fleet.startUpTimeout());

  it('A signs with k1', async () => {
    expect(headerOf(onA.access)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    expect(headerOf(onA.refresh)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    await request(a.url).get('/protected').set(bearer(onA.access)).expect(200);
  });

  it('B accepts the k1 access token, and refreshes the k1 refresh token into a k2 access token', async () => {
    const http = request(b.url);
    await http
      .get('/protected')
      .set(bearer(onA.access))
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
    const res = await http.post('/refresh').set(bearer(onA.refresh)).expect(200);
    const access: string = res.body.access_token;
    expect(headerOf(access)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k2' });
    expect(claimsOf(access)).toMatchObject({
      sub: 'test',
      type: 'access',
      fresh: false,
      sid: claimsOf(onA.refresh).sid,
    });
    await http
      .get('/protected')
      .set(bearer(access))
      .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });
    // Tokens signed at B are k2 tokens from the start.
    const fresh = await login(http);
    expect(headerOf(fresh.access).kid).toBe('k2');
    expect(headerOf(fresh.refresh).kid).toBe('k2');
  });

  it("B's JWKS lists k1 (A's key, public part only) and k2, and each verifies its tokens", async () => {
    const [fromA, fromB] = await Promise.all([
      request(a.url).get('/.well-known/jwks.json').expect(200),
      request(b.url).get('/.well-known/jwks.json').expect(200),
    ]);
    const keys = byKid(fromB.body.keys);
    expect(keys.map((key) => key.kid)).toEqual(['k1', 'k2']);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expectPublicOnly(key);
    }
    for (const secret of [...privateParts(k1!), ...privateParts(k2!)]) expect(fromB.text).not.toContain(secret);
    expect(keys[0]).toEqual(fromA.body.keys[0]);
    expect(createPublicKey({ key: keys[1]!, format: 'jwk' }).export({ type: 'spki', format: 'pem' })).toBe(
      k2!.publicPem,
    );
    expect(verifiesWithJwk(onA.access, keys[0]!)).toBe(true);
    const k2Token = (await login(request(b.url))).access;
    expect(verifiesWithJwk(k2Token, keys[1]!)).toBe(true);
    expect(verifiesWithJwk(k2Token, keys[0]!)).toBe(false);
  });

  it('C (k1 removed) refuses k1 tokens with 401 invalid_token about the kid, and accepts k2 tokens', async () => {
    const http = request(c.url);
    const access = await http.get('/protected').set(bearer(onA.access)).expect(401);
    expect(access.body).toMatchObject({ statusCode: 401, code: 'invalid_token' });
    expect(access.body.message).toMatch(/\bkid\b/);
    expect(access.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const refresh = await http.post('/refresh').set(bearer(onA.refresh)).expect(401);
    expect(refresh.body.code).toBe('invalid_token');
    expect(refresh.body.message).toMatch(/\bkid\b/);

    // A k2 token minted at B (during the rotation) and one minted at C both work at C.
    const fromB = await login(request(b.url));
    await http.get('/protected').set(bearer(fromB.access)).expect(200);
    const refreshed = await http.post('/refresh').set(bearer(fromB.refresh)).expect(200);
    expect(headerOf(refreshed.body.access_token).kid).toBe('k2');
    const fromC = await login(http);
    await http.get('/protected').set(bearer(fromC.access)).expect(200);
    const jwks = await http.get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.map((key: JsonWebKey) => key.kid)).toEqual(['k2']);
  });

  it('A, which never had K2, refuses k2 tokens', async () => {
    const fromB = await login(request(b.url));
    const res = await request(a.url).get('/protected').set(bearer(fromB.access)).expect(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('refuses a token whose kid names one key but which another key signed', async () => {
    const claims = accessClaims();
    // kid k2 signed with K1: at B and C (both know k2, and B knows K1 as k1).
    const k2SignedByK1 = signToken('ES256', k1!.privateKey, claims, { kid: 'k2' });
    // kid k1 signed with K2: at B.
    const k1SignedByK2 = signToken('ES256', k2!.privateKey, claims, { kid: 'k1' });
    for (const [url, token] of [
      [b.url, k2SignedByK1],
      [c.url, k2SignedByK1],
      [b.url, k1SignedByK2],
    ] as const) {
      const res = await request(url).get('/protected').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    }
    // The same claims signed with the key their kid names are accepted: the refusals above are about the key alone.
    await request(b.url)
      .get('/protected')
      .set(bearer(signToken('ES256', k2!.privateKey, claims, { kid: 'k2' })))
      .expect(200);
    await request(b.url)
      .get('/protected')
      .set(bearer(signToken('ES256', k1!.privateKey, claims, { kid: 'k1' })))
      .expect(200);
  });
});

describe.each(ADAPTERS)('key misconfiguration stops the demo at start-up on %s', (adapter) => {
  beforeAll(
    () => Promise.allSettled(MISCONFIGURATIONS.map((m) => fleet.outcome(`${adapter} ${m.name}`))),
    fleet.startUpTimeout(),
  );

  it.each(MISCONFIGURATIONS)('$name: exits naming option "$option", without quoting the key', async (m) => {
    const { listening, exitCode, output }: StartUpOutcome = await fleet.outcome(`${adapter} ${m.name}`);
    expect(listening).toBe(false);
    expect(exitCode).not.toBe(0);
    expect(exitCode).not.toBeNull();
    expect(output).toContain(`option "${m.option}"`);
    const line = output.split('\n').find((text) => text.includes(`option "${m.option}"`))!;
    expect(line).toMatch(m.reason);
    expect(output).not.toMatch(/-----BEGIN|-----END/);
    for (const secret of m.secrets) expect(output).not.toContain(secret);
  });
});
