/**
 * Rule 1 of /work/shared/reference/security.md: the configured algorithm decides, never the token header. At start-up
 * (a public key never becomes an HMAC secret) and over HTTP: algorithm confusion, alg "none", the allowlist, and each
 * of the 13 algorithms. Shared set-up: test/support/security-apps.ts.
 */
import { type KeyObject } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { JwksService } from 'nest-jwt-extended';
import { startUpRefusal } from '../fixtures/security.app.js';
import { accessClaims } from '../support/forge.js';
import {
  AppPool,
  type AppName,
  header,
  HS,
  isHmac,
  K,
  legitServer,
  NOT_ALLOWED,
  PAIR,
  useRecordingServers,
} from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import {
  ALGORITHMS,
  type Algorithm,
  casings,
  encodeSegment,
  jws,
  type SigningMaterial,
  signature,
} from '../support/security-jws.js';
import {
  EC_FORM_NAMES,
  ecPublicForms,
  privatePem,
  publicPem,
  RSA_FORM_NAMES,
  rsaPublicForms,
  TEXT_VARIANTS,
} from '../support/security-keys.js';
import { ADAPTERS } from '../support/test-env.js';

/** What signs for each algorithm app: its HMAC secret or its private key. */
const signingKeyOf = (alg: Algorithm): SigningMaterial => (isHmac(alg) ? K.hmac : PAIR[alg].privateKey);
const keyType = (alg: Algorithm): string =>
  isHmac(alg) ? 'HMAC' : alg === 'EdDSA' ? 'OKP' : alg.startsWith('ES') ? 'EC' : 'RSA';

/** A published JWKS entry, as JwksService renders one: the public JWK with alg and use. */
const publishedJwk = (key: KeyObject, alg: string) =>
  JSON.stringify({ ...key.export({ format: 'jwk' }), alg, use: 'sig' });

useRecordingServers();

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
});
