/**
 * Rule 7 of /work/shared/reference/security.md: size. A token over maxTokenLength is refused before any decoding,
 * wherever it comes from. Shared set-up: test/support/security-apps.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { AuthError } from 'nest-jwt-extended';
import type { SecurityApp } from '../fixtures/security.app.js';
import { AppPool } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { ADAPTERS } from '../support/test-env.js';

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

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

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
});
