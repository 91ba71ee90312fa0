/**
 * Rule 3 of /work/shared/reference/security.md: header parameters. kid is only an exact lookup in the configured keys;
 * jku, x5u, jwk and x5c are never fetched nor trusted; typ must be a string; any crit is refused. Shared set-up:
 * test/support/security-apps.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { accessClaims } from '../support/forge.js';
import {
  AppPool,
  attackerServer,
  fileContents,
  header,
  K,
  legitServer,
  NOT_ALLOWED,
  useRecordingServers,
} from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { jws, type SigningMaterial } from '../support/security-jws.js';
import { certificateDerBase64, publicPem } from '../support/security-keys.js';
import { ADAPTERS } from '../support/test-env.js';

useRecordingServers();

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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
});
