/**
 * Known CVEs and advisories of other JWT libraries, one regression test each, at start-up and over HTTP. Shared set-up:
 * test/support/security-apps.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startUpRefusal } from '../fixtures/security.app.js';
import { accessClaims } from '../support/forge.js';
import { AppPool, fileContents, header, HS, K, NOT_ALLOWED } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { encodeSegment, jws, type SigningMaterial } from '../support/security-jws.js';
import { privatePem, publicPem, TEXT_VARIANTS } from '../support/security-keys.js';
import { ADAPTERS } from '../support/test-env.js';

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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
