/**
 * Rule 4 of /work/shared/reference/security.md: explicit typing. Each token type is accepted only at the routes it
 * belongs to. Shared set-up: test/support/security-apps.ts.
 */
import { afterAll, describe, it } from '@jest/globals';
import { accessClaims } from '../support/forge.js';
import { AppPool, header, PAIR } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { jws } from '../support/security-jws.js';
import { ADAPTERS } from '../support/test-env.js';

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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
});
