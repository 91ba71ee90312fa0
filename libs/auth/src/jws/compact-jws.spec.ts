import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { decodeCompactJws, encodeCompactJws, verifyJwsSignature } from './compact-jws.js';
import { isJwtAlgorithm, JWS_ALGORITHMS, type JwtAlgorithm } from './jws-algorithm.js';
import { thrownBy } from '../testing/thrown-by.js';

const SECRET = createSecretKey(Buffer.from('s'.repeat(64)));
const OTHER_SECRET = createSecretKey(Buffer.from('t'.repeat(64)));
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const OTHER_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const P521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const OTHER_EC = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};
const ED25519 = generateKeyPairSync('ed25519');
const OTHER_ED25519 = generateKeyPairSync('ed25519');

const ALL_ALGORITHMS: readonly JwtAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

interface KeyPair {
  readonly sign: KeyObject;
  readonly verify: KeyObject;
  /** Same kind, another key: its signatures must not verify with `verify`. */
  readonly other: KeyObject;
}

function keysFor(algorithm: JwtAlgorithm): KeyPair {
  switch (JWS_ALGORITHMS[algorithm].family) {
    case 'hmac':
      return { sign: SECRET, verify: SECRET, other: OTHER_SECRET };
    case 'rsa':
    case 'rsa-pss':
      return { sign: RSA.privateKey, verify: RSA.publicKey, other: OTHER_RSA.privateKey };
    case 'ec': {
      const curve = algorithm as 'ES256' | 'ES384' | 'ES512';
      const pair = { ES256: P256, ES384: P384, ES512: P521 }[curve];
      return { sign: pair.privateKey, verify: pair.publicKey, other: OTHER_EC[curve].privateKey };
    }
    case 'eddsa':
      return { sign: ED25519.privateKey, verify: ED25519.publicKey, other: OTHER_ED25519.privateKey };
  }
}

const HEADER = { alg: 'HS256', typ: 'JWT' };
const PAYLOAD = { sub: 'alice', n: 1 };

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));

/** A token of raw segments; the signature is whatever is given (decoding does not check it). */
function raw(header: string, payload: string, signature = b64(randomBytes(32))): string {
  return `${header}.${payload}.${signature}`;
}

/** Asserts `decodeCompactJws(token)` throws a 401 invalid_token with exactly `message`. */
function expectRefused(token: string, message: string): void {
  const error = thrownBy(() => decodeCompactJws(token));
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(AuthErrorCode.InvalidToken);
  expect((error as AuthError).getStatus()).toBe(401);
  expect((error as AuthError).message).toBe(message);
}

/** Flips the low bits of the last character, which a lenient decoder ignores: same bytes, another string. */
function withDirtyTrailingBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  expect(segment.length % 4).not.toBe(0);
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last | 1];
}

/** A base64url segment of JSON that holds "-" or "_", the two characters base64 writes as "+" and "/". */
function segmentWithUrlOnlyCharacters(prefix: Record<string, unknown>): string {
  for (let i = 0; ; i++) {
    const segment = json({ ...prefix, p: `${i}~?>` });
    if (/[-_]/.test(segment)) return segment;
  }
}

/** A base64url segment of JSON whose length leaves a partial last group (so it has trailing bits and would be padded). */
function unevenSegment(prefix: Record<string, unknown>): string {
  for (let i = 0; ; i++) {
    const segment = json({ ...prefix, p: 'x'.repeat(i) });
    if (segment.length % 4 !== 0) return segment;
  }
}

function signed(
  algorithm: JwtAlgorithm,
  header: object = { alg: algorithm, typ: 'JWT' },
  payload: object = PAYLOAD,
  key = keysFor(algorithm).sign,
): string {
  return encodeCompactJws(header, payload, JWS_ALGORITHMS[algorithm], key);
}

function verifies(token: string, algorithm: JwtAlgorithm, key = keysFor(algorithm).verify): boolean {
  return verifyJwsSignature(decodeCompactJws(token), JWS_ALGORITHMS[algorithm], key);
}

/** The token with its signature segment replaced by `signature`. */
function withSignature(token: string, signature: Buffer): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${signature.toString('base64url')}`;
}

const signatureOf = (token: string) => Buffer.from(token.split('.')[2]!, 'base64url');

describe('decodeCompactJws', () => {
  describe('a well-formed token', () => {
    it('yields the header, the payload, the signing input and the signature bytes', () => {
      const signature = randomBytes(32);
      const token = raw(json(HEADER), json(PAYLOAD), b64(signature));
      const decoded = decodeCompactJws(token);
      expect(decoded.header).toEqual(HEADER);
      expect(decoded.payload).toEqual(PAYLOAD);
      expect(decoded.signingInput).toBe(`${json(HEADER)}.${json(PAYLOAD)}`);
      expect(decoded.signature.equals(signature)).toBe(true);
    });

    it('keeps the signing input byte for byte as sent, not re-serialised', () => {
      const header = b64('{ "typ" : "JWT", "alg":"HS256" }');
      const payload = b64('{"n":1.0,"sub":"alice"}');
      expect(decodeCompactJws(raw(header, payload)).signingInput).toBe(`${header}.${payload}`);
    });

    it('decodes an empty signature (the signature check refuses it later)', () => {
      const decoded = decodeCompactJws(`${json(HEADER)}.${json(PAYLOAD)}.`);
      expect(decoded.signature).toHaveLength(0);
      expect(verifyJwsSignature(decoded, JWS_ALGORITHMS.HS256, SECRET)).toBe(false);
    });

    it('decodes multi-byte UTF-8 in header and payload', () => {
      const decoded = decodeCompactJws(
        raw(json({ alg: 'HS256', kid: 'clé-🔑' }), json({ sub: 'Zoë', note: '日本語 😀' })),
      );
      expect(decoded.header.kid).toBe('clé-🔑');
      expect(decoded.payload).toEqual({ sub: 'Zoë', note: '日本語 😀' });
    });

    it('decodes segments of every length class (no padding needed: 4n, 4n+2, 4n+3 characters)', () => {
      const lengths = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const payload = { sub: 'x'.repeat(i) };
        lengths.add(json(payload).length % 4);
        expect(decodeCompactJws(raw(json(HEADER), json(payload))).payload).toEqual(payload);
      }
      expect([...lengths].sort()).toEqual([0, 2, 3]);
    });
  });

  describe('structure', () => {
    it.each([
      ['the empty string', ''],
      ['one segment', 'abc'],
      ['two segments', `${json(HEADER)}.${json(PAYLOAD)}`],
      ['four segments', `${json(HEADER)}.${json(PAYLOAD)}.AAAA.AAAA`],
      ['five segments (a JWE)', `${json(HEADER)}.AAAA.AAAA.AAAA.AAAA`],
      ['an empty header segment', `.${json(PAYLOAD)}.AAAA`],
      ['only dots', '..'],
      ['a trailing dot after the signature', `${json(HEADER)}.${json(PAYLOAD)}.AAAA.`],
    ])('refuses %s as malformed', (_, token) => {
      expectRefused(token, 'Token is malformed');
    });

    it('refuses an empty payload segment as not a JSON object', () => {
      expectRefused(`${json(HEADER)}..AAAA`, 'Token payload must be a JSON object');
    });
  });

  describe('base64url', () => {
    it.each([
      ['a space', (s: string) => `${s.slice(0, 4)} ${s.slice(4)}`],
      ['a "!"', (s: string) => `${s}!`],
      ['a line break', (s: string) => `${s.slice(0, 4)}\n${s.slice(4)}`],
      ['a percent-encoded byte', (s: string) => `${s.slice(0, 4)}%3D${s.slice(4)}`],
      ['a non-ASCII letter', (s: string) => `${s}é`],
    ])('refuses %s in the header as malformed', (_, mangle) => {
      expectRefused(raw(mangle(json(HEADER)), json(PAYLOAD)), 'Token is malformed');
    });

    it('refuses a stray character in the signature as malformed', () => {
      expectRefused(raw(json(HEADER), json(PAYLOAD), 'AAAA*AAA'), 'Token is malformed');
    });

    it.each(['header', 'payload', 'signature'] as const)('refuses "=" padding in the %s as not canonical', (part) => {
      const header = unevenSegment(HEADER);
      const payload = unevenSegment(PAYLOAD);
      const signature = b64(randomBytes(32)); // 43 characters
      const padded = (segment: string) => segment + '='.repeat((4 - (segment.length % 4)) % 4);
      // A lenient decoder reads the padded text as the same bytes.
      expect(Buffer.from(padded(payload), 'base64url').equals(Buffer.from(payload, 'base64url'))).toBe(true);
      const token =
        part === 'header'
          ? raw(padded(header), payload, signature)
          : part === 'payload'
            ? raw(header, padded(payload), signature)
            : raw(header, payload, padded(signature));
      expectRefused(token, 'Token is not canonical base64url');
    });

    it.each(['header', 'payload', 'signature'] as const)(
      'refuses the base64 alphabet ("+" and "/") in the %s as not canonical',
      (part) => {
        const plus = (segment: string) => segment.replaceAll('-', '+').replaceAll('_', '/');
        const header = segmentWithUrlOnlyCharacters({ alg: 'HS256' });
        const payload = segmentWithUrlOnlyCharacters(PAYLOAD);
        // 0xfb 0xff encode to "-_8" in base64url and "+/8" in base64.
        const signature = b64(Buffer.from([0xfb, 0xff, 0xfb, 0xff, 0xfb, 0xff]));
        const changed = { header: plus(header), payload: plus(payload), signature: plus(signature) }[part];
        expect(changed).toMatch(/[+/]/);
        const token =
          part === 'header'
            ? raw(changed, payload, signature)
            : part === 'payload'
              ? raw(header, changed, signature)
              : raw(header, payload, changed);
        expectRefused(token, 'Token is not canonical base64url');
      },
    );

    it.each(['header', 'payload', 'signature'] as const)('refuses a %s of 4n+1 characters as malformed', (part) => {
      const fourN = (prefix: Record<string, unknown>) => {
        for (let i = 0; ; i++) {
          const segment = json({ ...prefix, p: 'x'.repeat(i) });
          if (segment.length % 4 === 0) return segment;
        }
      };
      const header = fourN(HEADER);
      const payload = fourN(PAYLOAD);
      const token =
        part === 'header'
          ? raw(`${header}A`, payload)
          : part === 'payload'
            ? raw(header, `${payload}A`)
            : raw(header, payload, `${b64(randomBytes(30))}A`);
      expectRefused(token, 'Token is malformed');
    });

    it.each(['header', 'payload', 'signature'] as const)(
      'refuses non-zero trailing bits in the %s as not canonical',
      (part) => {
        const header = unevenSegment(HEADER);
        const payload = unevenSegment(PAYLOAD);
        const signature = b64(randomBytes(32));
        const dirty = withDirtyTrailingBits({ header, payload, signature }[part]);
        // The point: a lenient decoder reads both strings as the same bytes, so the token would be malleable.
        expect(
          Buffer.from(dirty, 'base64url').equals(Buffer.from({ header, payload, signature }[part], 'base64url')),
        ).toBe(true);
        const token =
          part === 'header'
            ? raw(dirty, payload, signature)
            : part === 'payload'
              ? raw(header, dirty, signature)
              : raw(header, payload, dirty);
        expect(() => decodeCompactJws(raw(header, payload, signature))).not.toThrow();
        expectRefused(token, 'Token is not canonical base64url');
      },
    );

    it('checks both trailing-bit widths: 4 bits after 4n+2 characters, 2 bits after 4n+3', () => {
      const header = json(HEADER);
      const payload = json(PAYLOAD);
      // One byte: 2 characters, the second carries 4 unused bits. "QQ" is 0x41; "QR".."QP" differ only in them.
      expect(decodeCompactJws(raw(header, payload, 'QQ')).signature).toEqual(Buffer.from([0x41]));
      for (const dirty of ['QR', 'QS', 'QU', 'QY', 'Qf'])
        expectRefused(raw(header, payload, dirty), 'Token is not canonical base64url');
      // Two bytes: 3 characters, the third carries 2 unused bits. "QUE" is 0x41 0x41.
      expect(decodeCompactJws(raw(header, payload, 'QUE')).signature).toEqual(Buffer.from([0x41, 0x41]));
      for (const dirty of ['QUF', 'QUG', 'QUH'])
        expectRefused(raw(header, payload, dirty), 'Token is not canonical base64url');
    });
  });

  describe('UTF-8', () => {
    it.each([
      ['a lone continuation byte', [0x80]],
      ['an invalid byte 0xff', [0xff]],
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80]],
      ['a truncated three-byte sequence', [0xe2, 0x82]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ])('refuses %s in the header', (_, bytes) => {
      const header = b64(Buffer.concat([Buffer.from('{"alg":"HS256","x":"'), Buffer.from(bytes), Buffer.from('"}')]));
      expectRefused(raw(header, json(PAYLOAD)), 'Token header is not valid UTF-8');
    });

    it('refuses invalid UTF-8 in the payload', () => {
      const payload = b64(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xc3]), Buffer.from('"}')]));
      expectRefused(raw(json(HEADER), payload), 'Token payload is not valid UTF-8');
    });

    it('keeps a byte order mark, so the JSON is refused rather than silently accepted', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(HEADER))]);
      // A default TextDecoder strips the BOM, and the header would parse.
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(HEADER);
      expectRefused(raw(b64(bytes), json(PAYLOAD)), 'Token header must be a JSON object');
      const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(PAYLOAD))]);
      expectRefused(raw(json(HEADER), b64(payload)), 'Token payload must be a JSON object');
    });
  });

  describe('JSON', () => {
    it.each([
      ['an array', '[{"alg":"HS256"}]'],
      ['a string', '"HS256"'],
      ['a number', '256'],
      ['null', 'null'],
      ['invalid JSON', '{"alg":"HS256"'],
      ['whitespace', ' '],
    ])('refuses a header that is %s', (_, text) => {
      expectRefused(raw(b64(text), json(PAYLOAD)), 'Token header must be a JSON object');
    });

    it.each([
      ['an array', '[{"sub":"alice"}]'],
      ['a string', '"alice"'],
      ['invalid JSON', '{sub:"alice"}'],
    ])('refuses a payload that is %s', (_, text) => {
      expectRefused(raw(json(HEADER), b64(text)), 'Token payload must be a JSON object');
    });

    it('refuses a duplicate key in the header, "alg" and "\\u0061lg" included', () => {
      expectRefused(raw(b64('{"alg":"HS256","alg":"none"}'), json(PAYLOAD)), 'Token header has a duplicate key');
      expectRefused(raw(b64('{"alg":"HS256","\\u0061lg":"none"}'), json(PAYLOAD)), 'Token header has a duplicate key');
    });

    it('refuses a duplicate key in the payload', () => {
      expectRefused(raw(json(HEADER), b64('{"sub":"alice","sub":"admin"}')), 'Token payload has a duplicate key');
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses the key %p in the header and in the payload',
      (name) => {
        expectRefused(
          raw(b64(`{"alg":"HS256","${name}":{}}`), json(PAYLOAD)),
          'Token header has a forbidden key (__proto__, constructor or prototype)',
        );
        expectRefused(
          raw(json(HEADER), b64(`{"sub":"alice","x":[{"${name}":{"admin":true}}]}`)),
          'Token payload has a forbidden key (__proto__, constructor or prototype)',
        );
      },
    );

    it('refuses a lone UTF-16 surrogate in the header and in the payload (I-JSON), keys included', () => {
      expectRefused(
        raw(b64('{"alg":"HS256","x":"\\ud800"}'), json(PAYLOAD)),
        'Token header has a lone UTF-16 surrogate (not I-JSON)',
      );
      for (const text of ['{"sub":"\\ud800"}', '{"sub":"alice","x":"\\udfff"}', '{"sub":"alice","k\\udc00":1}']) {
        expectRefused(raw(json(HEADER), b64(text)), 'Token payload has a lone UTF-16 surrogate (not I-JSON)');
      }
    });

    it('refuses a number that overflows a double in the header and in the payload (I-JSON)', () => {
      expectRefused(
        raw(b64('{"alg":"HS256","n":1e999999}'), json(PAYLOAD)),
        'Token header has a number beyond the range of a double (not I-JSON)',
      );
      expectRefused(
        raw(json(HEADER), b64('{"sub":"alice","exp":-1e999999}')),
        'Token payload has a number beyond the range of a double (not I-JSON)',
      );
    });

    it('accepts an escaped surrogate pair and a large finite number', () => {
      expect(decodeCompactJws(raw(json(HEADER), b64('{"sub":"\\ud83d\\ude00","n":1e308}'))).payload).toEqual({
        sub: '\u{1F600}',
        n: 1e308,
      });
    });

    it('accepts those names as values', () => {
      expect(decodeCompactJws(raw(json(HEADER), json({ sub: '__proto__', role: 'constructor' }))).payload).toEqual({
        sub: '__proto__',
        role: 'constructor',
      });
    });

    it('judges the header before the payload, and both before the signature', () => {
      expectRefused(raw(b64('[]'), b64('[]'), '!'), 'Token header must be a JSON object');
      expectRefused(raw(json(HEADER), b64('[]'), '!'), 'Token payload must be a JSON object');
    });
  });
});

describe('encodeCompactJws', () => {
  it('writes three canonical, unpadded base64url segments holding the JSON given', () => {
    const header = { alg: 'HS256', typ: 'JWT', kid: 'k-1' };
    const payload = { sub: 'Zoë', list: [1, 2], nested: { a: true } };
    const token = encodeCompactJws(header, payload, JWS_ALGORITHMS.HS256, SECRET);
    const segments = token.split('.');
    expect(segments).toHaveLength(3);
    for (const segment of segments) expect(segment).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(segments[0]!, 'base64url').toString('utf8'))).toEqual(header);
    expect(JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8'))).toEqual(payload);
    expect(decodeCompactJws(token).header).toEqual(header);
  });

  it.each([
    ['HS256', 'sha256', 32],
    ['HS384', 'sha384', 48],
    ['HS512', 'sha512', 64],
  ] as const)('signs %s with HMAC-%s over "<header>.<payload>" (%i bytes)', (algorithm, hash, bytes) => {
    const token = signed(algorithm);
    const input = token.slice(0, token.lastIndexOf('.'));
    const expected = createHmac(hash, 's'.repeat(64)).update(input).digest();
    expect(signatureOf(token)).toHaveLength(bytes);
    expect(signatureOf(token).equals(expected)).toBe(true);
  });

  it.each([
    ['RS256', 'sha256'],
    ['RS384', 'sha384'],
    ['RS512', 'sha512'],
  ] as const)('signs %s with RSASSA-PKCS1-v1_5 and %s (deterministic)', (algorithm, hash) => {
    const token = signed(algorithm);
    expect(signed(algorithm)).toBe(token);
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    expect(signatureOf(token)).toHaveLength(256);
    expect(verify(hash, input, RSA.publicKey, signatureOf(token))).toBe(true);
    expect(
      verify(hash, input, { key: RSA.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }, signatureOf(token)),
    ).toBe(false);
  });

  it.each([
    ['PS256', 'sha256', 32],
    ['PS384', 'sha384', 48],
    ['PS512', 'sha512', 64],
  ] as const)(
    'signs %s with RSASSA-PSS, %s and a salt as long as the hash (randomised)',
    (algorithm, hash, saltLength) => {
      const token = signed(algorithm);
      expect(signed(algorithm)).not.toBe(token);
      const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
      const pss = (salt: number) => ({
        key: RSA.publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: salt,
      });
      expect(verify(hash, input, pss(saltLength), signatureOf(token))).toBe(true);
      expect(verify(hash, input, pss(saltLength + 1), signatureOf(token))).toBe(false);
      expect(verify(hash, input, RSA.publicKey, signatureOf(token))).toBe(false);
    },
  );

  it.each([
    ['ES256', 'sha256', 64],
    ['ES384', 'sha384', 96],
    ['ES512', 'sha512', 132],
  ] as const)('signs %s as raw r || s of exactly %s bytes, not DER', (algorithm, hash, bytes) => {
    const token = signed(algorithm);
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    expect(signatureOf(token)).toHaveLength(bytes);
    expect(verify(hash, input, { key: keysFor(algorithm).verify, dsaEncoding: 'ieee-p1363' }, signatureOf(token))).toBe(
      true,
    );
  });

  it('signs EdDSA with Ed25519: 64 bytes, deterministic', () => {
    const token = signed('EdDSA');
    expect(signed('EdDSA')).toBe(token);
    expect(signatureOf(token)).toHaveLength(64);
    expect(
      verify(null, Buffer.from(token.slice(0, token.lastIndexOf('.'))), ED25519.publicKey, signatureOf(token)),
    ).toBe(true);
  });
});

describe('verifyJwsSignature', () => {
  describe.each(ALL_ALGORITHMS)('%s', (algorithm) => {
    it('accepts its own signature', () => {
      expect(verifies(signed(algorithm), algorithm)).toBe(true);
    });

    it('refuses a signature by another key of the same kind', () => {
      expect(verifies(signed(algorithm, undefined, PAYLOAD, keysFor(algorithm).other), algorithm)).toBe(false);
    });

    it('refuses a token whose payload changed after signing', () => {
      const token = signed(algorithm);
      const [header, , signature] = token.split('.');
      expect(verifies(`${header}.${json({ ...PAYLOAD, sub: 'mallory' })}.${signature}`, algorithm)).toBe(false);
    });

    it('refuses a token whose header changed after signing', () => {
      const [, payload, signature] = signed(algorithm).split('.');
      expect(verifies(`${json({ alg: algorithm, typ: 'JWT', kid: 'x' })}.${payload}.${signature}`, algorithm)).toBe(
        false,
      );
    });

    it('refuses a flipped bit in the signature', () => {
      const token = signed(algorithm);
      const signature = signatureOf(token);
      signature[signature.length >> 1]! ^= 0x01;
      expect(verifies(withSignature(token, signature), algorithm)).toBe(false);
    });

    it.each([
      ['empty', () => Buffer.alloc(0)],
      ['one byte', () => Buffer.from([0])],
      ['truncated by one byte', (s: Buffer) => s.subarray(0, -1)],
      ['extended by one zero byte', (s: Buffer) => Buffer.concat([s, Buffer.from([0])])],
      ['prefixed by one zero byte', (s: Buffer) => Buffer.concat([Buffer.from([0]), s])],
      ['doubled', (s: Buffer) => Buffer.concat([s, s])],
    ])('returns false, without throwing, for a signature %s', (_, change) => {
      const token = signed(algorithm);
      expect(verifies(withSignature(token, change(signatureOf(token))), algorithm)).toBe(false);
    });
  });

  it('refuses an HS256 signature checked as HS384 or HS512, and the reverse', () => {
    expect(verifies(signed('HS256'), 'HS384')).toBe(false);
    expect(verifies(signed('HS256'), 'HS512')).toBe(false);
    expect(verifies(signed('HS512'), 'HS256')).toBe(false);
  });

  it('refuses an HS512 signature cut down to 32 bytes checked as HS256', () => {
    const token = signed('HS512');
    expect(verifies(withSignature(token, signatureOf(token).subarray(0, 32)), 'HS256')).toBe(false);
  });

  it('does not confuse RSA paddings or hashes: RS and PS signatures only verify as themselves', () => {
    expect(verifies(signed('RS256'), 'PS256')).toBe(false);
    expect(verifies(signed('PS256'), 'RS256')).toBe(false);
    expect(verifies(signed('RS256'), 'RS384')).toBe(false);
    expect(verifies(signed('PS512'), 'PS256')).toBe(false);
  });

  it.each(['ES256', 'ES384', 'ES512'] as const)('refuses a valid %s signature re-encoded as DER', (algorithm) => {
    const token = signed(algorithm);
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    const hash = JWS_ALGORITHMS[algorithm].hash!;
    const der = sign(hash, input, { key: keysFor(algorithm).sign, dsaEncoding: 'der' });
    // The DER form is a valid signature for a lenient verifier; ours only takes the JWS form.
    expect(verify(hash, input, keysFor(algorithm).verify, der)).toBe(true);
    expect(verifies(withSignature(token, der), algorithm)).toBe(false);
  });

  it('refuses an ES256 signature with r and s swapped', () => {
    const token = signed('ES256');
    const signature = signatureOf(token);
    const swapped = Buffer.concat([signature.subarray(32), signature.subarray(0, 32)]);
    expect(verifies(withSignature(token, swapped), 'ES256')).toBe(false);
  });

  it.each([
    ['all zeros', 0x00],
    ['all ones', 0xff],
  ])('refuses an ES256 signature of the right length that is %s', (_, fill) => {
    expect(verifies(withSignature(signed('ES256'), Buffer.alloc(64, fill)), 'ES256')).toBe(false);
  });
});

describe('isJwtAlgorithm', () => {
  it.each(ALL_ALGORITHMS)('accepts %p', (name) => {
    expect(isJwtAlgorithm(name)).toBe(true);
  });

  it.each([
    'none',
    'None',
    'NONE',
    'hs256',
    'Hs256',
    'HS256 ',
    ' HS256',
    'HS256\u0000',
    'rs256',
    'eddsa',
    'EDDSA',
    'EdDsa',
    'Ed25519',
    'ES256K',
    'HS1024',
    'RSA-OAEP',
    'toString',
    'hasOwnProperty',
    '__proto__',
    'constructor',
    'valueOf',
    '',
  ])('refuses the string %p', (name) => {
    expect(isJwtAlgorithm(name)).toBe(false);
  });

  it.each([undefined, null, 256, true, {}, ['HS256'], new String('HS256')])('refuses the non-string %p', (value) => {
    expect(isJwtAlgorithm(value)).toBe(false);
  });

  it('knows exactly the 13 algorithms, in a frozen table', () => {
    expect(Object.keys(JWS_ALGORITHMS).sort()).toEqual([...ALL_ALGORITHMS].sort());
    expect(Object.isFrozen(JWS_ALGORITHMS)).toBe(true);
  });
});

describe('round trip: TokenService signs, TokenVerifier verifies, jose agrees', () => {
  const HMAC_SECRETS: Record<'HS256' | 'HS384' | 'HS512', Buffer> = {
    HS256: randomBytes(32),
    HS384: randomBytes(48),
    HS512: randomBytes(64),
  };

  /** PEM text for asymmetric algorithms (as users configure them), raw bytes for HMAC. */
  function material(algorithm: JwtAlgorithm): { privatePem?: string; publicPem?: string; secret?: Buffer } {
    if (JWS_ALGORITHMS[algorithm].family === 'hmac')
      return { secret: HMAC_SECRETS[algorithm as 'HS256' | 'HS384' | 'HS512'] };
    const { sign: privateKey, verify: publicKey } = keysFor(algorithm);
    return {
      privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    };
  }

  function moduleFor(algorithm: JwtAlgorithm) {
    const { privatePem, publicPem, secret } = material(algorithm);
    const resolved = resolveAuthOptions(
      secret
        ? { algorithm, secret, kid: `kid-${algorithm}` }
        : { algorithm, privateKey: privatePem, publicKey: publicPem, kid: `kid-${algorithm}` },
    );
    const verifier = new TokenVerifier(resolved);
    return { service: new TokenService(resolved, verifier), verifier };
  }

  /** The key as jose imports it on its own, from the PEM text or the secret bytes. */
  async function joseVerifyKey(algorithm: JwtAlgorithm) {
    const { publicPem, secret } = material(algorithm);
    return secret ?? importSPKI(publicPem!, algorithm);
  }

  async function joseSignKey(algorithm: JwtAlgorithm) {
    const { privatePem, secret } = material(algorithm);
    return secret ?? importPKCS8(privatePem!, algorithm);
  }

  it.each(ALL_ALGORITHMS)('%s: our token verifies with our verifier and with jose', async (algorithm) => {
    const { service, verifier } = moduleFor(algorithm);
    const token = service.createAccessToken('alice', { fresh: true, additionalClaims: { roles: ['admin'] } });
    const header = decodeCompactJws(token).header;
    expect(header).toEqual({ alg: algorithm, typ: 'JWT', kid: `kid-${algorithm}` });

    const ours = await verifier.verify(token, { type: 'access' });
    expect(ours.identity).toBe('alice');
    expect(ours.claims.roles).toEqual(['admin']);

    const theirs = await jwtVerify(token, await joseVerifyKey(algorithm), { algorithms: [algorithm] });
    expect(theirs.protectedHeader).toEqual(header);
    expect(theirs.payload).toEqual(ours.claims);
  });

  it.each(ALL_ALGORITHMS)('%s: a token signed by jose verifies with our verifier', async (algorithm) => {
    const { verifier } = moduleFor(algorithm);
    const token = await new SignJWT({ type: 'refresh', fresh: false, jti: `jti-${algorithm}` })
      .setProtectedHeader({ alg: algorithm, typ: 'JWT', kid: `kid-${algorithm}` })
      .setSubject('bob')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('5m')
      .sign(await joseSignKey(algorithm));
    const verified = await verifier.verify(token, { type: 'refresh' });
    expect(verified.identity).toBe('bob');
    expect(verified.claims.jti).toBe(`jti-${algorithm}`);
  });

  it.each(ALL_ALGORITHMS)(
    '%s: jose and our verifier both refuse our token once its payload is changed',
    async (algorithm) => {
      const { service, verifier } = moduleFor(algorithm);
      const [header, payload, signature] = service.createAccessToken('alice').split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = `${header}.${json({ ...claims, sub: 'admin' })}.${signature}`;
      expect(() => verifier.verify(forged)).toThrow('Signature verification failed');
      await expect(jwtVerify(forged, await joseVerifyKey(algorithm), { algorithms: [algorithm] })).rejects.toThrow(
        'signature verification failed',
      );
    },
  );
});
