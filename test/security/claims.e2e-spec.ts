/**
 * Rule 5 of /work/shared/reference/security.md: claims. Times with and without leeway, the types of sub, jti, fresh and
 * type, issuer and audience. Shared set-up: test/support/security-apps.ts.
 */
import { afterAll, describe, it } from '@jest/globals';
import { accessClaims, now } from '../support/forge.js';
import { AppPool, header, ISSUER, K } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { jws } from '../support/security-jws.js';
import { ADAPTERS } from '../support/test-env.js';

/** Claims the claims app accepts, to be bent by each case (`undefined` drops a claim). */
const goodClaims = (overrides: Record<string, unknown> = {}) => accessClaims({ iss: ISSUER, aud: 'api', ...overrides });

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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

    // RFC 7519 section 4.1.3: a recipient that does not identify itself with a value of a present aud MUST refuse the
    // token; the HS256 app configures no audience, so any aud is refused (PyJWT: "Invalid audience"), and no aud passes.
    it.each([
      { name: 'aud a string', aud: 'api', expect: 'invalid_token' },
      { name: 'aud an array', aud: ['api', 'other'], expect: 'invalid_token' },
      { name: 'aud 42', aud: 42, expect: 'invalid_token' },
      { name: 'aud null', aud: null, expect: 'invalid_token' },
      { name: 'aud empty', aud: '', expect: 'invalid_token' },
      { name: 'aud an empty array', aud: [], expect: 'invalid_token' },
      { name: 'no aud (control)', aud: undefined, expect: 'accepted' },
    ])('HS256 app without an audience: $name -> $expect', async ({ aud, expect: expected }) => {
      const app = await apps.get('HS256');
      const token = jws(header('HS256'), accessClaims({ aud }), K.hmac);
      if (expected === 'accepted') await expectAccepted(app.http, 'accepted', token);
      else await expectRefused(app.http, expected, token, { message: /no audience is configured \(the audience or/ });
    });

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
});
