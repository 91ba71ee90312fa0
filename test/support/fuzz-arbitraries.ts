/**
 * What test/fuzz.e2e-spec.ts needs: its configuration (seed and scale from the environment), a keep-alive HTTP
 * client with a timeout, fast-check arbitraries for Authorization headers, mutated tokens and request bodies, and a
 * model of the answer each request must get.
 *
 * The model is written from README.md ("Refusals", "The demo app") and from what Node's HTTP server does to header
 * values (optional whitespace trimmed, bytes read as latin1); it never asks the library.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------------------------
// Configuration

export interface FuzzConfig {
  /** fast-check seed shared by every property of the run (FUZZ_SEED, random when unset). */
  seed: number;
  /** Multiplies every property's number of runs (FUZZ_RUNS, default 1; 0.1 for a smoke run, 10 for a long one). */
  scale: number;
  /** A counterexample path to replay (FUZZ_PATH, from fast-check's report); select the property with `-t`. */
  path?: string;
}

export function fuzzConfig(env: NodeJS.ProcessEnv = process.env): FuzzConfig {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff);
  if (!Number.isSafeInteger(seed))
    throw new Error(`FUZZ_SEED must be an integer (got ${JSON.stringify(env.FUZZ_SEED)})`);
  const scale = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : 1;
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`FUZZ_RUNS must be a positive number (got ${JSON.stringify(env.FUZZ_RUNS)})`);
  return { seed, scale, ...(env.FUZZ_PATH ? { path: env.FUZZ_PATH } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Known codes

/** The library's codes: libs/auth/src/errors/auth-error-code.ts (checked against AuthErrorCode by the suite). */
export const LIBRARY_CODES = [
  'authorization_required',
  'invalid_authorization_header',
  'invalid_token',
  'token_expired',
  'token_not_yet_valid',
  'wrong_token_type',
  'fresh_token_required',
  'insufficient_user_authentication',
  'token_revoked',
  'refresh_token_reused',
  'revocation_unavailable',
  'key_set_unavailable',
  'csrf_token_missing',
  'csrf_token_mismatch',
  'user_not_found',
  'claims_verification_failed',
  'invalid_dpop_proof',
  'dpop_binding_mismatch',
  'dpop_scheme_required',
  'dpop_required',
  'use_dpop_nonce',
  'dpop_replay_unavailable',
  'too_many_attempts',
  'untrusted_origin',
  'insufficient_scope',
] as const;

/**
 * The demo's own codes: the status table of apps/demo/src/http/http-error.filter.ts, its `invalid_json` and
 * `internal_error`, the ValidationPipe's `validation_failed` (user-login.controller.ts) and the login's `invalid_credentials`.
 * The filter's fallback `http_<status>` is deliberately not known: no answer of the demo should need it.
 */
export const DEMO_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'invalid_json',
  'internal_error',
  'validation_failed',
  'invalid_credentials',
] as const;

export const KNOWN_CODES: ReadonlySet<string> = new Set<string>([...LIBRARY_CODES, ...DEMO_CODES]);

// ---------------------------------------------------------------------------------------------------------------
// HTTP client

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  /** The Authorization header, exactly as sent; undefined: none. */
  authorization?: string;
  contentType?: string;
  /** Sent as UTF-8. */
  body?: string;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Plain node:http over keep-alive sockets: no new TCP connection per case, and header values go out byte for byte
 * (superagent and fetch would normalise some of them). Every request fails after `timeoutMs` without an answer.
 */
export class FuzzClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    private readonly port: number,
    private readonly timeoutMs = 5000,
  ) {}

  async send(request: FuzzRequest): Promise<Answer> {
    try {
      return await this.once(request);
    } catch (error) {
      // The documented keep-alive race: the server closed an idle socket as it was being reused. A fresh socket
      // gets the request once more; a server that resets the connection on this input fails the second try too.
      if (
        (error as { reusedSocket?: boolean }).reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET'
      ) {
        return this.once(request);
      }
      throw error;
    }
  }

  private once({ method, path, authorization, contentType, body }: FuzzRequest): Promise<Answer> {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (payload !== undefined || method === 'POST') headers['content-length'] = String(payload?.length ?? 0);
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(Object.assign(error, { reusedSocket: req.reusedSocket }));
        else resolve(answer!);
      };
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => finish(error));
          res.on('end', () =>
            finish(undefined, {
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      const timer = setTimeout(() => {
        finish(new Error(`no complete answer within ${this.timeoutMs} ms (hang)`));
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (error) => finish(error));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header values Node can send

/** Whether Node's HTTP client accepts `value` as a header value (visible ASCII, space, tab, obs-text 0x80-0xff). */
export function canSend(value: string): boolean {
  try {
    http.validateHeaderValue('authorization', value);
    return true;
  } catch {
    return false;
  }
}

const sendableChar = (char: string): boolean => canSend(char);

/**
 * A string as a client would put it on the wire: UTF-8 bytes, which Node's server reads back as latin1 characters;
 * bytes Node's client refuses (controls but tab, DEL) are dropped.
 */
export const asWireLatin1 = (value: string): string =>
  [...Buffer.from(value, 'utf8').toString('latin1')].filter(sendableChar).join('');

/** The latin1 characters Node sends in a header value, weighted towards visible ASCII. */
export const headerChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\t') },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)) },
);

export const BASE64URL_ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

const base64urlChar = fc.constantFrom(...BASE64URL_ALPHABET);

/** Characters that matter to a token parser. */
const trickyChar = fc.constantFrom(
  '.',
  '=',
  '+',
  '/',
  '-',
  '_',
  ' ',
  '\t',
  '%',
  '"',
  "'",
  '\\',
  ',',
  ';',
  ':',
  '\u00a0',
  '\u00ff',
  '\u0080',
  '~',
  '*',
);

/** One character to put into a token: mostly its own alphabet, then tricky ones, then any sendable one. */
export const tokenChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: base64urlChar },
  { weight: 2, arbitrary: trickyChar },
  { weight: 1, arbitrary: headerChar },
);

/** Fully random header values: latin1, unicode as UTF-8 bytes, unicode with the unsendable characters dropped. */
export const randomHeaderValue: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: headerChar, maxLength: 300 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map(asWireLatin1) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }).map(asWireLatin1) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary-ascii', maxLength: 120 })
        .map((value) => [...value].filter(sendableChar).join('')),
    },
  )
  .filter(canSend);

/** The scheme as clients get it right or wrong. */
export const schemeVariant: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('Bearer') },
  { weight: 3, arbitrary: fc.mixedCase(fc.constant('bearer')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'Basic',
      'Token',
      'JWT',
      'Bearer:',
      'Bearer,',
      'Bearer=',
      'Bear',
      'Bearerx',
      'xBearer',
      '"Bearer"',
      'Bearer\u00a0',
      'Be arer',
      'bearer;',
      'Digest',
      'Negotiate',
      'DPoP',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: headerChar, maxLength: 12 }) },
);

/** Between the scheme and the credentials, or between extra parts. */
export const separator: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(' ') },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t'), minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '\u00a0', ',', ', ', ':', '=') },
);

const optionalWhitespace = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }) },
);

/** Credentials after the scheme: random sendable strings, unicode as bytes, or base64url-looking runs. */
const randomCredentials: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: headerChar, maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: tokenChar, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(asWireLatin1) },
);

/** `<scheme><sep><credentials>[<sep><more>...]`, with optional whitespace around. */
export const schemeHeaderValue: fc.Arbitrary<string> = fc
  .tuple(
    optionalWhitespace,
    schemeVariant,
    separator,
    randomCredentials,
    fc.array(fc.tuple(separator, randomCredentials), { maxLength: 3 }),
    optionalWhitespace,
  )
  .map(
    ([lead, scheme, sep, credentials, extra, trail]) =>
      `${lead}${scheme}${sep}${credentials}${extra.map(([s, c]) => s + c).join('')}${trail}`,
  )
  .filter(canSend);

const jsonSegment = (value: unknown): string => Buffer.from(JSON.stringify(value) ?? 'undefined').toString('base64url');

/** A JWT header such as an attacker would write. */
const plausibleHeader: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    alg: fc.oneof(
      fc.constantFrom(
        'HS256',
        'HS384',
        'HS512',
        'none',
        'None',
        'NONE',
        'nOnE',
        'RS256',
        'ES256',
        'PS256',
        'EdDSA',
        'hs256',
        'HS256 ',
        '',
      ),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    typ: fc.constantFrom('JWT', 'jwt', 'at+jwt', 'JOSE'),
    kid: fc.string({ maxLength: 20 }),
    jku: fc.constant('http://127.0.0.1:1/jwks.json'),
    crit: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
    b64: fc.boolean(),
  },
  { requiredKeys: ['alg'] },
);

/** Claims the demo would accept if they were signed, or close to it. */
const plausibleClaims: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    sub: fc.oneof(fc.constantFrom('test', 'admin', ''), fc.jsonValue({ maxDepth: 1 })),
    type: fc.oneof(fc.constantFrom('access', 'refresh', 'id'), fc.jsonValue({ maxDepth: 1 })),
    fresh: fc.oneof(fc.boolean(), fc.integer(), fc.jsonValue({ maxDepth: 1 })),
    jti: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })),
    sid: fc.uuid(),
    iat: fc.oneof(fc.constant(Math.floor(Date.now() / 1000)), fc.integer(), fc.double()),
    nbf: fc.oneof(fc.constant(Math.floor(Date.now() / 1000)), fc.integer()),
    exp: fc.oneof(
      fc.constant(Math.floor(Date.now() / 1000) + 900),
      fc.integer(),
      fc.constant(1e308),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);

/** The content of one token segment. */
export const segmentContent: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: base64urlChar, maxLength: 120 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(jsonSegment) },
  { weight: 2, arbitrary: fc.object({ maxDepth: 2, values: [fc.jsonValue({ maxDepth: 1 })] }).map(jsonSegment) },
  { weight: 2, arbitrary: plausibleHeader.map(jsonSegment) },
  { weight: 2, arbitrary: plausibleClaims.map(jsonSegment) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('base64url')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('base64')) },
  { weight: 1, arbitrary: fc.string({ unit: tokenChar, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constant('') },
);

/**
 * The longest header value sent. Node's HTTP parser refuses a header section over 16 KiB with a 431 before the app
 * sees the request; the random cases stay below it, and a test of its own checks the demo's JSON 431.
 */
export const MAX_HEADER_VALUE = 14_000;

/** `Bearer ` and dot-separated segments: mostly three, some of them huge (past the 8192-character limit). */
export const segmentsHeaderValue: fc.Arbitrary<string> = fc
  .tuple(
    fc
      .oneof({ weight: 6, arbitrary: fc.constant(3) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) })
      .chain((count) => fc.array(segmentContent, { minLength: count, maxLength: count })),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 7000, max: 11000 }) },
    ),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('Bearer') },
      { weight: 1, arbitrary: fc.mixedCase(fc.constant('bearer')) },
    ),
  )
  .map(([segments, pad, scheme]) => `${scheme} ${segments.join('.')}${'A'.repeat(pad)}`)
  .filter((value) => value.length <= MAX_HEADER_VALUE && canSend(value));

// ---------------------------------------------------------------------------------------------------------------
// Token mutations

export type Mutation =
  | { op: 'replace'; at: number; char: string }
  | { op: 'insert'; at: number; char: string }
  | { op: 'delete'; at: number; count: number }
  | { op: 'flip-bit'; at: number; bit: number }
  | { op: 'toggle-case'; at: number }
  | { op: 'swap-segments'; i: number; j: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate-segment'; i: number }
  | { op: 'drop-segment'; i: number }
  | { op: 'set-segment'; i: number; value: string }
  | { op: 'splice-other'; i: number }
  | { op: 'reencode'; style: 'padding' | 'standard' | 'standard-padding' }
  | { op: 'concat-other'; sep: string }
  | { op: 'wrap'; left: string; right: string };

const position = fc.nat({ max: 0xffff });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: position, char: tokenChar }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, char: tokenChar }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 4 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('flip-bit' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toggle-case' as const), at: position }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('swap-segments' as const), i: fc.nat({ max: 3 }), j: fc.nat({ max: 3 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate-segment' as const), i: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop-segment' as const), i: fc.nat({ max: 3 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('set-segment' as const), i: fc.nat({ max: 2 }), value: segmentContent }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('splice-other' as const), i: fc.nat({ max: 2 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('reencode' as const),
      style: fc.constantFrom('padding' as const, 'standard' as const, 'standard-padding' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('concat-other' as const), sep: fc.constantFrom('', '.', '..', ' ', ',') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('wrap' as const),
      left: fc.constantFrom('', '"', "'", '<', '{', '.', ' '),
      right: fc.constantFrom('', '"', "'", '>', '}', '.', '=', '=='),
    }),
  },
);

const toStandardBase64 = (segment: string): string => segment.replaceAll('-', '+').replaceAll('_', '/');
const padded = (segment: string): string => segment + '='.repeat((4 - (segment.length % 4)) % 4);

/** Applies one mutation; `other` is the other token of the login (access for refresh and the reverse). */
export function mutate(token: string, other: string, m: Mutation): string {
  const segments = token.split('.');
  const segmentIndex = (i: number) => i % segments.length;
  const at = (n: number, extra = 0) => n % (token.length + extra);
  switch (m.op) {
    case 'replace':
      return token.length === 0 ? m.char : token.slice(0, at(m.at)) + m.char + token.slice(at(m.at) + 1);
    case 'insert':
      return token.slice(0, at(m.at, 1)) + m.char + token.slice(at(m.at, 1));
    case 'delete':
      return token.length === 0 ? token : token.slice(0, at(m.at)) + token.slice(at(m.at) + m.count);
    case 'flip-bit': {
      if (token.length === 0) return token;
      const i = at(m.at);
      return token.slice(0, i) + String.fromCharCode((token.charCodeAt(i) ^ (1 << m.bit)) & 0xff) + token.slice(i + 1);
    }
    case 'toggle-case': {
      if (token.length === 0) return token;
      const i = at(m.at);
      const char = token[i]!;
      const toggled = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
      return token.slice(0, i) + toggled + token.slice(i + 1);
    }
    case 'swap-segments': {
      const copy = [...segments];
      const [i, j] = [segmentIndex(m.i), segmentIndex(m.j)];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy.join('.');
    }
    case 'truncate':
      return token.slice(0, at(m.at));
    case 'duplicate-segment': {
      const i = segmentIndex(m.i);
      return [...segments.slice(0, i + 1), segments[i]!, ...segments.slice(i + 1)].join('.');
    }
    case 'drop-segment':
      return segments.filter((_, i) => i !== segmentIndex(m.i)).join('.');
    case 'set-segment':
      return segments.map((segment, i) => (i === segmentIndex(m.i) ? m.value : segment)).join('.');
    case 'splice-other': {
      const theirs = other.split('.');
      return segments.map((segment, i) => (i === segmentIndex(m.i) ? (theirs[i] ?? segment) : segment)).join('.');
    }
    case 'reencode':
      return segments
        .map((segment) =>
          m.style === 'padding'
            ? padded(segment)
            : m.style === 'standard'
              ? toStandardBase64(segment)
              : padded(toStandardBase64(segment)),
        )
        .join('.');
    case 'concat-other':
      return token + m.sep + other;
    case 'wrap':
      return m.left + token + m.right;
  }
}

export interface MutatedTokenCase {
  token: 'access' | 'refresh';
  route: number;
  mutations: Mutation[];
  scheme: string;
  sep: string;
}

export const mutatedTokenCase = (routes: number): fc.Arbitrary<MutatedTokenCase> =>
  fc.record({
    token: fc.constantFrom('access' as const, 'refresh' as const),
    route: fc.nat({ max: routes - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    scheme: fc.oneof(
      { weight: 8, arbitrary: fc.constant('Bearer') },
      { weight: 2, arbitrary: fc.mixedCase(fc.constant('bearer')) },
    ),
    sep: fc.oneof(
      { weight: 8, arbitrary: fc.constant(' ') },
      { weight: 1, arbitrary: fc.constantFrom('  ', '\t', ' \t ') },
    ),
  });

// ---------------------------------------------------------------------------------------------------------------
// Request bodies

/** Keys a body parser or a validator might treat specially. */
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype'];

const bodyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'username',
      'password',
      'Username',
      'PASSWORD',
      'user',
      'pass',
      'access_token',
      'refresh_token',
      ...DANGEROUS_KEYS,
      'toString',
      'hasOwnProperty',
      '',
    ),
  },
);

/** A field value of any JSON type and size, strings included (so a body may or may not pass validation). */
export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'test', 'TEST', 'test ', '\u0000', 'null') },
  { weight: 1, arbitrary: fc.integer({ min: 257, max: 3000 }).map((n) => 'x'.repeat(n)) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom({ $gt: '' }, { $ne: null }, ['test'], { toString: 'test' }) },
);

/** Object entries serialised by hand, so duplicate and `__proto__` keys reach the server as written. */
export const objectText = (entries: Array<readonly [string, unknown]>): string =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;

/** An object body: maybe username, maybe password, of any type, among random keys (some duplicated or dangerous). */
export const loginObjectText: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(fieldValue, { nil: undefined, freq: 5 }),
    fc.option(fieldValue, { nil: undefined, freq: 5 }),
    fc.array(fc.tuple(bodyKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
    fc.nat(),
    fc.oneof(
      { weight: 30, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 110 * 1024, max: 200 * 1024 }) },
    ),
  )
  .map(([username, password, extra, shift, pad]) => {
    const entries: Array<readonly [string, unknown]> = [...extra];
    if (pad > 0) entries.push(['padding', 'p'.repeat(pad)]);
    // Insert the credentials at a random place among the extra keys.
    if (username !== undefined) entries.splice(shift % (entries.length + 1), 0, ['username', username]);
    if (password !== undefined) entries.splice((shift >> 3) % (entries.length + 1), 0, ['password', password]);
    return objectText(entries);
  });

/**
 * How deep random bodies nest: past the 1,300 levels at which class-transformer used to overflow the stack (a 500 this
 * suite found; the demo now refuses bodies deeper than 32 levels before transforming them).
 */
export const MAX_RANDOM_NESTING = 3_000;

/** Any JSON value as a body, and arrays that wrap good credentials. */
export const jsonBodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 4, arbitrary: loginObjectText },
  // Deep nesting: parsers cope, but recursive transformers and validators may not (see MAX_RANDOM_NESTING).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 20, max: MAX_RANDOM_NESTING }), fc.boolean())
      .map(([depth, inUsername]) =>
        inUsername
          ? `{"username":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"password":"test"}`
          : `${'['.repeat(depth)}${']'.repeat(depth)}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '[{"username":"test","password":"test"}]',
      '{"username":["test"],"password":["test"]}',
      '{"credentials":{"username":"test","password":"test"}}',
      '{"username":"test","password":"test","__proto__":{"username":"x"}}',
    ),
  },
);

/** Bodies that are not JSON, or break off, or carry syntax JSON does not have. */
export const rawBodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  {
    weight: 3,
    arbitrary: fc.tuple(loginObjectText, fc.nat()).map(([text, n]) => text.slice(0, n % text.length)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        loginObjectText,
        fc.nat(),
        fc.constantFrom(',', '}', '{', ']', '"', ':', "'", '\\', '\u0000', ' ', 'x', '\u2028'),
      )
      .map(([text, n, char]) => {
        const i = n % (text.length + 1);
        return text.slice(0, i) + char + text.slice(i);
      }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{',
      '}',
      '[',
      'undefined',
      'NaN',
      'Infinity',
      '-',
      '{"username":"test","password":"test",}',
      "{'username':'test','password':'test'}",
      '{"username":"test" "password":"test"}',
      '{username:"test",password:"test"}',
      '{"username":"test","password":"test"}garbage',
      '{"username":"test","password":"hunter2-secret-password"',
      'username=test&password=test',
      '\ufeff{"username":"test","password":"test"',
      '{"a":'.repeat(200),
      '['.repeat(5000),
      '{"username":"\\ud800","password":"\\x41"}',
      '{"username":"test","password":"test"}\u0000',
      '\u0000',
      ' ',
      '\t\n',
    ),
  },
);

// ---------------------------------------------------------------------------------------------------------------
// The model: what the server must answer

/** What the guards get out of an Authorization header. */
export type Extracted =
  { kind: 'none' } | { kind: 'other-scheme' } | { kind: 'bad-header' } | { kind: 'token'; token: string; dpop?: true };

/**
 * How the demo reads an Authorization header (README, "Refusals"): Node trims spaces and tabs around the value;
 * empty means no token; the first whitespace-separated word is the scheme, matched case-insensitively; exactly one
 * more word must follow. JavaScript's `\s` (which includes U+00A0, a latin1 byte here) separates words.
 */
export function extractAsServer(value: string | undefined): Extracted {
  if (value === undefined) return { kind: 'none' };
  const received = value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (received === '') return { kind: 'none' };
  const trimmed = received.trimStart();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  // The demo has DPoP on: `DPoP <token>` is a token too (RFC 9449 section 7.1).
  const dpop = scheme.toLowerCase() === 'dpop';
  if (scheme.toLowerCase() !== 'bearer' && !dpop) return { kind: 'other-scheme' };
  const token = space === -1 ? '' : trimmed.slice(space).trim();
  if (token === '' || /\s/.test(token)) return { kind: 'bad-header' };
  return dpop ? { kind: 'token', token, dpop } : { kind: 'token', token };
}

/** What a 2xx body must be. */
export type Success =
  'identity-fresh-roles' | 'identity-fresh' | 'identity' | 'anonymous' | 'access-token' | 'login-tokens';

/** One acceptable answer: a status, and the code (refusals) or the body (successes) that goes with it. */
export interface Outcome {
  status: number;
  code?: string;
  success?: Success;
}

export type Policy = 'access' | 'fresh' | 'refresh' | 'optional';

export interface GuardedRoute {
  method: 'GET' | 'POST';
  path: string;
  policy: Policy;
}

export const GUARDED_ROUTES: readonly GuardedRoute[] = [
  { method: 'GET', path: '/protected', policy: 'access' },
  { method: 'POST', path: '/protected-fresh', policy: 'fresh' },
  { method: 'POST', path: '/refresh', policy: 'refresh' },
  { method: 'GET', path: '/optional', policy: 'optional' },
];

export interface LoginTokens {
  access: string;
  refresh: string;
}

const refusal = (code: string): Outcome => ({ status: 401, code });

/**
 * The one answer a guarded route gives. `tokens` are the only valid tokens the suite knows (a fresh access token and a
 * refresh token from POST /login); any other token is unsigned by the demo's secret, so it is `invalid_token`.
 */
export function guardOutcome(route: GuardedRoute, extracted: Extracted, tokens: LoginTokens): Outcome {
  switch (extracted.kind) {
    // The demo reads the header, then cookies (none are sent here): a header of another scheme holds no Bearer token,
    // so the guard moves on to the cookies and finds nothing either.
    case 'none':
    case 'other-scheme':
      return route.policy === 'optional' ? { status: 200, success: 'anonymous' } : refusal('authorization_required');
    case 'bad-header':
      return refusal('invalid_authorization_header');
    case 'token':
      // The demo's tokens are bearer tokens here (no proof at login): sent as DPoP, they are bound to no key.
      if (extracted.dpop && (extracted.token === tokens.access || extracted.token === tokens.refresh)) {
        return extracted.token === tokens.refresh && route.policy !== 'refresh'
          ? refusal('wrong_token_type')
          : extracted.token === tokens.access && route.policy === 'refresh'
            ? refusal('wrong_token_type')
            : refusal('dpop_binding_mismatch');
      }
      if (extracted.token === tokens.access) {
        if (route.policy === 'refresh') return refusal('wrong_token_type');
        // GET /protected shows the roles claim the demo's claims loader adds; POST /protected-fresh does not.
        const success: Success =
          route.policy === 'optional'
            ? 'identity'
            : route.policy === 'access'
              ? 'identity-fresh-roles'
              : 'identity-fresh';
        return { status: 200, success };
      }
      if (extracted.token === tokens.refresh) {
        return route.policy === 'refresh' ? { status: 200, success: 'access-token' } : refusal('wrong_token_type');
      }
      return refusal('invalid_token');
  }
}

/** What the server's JSON parser makes of a body: nothing, an error, a primitive or a container. */
export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'invalid' }
  | { kind: 'primitive'; value: unknown }
  | { kind: 'container'; value: object; dangerous: boolean };

/** `text` as the server receives it (UTF-8, so lone surrogates become U+FFFD), parsed as Express and Fastify do. */
export function parseAsServer(text: string): ParsedBody {
  const received = Buffer.from(text, 'utf8').toString('utf8');
  if (received.length === 0) return { kind: 'empty' };
  let value: unknown;
  try {
    // Both platforms' parsers drop a byte order mark.
    value = JSON.parse(received.replace(/^\ufeff/, ''));
  } catch {
    return { kind: 'invalid' };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'primitive', value };
  return { kind: 'container', value, dangerous: DANGEROUS_KEYS.some((key) => received.includes(JSON.stringify(key))) };
}

/** Express' JSON limit (100 kB); Fastify's is 1 MiB. */
const EXPRESS_BODY_LIMIT = 100 * 1024;

/** Over Express' limit, a 413 is allowed (Fastify parses the body and answers as for any other). */
const tooLargeFor = (text: string): Outcome[] =>
  Buffer.byteLength(text) > EXPRESS_BODY_LIMIT ? [{ status: 413, code: 'payload_too_large' }] : [];

const PARSE_REFUSALS: Outcome[] = [
  { status: 400, code: 'invalid_json' },
  { status: 400, code: 'bad_request' },
];

/**
 * validator.js' isLength (behind class-validator's MaxLength) counts a surrogate pair, U+FE0E and U+FE0F as one
 * character or none; near the limit the count is ambiguous, so both answers are then allowed.
 */
function lengthVerdict(value: string, max: number): 'fits' | 'too-long' | 'ambiguous' {
  if (value.length <= max) return 'fits';
  const pairs = value.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0;
  const selectors = value.match(/[\ufe0e\ufe0f]/g)?.length ?? 0;
  return value.length - pairs - selectors > max ? 'too-long' : 'ambiguous';
}

/** 'valid', 'invalid', or 'ambiguous' under LoginDto: non-empty strings of at most 256 and 1024 characters. */
export function loginVerdict(body: object): 'valid' | 'invalid' | 'ambiguous' {
  if (Array.isArray(body)) return 'invalid';
  const own = (key: string): unknown => (Object.hasOwn(body, key) ? (body as Record<string, unknown>)[key] : undefined);
  let verdict: 'valid' | 'ambiguous' = 'valid';
  for (const [key, max] of [
    ['username', 256],
    ['password', 1024],
  ] as const) {
    const value = own(key);
    if (typeof value !== 'string' || value === '') return 'invalid';
    const length = lengthVerdict(value, max);
    if (length === 'too-long') return 'invalid';
    if (length === 'ambiguous') verdict = 'ambiguous';
  }
  return verdict;
}

/** Whether POST /login will run argon2 on this body (the cost the suite keeps low). */
export function loginCostsArgon2(text: string): boolean {
  const parsed = parseAsServer(text);
  return parsed.kind === 'container' && loginVerdict(parsed.value) !== 'invalid';
}

/** Every answer POST /login may give to `text` sent as application/json. */
export function loginOutcomes(text: string): Outcome[] {
  const parsed = parseAsServer(text);
  const tooLarge = tooLargeFor(text);
  switch (parsed.kind) {
    case 'empty':
      return [...PARSE_REFUSALS, { status: 400, code: 'validation_failed' }];
    case 'invalid':
      return [{ status: 400, code: 'invalid_json' }, ...tooLarge];
    case 'primitive':
      // Express refuses a JSON primitive at the parser, Fastify hands it to the validation pipe.
      return [{ status: 400, code: 'invalid_json' }, { status: 400, code: 'validation_failed' }, ...tooLarge];
    case 'container': {
      const outcomes: Outcome[] = [...tooLarge, ...(parsed.dangerous ? PARSE_REFUSALS : [])];
      const verdict = loginVerdict(parsed.value);
      if (verdict !== 'valid') outcomes.push({ status: 400, code: 'validation_failed' });
      if (verdict !== 'invalid') {
        const { username, password } = parsed.value as Record<string, unknown>;
        outcomes.push(
          username === 'test' && password === 'test'
            ? { status: 200, success: 'login-tokens' }
            : refusal('invalid_credentials'),
        );
      }
      return outcomes;
    }
  }
}

/** Every answer POST /refresh may give to a JSON body (`text`) with this Authorization header. */
export function refreshOutcomes(text: string, authorization: string | undefined, tokens: LoginTokens): Outcome[] {
  const guard = guardOutcome(GUARDED_ROUTES[2]!, extractAsServer(authorization), tokens);
  const parsed = parseAsServer(text);
  // The body is parsed before any guard runs, so a body the parser refuses wins over the token.
  const tooLarge = tooLargeFor(text);
  switch (parsed.kind) {
    case 'empty':
      // No body on either adapter: Express reads it as {}, the demo's Fastify parser as undefined.
      return [guard];
    case 'invalid':
      return [{ status: 400, code: 'invalid_json' }, ...tooLarge];
    case 'primitive':
      return [guard, { status: 400, code: 'invalid_json' }, ...tooLarge];
    case 'container':
      return [guard, ...(parsed.dangerous ? PARSE_REFUSALS : []), ...tooLarge];
  }
}
