/**
 * Rule 8 of /work/shared/reference/security.md: errors. 401 with the RFC 6750 challenge, and RFC 9470's
 * insufficient_user_authentication for a stale token at a fresh route. Shared set-up: test/support/security-apps.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { accessClaims } from '../support/forge.js';
import { AppPool, header, hs } from '../support/security-apps.js';
import { expectAccepted, INVALID_TOKEN_CHALLENGE, send } from '../support/security-http.js';
import { ADAPTERS } from '../support/test-env.js';

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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
});
