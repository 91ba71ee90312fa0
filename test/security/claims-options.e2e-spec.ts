/**
 * The claim options a migration from Flask-JWT-Extended needs (issue 23), through a real app over HTTP: accepted
 * issuers and audiences apart from the minted ones (JWT_DECODE_ISSUER / JWT_DECODE_AUDIENCE), the audience opt-out,
 * verifySub: false (JWT_VERIFY_SUB), encodeNbf: false (JWT_ENCODE_NBF) and errorMessageKey (JWT_ERROR_MESSAGE_KEY).
 * Every refusal is a 401 with a stable code (or Flask's status with the Flask format), never a 500. Shared set-up:
 * test/support/security-apps.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { accessClaims, now } from '../support/forge.js';
import { AppPool, header, ISSUER, K, MINTED_ISSUER, OTHER_ISSUER } from '../support/security-apps.js';
import { expectAccepted, expectRefused, send } from '../support/security-http.js';
import { jws } from '../support/security-jws.js';
import { ADAPTERS } from '../support/test-env.js';

const hs256 = (claims: Record<string, unknown>) => jws(header('HS256'), claims, K.hmac);
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe.each(ADAPTERS)('claim options over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

  describe('acceptedIssuers and acceptedAudiences, apart from issuer and audience', () => {
    const ok = { iss: ISSUER, aud: 'api' };
    it.each([
      { name: 'the first accepted issuer and audience', claims: { ...ok }, expect: 'accepted' },
      { name: 'the second accepted issuer', claims: { ...ok, iss: OTHER_ISSUER }, expect: 'accepted' },
      { name: 'the second accepted audience', claims: { ...ok, aud: 'https://api.test' }, expect: 'accepted' },
      { name: 'aud an array holding an accepted one', claims: { ...ok, aud: ['x', 'api'] }, expect: 'accepted' },
      { name: 'the minted issuer (not accepted)', claims: { ...ok, iss: MINTED_ISSUER }, expect: 'invalid_token' },
      { name: 'the minted audience (not accepted)', claims: { ...ok, aud: 'minted-api' }, expect: 'invalid_token' },
      { name: 'iss a prefix of an accepted one', claims: { ...ok, iss: `${ISSUER}.evil` }, expect: 'invalid_token' },
      { name: 'iss with a trailing slash', claims: { ...ok, iss: `${ISSUER}/` }, expect: 'invalid_token' },
      { name: 'iss an array', claims: { ...ok, iss: [ISSUER, OTHER_ISSUER] }, expect: 'invalid_token' },
      { name: 'iss missing', claims: { ...ok, iss: undefined }, expect: 'invalid_token' },
      { name: 'aud an accepted one cut short', claims: { ...ok, aud: 'ap' }, expect: 'invalid_token' },
      { name: 'aud missing', claims: { ...ok, aud: undefined }, expect: 'invalid_token' },
      { name: 'aud 42', claims: { ...ok, aud: 42 }, expect: 'invalid_token' },
    ])('$name -> $expect', async ({ claims, expect: expected }) => {
      const app = await apps.get('decodeLists');
      const token = hs256(accessClaims(claims));
      if (expected === 'accepted') await expectAccepted(app.http, 'accepted', token);
      else await expectRefused(app.http, expected, token);
    });

    it('mints with issuer and audience, which it does not accept here', async () => {
      const app = await apps.get('decodeLists');
      const token = app.tokens.createAccessToken('test');
      expect(payloadOf(token)).toMatchObject({ iss: MINTED_ISSUER, aud: 'minted-api' });
      await expectRefused(app.http, 'own token', token, { message: /^Token issuer is not accepted$/ });
    });
  });

  describe('acceptUnexpectedAudience: true', () => {
    it.each([['api'], [['api', 'other']], [42]])('accepts aud %p with no audience configured', async (aud) => {
      const app = await apps.get('unexpectedAudience');
      await expectAccepted(app.http, 'accepted', hs256(accessClaims({ aud })));
    });
  });

  describe('verifySub: false', () => {
    it.each([
      { name: 'an integer', sub: 42 },
      { name: 'zero', sub: 0 },
      { name: 'an object', sub: { id: 42, org: 'x' } },
      { name: 'an array', sub: ['a', 1] },
      { name: 'a string (control)', sub: 'test' },
    ])('hands $name to @CurrentIdentity() as it is', async ({ sub }) => {
      const app = await apps.get('looseSub');
      const res = await send(app.http, hs256(accessClaims({ sub })));
      expect([res.status, res.body]).toEqual([200, { identity: sub }]);
    });

    it.each([
      { name: 'null', sub: null },
      { name: 'true', sub: true },
      { name: 'empty', sub: '' },
      { name: 'missing', sub: undefined },
    ])('still refuses a sub that is $name', async ({ sub }) => {
      const app = await apps.get('looseSub');
      await expectRefused(app.http, String(sub), hs256(accessClaims({ sub })), { message: /no valid sub claim/ });
    });

    it('the default (verifySub on) refuses an integer or object sub with 401 invalid_token', async () => {
      const app = await apps.get('HS256');
      await expectRefused(app.http, 'sub 42', hs256(accessClaims({ sub: 42 })), { message: /no valid sub claim/ });
      await expectRefused(app.http, 'sub {}', hs256(accessClaims({ sub: { id: 1 } })), { message: /no valid sub/ });
    });
  });

  describe('encodeNbf: false', () => {
    it('mints tokens without nbf, which the app accepts', async () => {
      const app = await apps.get('noNbf');
      const token = app.tokens.createAccessToken('test');
      expect(payloadOf(token)).not.toHaveProperty('nbf');
      await expectAccepted(app.http, 'minted without nbf', token);
      // nbf is still checked when a token carries one.
      await expectRefused(app.http, 'nbf ahead', hs256(accessClaims({ nbf: now() + 60 })), {
        code: 'token_not_yet_valid',
      });
    });
  });

  describe("errorMessageKey with errorFormat: 'flask-jwt-extended'", () => {
    it.each([
      { name: 'an expired token', claims: { iat: now() - 100, exp: now() - 10 }, answer: [401, 'Token has expired'] },
      { name: 'a token with aud', claims: { aud: 'api' }, answer: [422, 'Invalid audience'] },
      { name: 'a token with sub 42', claims: { sub: 42 }, answer: [422, 'Missing claim: sub'] },
    ])('answers $name under the configured key', async ({ claims, answer }) => {
      const app = await apps.get('flaskMessageKey');
      const res = await send(app.http, hs256(accessClaims(claims)));
      expect([res.status, res.body]).toEqual([answer[0], { message: answer[1] }]);
    });
  });
});
