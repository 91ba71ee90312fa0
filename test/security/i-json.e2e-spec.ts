/**
 * Rule 6, I-JSON (RFC 7493), of /work/shared/reference/security.md: what other parsers would read differently (lone
 * surrogates, numbers beyond a double or 2^53, control characters in sub), sent with the right key. Shared set-up:
 * test/support/security-apps.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { AuthError } from 'nest-jwt-extended';
import { accessClaims } from '../support/forge.js';
import { AppPool, header, hs, PAIR, spliced } from '../support/security-apps.js';
import { expectAccepted, expectRefused } from '../support/security-http.js';
import { jws, type SegmentContent } from '../support/security-jws.js';
import { ADAPTERS } from '../support/test-env.js';

describe.each(ADAPTERS)('security rules over HTTP on %s', (adapter) => {
  const apps = new AppPool(adapter);
  afterAll(() => apps.closeAll());

  describe('rule 6, I-JSON (RFC 7493): what other parsers would read differently, sent with the right key', () => {
    const H = header('HS256');
    /** Access claims as JSON text with `member` (raw JSON, escapes as written) in place of the claim it names. */
    const withMember = (member: string, replaces?: string) =>
      spliced(member, accessClaims(replaces === undefined ? {} : { [replaces]: undefined }));
    const CASES: Array<{ name: string; token: () => string; message: RegExp }> = [
      {
        name: 'a claim holding a lone high surrogate, "\\ud800"',
        token: () => hs(H, withMember('"x":"\\ud800"')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a sub holding a lone low surrogate, "te\\udc00st"',
        token: () => hs(H, withMember('"sub":"te\\udc00st"', 'sub')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a key holding a lone surrogate',
        token: () => hs(H, withMember('"k\\udbff":1')),
        message: /^Token payload has a lone UTF-16 surrogate/,
      },
      {
        name: 'a header parameter holding a lone surrogate',
        token: () => hs('{"alg":"HS256","typ":"JWT","x":"\\ud800"}', accessClaims()),
        message: /^Token header has a lone UTF-16 surrogate/,
      },
      {
        name: 'exp 1e999999 (Infinity once parsed)',
        token: () => hs(H, withMember('"exp":1e999999', 'exp')),
        message: /^Token payload has a number beyond the range of a double/,
      },
      {
        name: 'a claim of -1e999999 (-Infinity once parsed)',
        token: () => hs(H, withMember('"x":-1e999999')),
        message: /^Token payload has a number beyond the range of a double/,
      },
      {
        name: 'exp 2^53',
        token: () => hs(H, accessClaims({ exp: 2 ** 53 })),
        message: /^Token exp claim is out of range/,
      },
      {
        name: 'exp 9007199254740993 (2^53 + 1, read as 2^53 by a double)',
        token: () => hs(H, withMember('"exp":9007199254740993', 'exp')),
        message: /^Token exp claim is out of range/,
      },
      {
        name: 'nbf -(2^53)',
        token: () => hs(H, accessClaims({ nbf: -(2 ** 53) })),
        message: /^Token nbf claim is out of range/,
      },
      {
        name: 'iat 1e300',
        token: () => hs(H, accessClaims({ iat: 1e300 })),
        message: /^Token iat claim is out of range/,
      },
      {
        name: 'a numeric fresh of 2^53',
        token: () => hs(H, accessClaims({ fresh: 2 ** 53 })),
        message: /^Token fresh claim is out of range/,
      },
      {
        name: 'a sub with NUL, "te\\u0000st"',
        token: () => hs(H, withMember('"sub":"te\\u0000st"', 'sub')),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with an ANSI escape',
        token: () => hs(H, accessClaims({ sub: '\u001b[31mtest' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with a newline',
        token: () => hs(H, accessClaims({ sub: 'test\nadmin' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with DEL',
        token: () => hs(H, accessClaims({ sub: 'test\u007f' })),
        message: /^Token sub claim has control characters/,
      },
      {
        name: 'a sub with a C1 control (NEL, U+0085)',
        token: () => hs(H, accessClaims({ sub: 'te\u0085st' })),
        message: /^Token sub claim has control characters/,
      },
    ];

    it.each(CASES)('refuses $name, also on second sight', async ({ token, message }) => {
      const app = await apps.get('HS256');
      const sent = token();
      await expectRefused(app.http, 'I-JSON', sent, { message });
      await expectRefused(app.http, 'I-JSON, again', sent, { message });
      expect(() => app.tokens.verifyToken(sent)).toThrow(AuthError);
    });

    it.each([
      {
        name: 'an emoji escaped as a surrogate pair in sub, "te\\ud83d\\ude00st"',
        token: () => hs(H, withMember('"sub":"te\\ud83d\\ude00st"', 'sub')),
        identity: 'te\u{1F600}st',
      },
      {
        name: 'a sub with non-ASCII letters',
        token: () => hs(H, accessClaims({ sub: 'José Ærøskøbing 山田' })),
        identity: 'José Ærøskøbing 山田',
      },
      {
        name: 'exp 2^53 - 1 and a large but finite extra claim',
        token: () => hs(H, accessClaims({ exp: Number.MAX_SAFE_INTEGER, big: 1.7976931348623157e308 })),
        identity: 'test',
      },
      {
        name: 'an escaped backslash before "ud800" in a claim (no escape of a surrogate)',
        token: () => hs(H, withMember('"x":"\\\\ud800"')),
        identity: 'test',
      },
    ])('accepts $name (control)', async ({ token, identity }) => {
      const app = await apps.get('HS256');
      await expectAccepted(app.http, 'I-JSON control', token(), { identity });
    });

    it('refuses the same rules on an RS256 app, and the app still accepts its own tokens', async () => {
      const app = await apps.get('RS256');
      await expectAccepted(app.http, 'RS256 as issued', app.tokens.createAccessToken('test'));
      const sign = (payload: SegmentContent) => jws(header('RS256'), payload, PAIR.RS256.privateKey);
      await expectRefused(app.http, 'RS256 lone surrogate', sign(withMember('"x":"\\udc00"')), {
        message: /lone UTF-16 surrogate/,
      });
      await expectRefused(app.http, 'RS256 exp 2^53', sign(accessClaims({ exp: 2 ** 53 })), {
        message: /exp claim is out of range/,
      });
      await expectRefused(app.http, 'RS256 sub NUL', sign(accessClaims({ sub: 'te\u0000st' })), {
        message: /sub claim has control characters/,
      });
    });
  });
});
