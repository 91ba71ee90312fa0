/**
 * Rule 6 of /work/shared/reference/security.md: encoding. Duplicate keys, payloads that are not objects, invalid UTF-8,
 * a BOM, padding, the base64 alphabet, non-canonical base64url, and prototype keys. Shared set-up:
 * test/support/security-apps.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { AuthError } from 'nest-jwt-extended';
import { accessClaims, now } from '../support/forge.js';
import { AppPool, header, hs, K, spliced } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { encodeSegment, nonCanonical, padded, signSegments, toBase64Alphabet } from '../support/security-jws.js';
import { ADAPTERS } from '../support/test-env.js';

/** Asserts nothing reached Object.prototype (the server runs in this process). */
function expectPrototypeUntouched(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

/** A token whose given segment (0 header, 1 payload, 2 signature) contains `-` or `_`, re-drawn until it does. */
function tokenWithUrlCharsIn(part: 0 | 1 | 2): string {
  for (let i = 0; i < 1000; i++) {
    const token = hs(
      header('HS256', { x: randomBytes(6).toString('latin1') }),
      accessClaims({ x: randomBytes(6).toString('latin1') }),
    );
    if (/[-_]/.test(token.split('.')[part]!)) return token;
  }
  throw new Error('no segment with - or _');
}

/** A token whose header or payload segment has 2 or 3 characters modulo 4 (so it has unused bits and can be padded). */
function tokenWithRaggedSegment(part: 0 | 1): string {
  for (let pad = 0; pad < 4; pad++) {
    const token = hs(
      header('HS256', { x: 'a'.repeat(part === 0 ? pad : 0) }),
      accessClaims({ x: 'a'.repeat(part === 1 ? pad : 0) }),
    );
    if (token.split('.')[part]!.length % 4 >= 2) return token;
  }
  throw new Error('no ragged segment');
}

/** Replaces one segment of a token; the signature is recomputed over what is sent unless the signature itself changed. */
function withSegment(token: string, part: 0 | 1 | 2, change: (segment: string) => string): string {
  const segments = token.split('.');
  if (part === 2) return `${segments[0]}.${segments[1]}.${change(segments[2]!)}`;
  segments[part] = change(segments[part]!);
  return signSegments(segments[0]!, segments[1]!, K.hmac, { signAs: 'HS256' });
}

/** Invalid UTF-8 inside the `sub` string of otherwise good claims. */
const claimsWithBytes = (bytes: number[]) => {
  const [before, after] = JSON.stringify(accessClaims({ sub: 'te@@st' })).split('@@');
  return Buffer.concat([Buffer.from(before!), Buffer.from(bytes), Buffer.from(after!)]);
};
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

  describe('rule 6: encoding', () => {
    const H = header('HS256');
    const CASES: Array<{ name: string; token: () => string; message?: RegExp }> = [
      {
        name: 'a duplicate "alg" in the header',
        token: () => hs('{"alg":"HS256","alg":"HS256","typ":"JWT"}', accessClaims()),
        message: /duplicate/,
      },
      {
        name: '"alg" none, then HS256, in the header (a last-wins parser reads HS256)',
        token: () => hs('{"alg":"none","typ":"JWT","alg":"HS256"}', accessClaims()),
        message: /duplicate/,
      },
      {
        name: 'an escaped duplicate "\\u0061lg" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","\\u0061lg":"HS256"}', accessClaims()),
        message: /duplicate/,
      },
      { name: 'two "sub" keys in the payload', token: () => hs(H, spliced('"sub":"admin"')), message: /duplicate/ },
      {
        name: 'two "sub" keys, the first escaped as "s\\u0075b"',
        token: () => hs(H, spliced('"s\\u0075b":"admin"')),
        message: /duplicate/,
      },
      {
        name: 'two "exp" keys in the payload',
        token: () => hs(H, spliced(`"exp":${now() + 86400 * 365}`)),
        message: /duplicate/,
      },
      {
        name: 'a duplicate key in a nested object of the payload',
        token: () => hs(H, spliced('"x":{"a":1,"a":2}')),
        message: /duplicate/,
      },
      { name: 'an array payload', token: () => hs(H, [accessClaims()]) },
      { name: 'a string payload', token: () => hs(H, '"test"') },
      { name: 'a number payload', token: () => hs(H, '123') },
      { name: 'a null payload', token: () => hs(H, 'null') },
      { name: 'a boolean payload', token: () => hs(H, 'true') },
      { name: 'an empty payload', token: () => hs(H, '') },
      { name: 'an array header', token: () => hs('[{"alg":"HS256","typ":"JWT"}]', accessClaims()) },
      { name: 'invalid UTF-8 (0xFF) in the payload', token: () => hs(H, claimsWithBytes([0xff])), message: /UTF-8/ },
      {
        name: 'an overlong UTF-8 encoding in the payload',
        token: () => hs(H, claimsWithBytes([0xc0, 0xaf])),
        message: /UTF-8/,
      },
      {
        name: 'a UTF-8-encoded lone surrogate in the payload',
        token: () => hs(H, claimsWithBytes([0xed, 0xa0, 0x80])),
        message: /UTF-8/,
      },
      {
        name: 'a truncated UTF-8 sequence in the payload',
        token: () => hs(H, claimsWithBytes([0xe2, 0x82])),
        message: /UTF-8/,
      },
      {
        name: 'invalid UTF-8 in the header',
        token: () =>
          hs(
            Buffer.concat([Buffer.from('{"alg":"HS256","typ":"JWT","x":"'), Buffer.from([0xff]), Buffer.from('"}')]),
            accessClaims(),
          ),
        message: /UTF-8/,
      },
      {
        name: 'a UTF-8 BOM before the payload JSON',
        token: () => hs(H, Buffer.concat([BOM, Buffer.from(JSON.stringify(accessClaims()))])),
      },
      {
        name: 'a UTF-8 BOM before the header JSON',
        token: () => hs(Buffer.concat([BOM, Buffer.from(JSON.stringify(H))]), accessClaims()),
      },
      {
        name: '"=" padding on the header segment',
        token: () => withSegment(tokenWithRaggedSegment(0), 0, padded),
        message: /base64url/,
      },
      {
        name: '"=" padding on the payload segment',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, padded),
        message: /base64url/,
      },
      {
        name: '"=" padding on the signature segment',
        token: () => withSegment(hs(H, accessClaims()), 2, padded),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the header segment',
        token: () => withSegment(tokenWithUrlCharsIn(0), 0, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the payload segment',
        token: () => withSegment(tokenWithUrlCharsIn(1), 1, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: '"+" or "/" (the base64 alphabet) in the signature segment',
        token: () => withSegment(tokenWithUrlCharsIn(2), 2, toBase64Alphabet),
        message: /base64url/,
      },
      {
        name: 'non-canonical base64url in the header segment (unused bits set, same bytes)',
        token: () => withSegment(tokenWithRaggedSegment(0), 0, nonCanonical),
        message: /canonical/,
      },
      {
        name: 'non-canonical base64url in the payload segment (unused bits set, same bytes)',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, nonCanonical),
        message: /canonical/,
      },
      {
        name: 'non-canonical base64url in the signature segment (unused bits set, same bytes)',
        token: () => withSegment(hs(H, accessClaims()), 2, nonCanonical),
        message: /canonical/,
      },
      { name: 'an empty signature', token: () => withSegment(hs(H, accessClaims()), 2, () => '') },
      { name: 'two segments', token: () => hs(H, accessClaims()).split('.').slice(0, 2).join('.') },
      { name: 'four segments', token: () => `${hs(H, accessClaims())}.${encodeSegment('x')}` },
      { name: 'an empty header segment', token: () => withSegment(hs(H, accessClaims()), 0, () => '') },
      { name: 'a header that is not JSON', token: () => hs('alg=HS256', accessClaims()) },
      {
        name: 'a segment of 4n+1 characters',
        token: () => withSegment(tokenWithRaggedSegment(1), 1, (s) => s.slice(0, s.length - (s.length % 4) + 1)),
      },
    ];

    it('accepts a token assembled by the same raw helpers (control)', async () => {
      const app = await apps.get('HS256');
      await expectAccepted(app.http, 'raw HS256', hs(H, accessClaims()));
      await expectAccepted(
        app.http,
        'raw HS256, resigned segments',
        withSegment(tokenWithRaggedSegment(1), 1, (s) => s),
      );
    });

    it.each(CASES)('refuses $name', async ({ token, message }) => {
      await expectRefused((await apps.get('HS256')).http, 'encoding', token(), { message });
    });

    it('non-canonical spellings decode to the same bytes (the premise of the canonical-base64url cases)', () => {
      const token = tokenWithRaggedSegment(1);
      const [, payload, sig] = token.split('.');
      expect(Buffer.from(nonCanonical(payload!), 'base64url')).toEqual(Buffer.from(payload!, 'base64url'));
      expect(Buffer.from(nonCanonical(sig!), 'base64url')).toEqual(Buffer.from(sig!, 'base64url'));
      expect(nonCanonical(sig!)).not.toBe(sig);
    });

    it('refuses a non-canonical signature for RS256, PS256, ES256, EdDSA and HS512 tokens that are accepted as issued', async () => {
      for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS512'] as const) {
        const app = await apps.get(alg);
        const token = app.tokens.createAccessToken('test');
        await expectAccepted(app.http, `${alg} as issued`, token);
        const [head, payload, sig] = token.split('.');
        await expectRefused(app.http, `${alg} non-canonical signature`, `${head}.${payload}.${nonCanonical(sig!)}`, {
          message: /canonical/,
        });
      }
    });

    it.each([
      {
        name: '"__proto__" at the top level of the payload',
        token: () => hs(H, spliced('"__proto__":{"polluted":"yes"}')),
      },
      {
        name: '"__proto__" nested in the payload',
        token: () => hs(H, spliced('"x":{"__proto__":{"polluted":"yes"}}')),
      },
      {
        name: '"__proto__" in an array of the payload',
        token: () => hs(H, spliced('"x":[{"__proto__":{"polluted":"yes"}}]')),
      },
      {
        name: 'an escaped "\\u005f_proto__" in the payload',
        token: () => hs(H, spliced('"\\u005f_proto__":{"polluted":"yes"}')),
      },
      {
        name: '"constructor" with "prototype" in the payload',
        token: () => hs(H, spliced('"constructor":{"prototype":{"polluted":"yes"}}')),
      },
      {
        name: '"constructor" nested in the payload',
        token: () => hs(H, spliced('"x":{"constructor":{"prototype":{"polluted":"yes"}}}')),
      },
      {
        name: '"prototype" at the top level of the payload',
        token: () => hs(H, spliced('"prototype":{"polluted":"yes"}')),
      },
      {
        name: '"__proto__" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","__proto__":{"polluted":"yes"}}', accessClaims()),
      },
      {
        name: '"constructor" in the header',
        token: () => hs('{"alg":"HS256","typ":"JWT","constructor":{"prototype":{"polluted":"yes"}}}', accessClaims()),
      },
    ])('refuses $name and leaves Object.prototype untouched', async ({ token }) => {
      const app = await apps.get('HS256');
      await expectRefused(app.http, 'prototype key', token(), { message: /forbidden key/ });
      // The same token again (no verification cache of a refusal can make it pass) and through TokenService.
      await expectRefused(app.http, 'prototype key, again', token(), { message: /forbidden key/ });
      expect(() => app.tokens.verifyToken(token())).toThrow(AuthError);
      expectPrototypeUntouched();
    });
  });
});
