/**
 * Microbenchmark of the token verification path (npm run bench), in one process, no HTTP: the library's verifier and
 * public API against a minimal HS256 verifier written here, which stands for the limit, and against jsonwebtoken with
 * the secret as a string (what @nestjs/jwt and passport-jwt do when given a string secret, as in the NestJS docs).
 * Candidates are interleaved over several rounds (order rotated each round); each run is a timed loop; medians.
 *
 * Environment: VERIFY_ROUNDS (default 5), VERIFY_SECONDS per candidate and round (default 1), VERIFY_OUT (a Markdown file).
 */
import 'reflect-metadata';
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { resolveAuthOptions } from '../libs/auth/src/options/resolved-auth-options.js';
import { TokenService } from '../libs/auth/src/tokens/token.service.js';
import { TokenVerifier } from '../libs/auth/src/tokens/token-verifier.js';
import { commandLine, machine, median, versions, writeOutput } from './bench-report.js';

const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';
const IDENTITY = 'bench-user';
const rounds = Number(process.env.VERIFY_ROUNDS ?? 5);
const seconds = Number(process.env.VERIFY_SECONDS ?? 1);
/** Calls between two clock reads; small enough for the slowest candidate (~1 ms a call) to stop on time. */
const BATCH = 8;

// ---------------------------------------------------------------------------------------------------------------
// The limit: a minimal HS256 verifier. Split, base64url-decode the signature, HMAC-SHA256 of header.payload with a
// KeyObject built once, timingSafeEqual, JSON.parse of the payload, exp check. The algorithm is pinned here (always
// HMAC-SHA256), so the header is not needed to decide; nothing else is checked.
// ---------------------------------------------------------------------------------------------------------------
const MINIMAL_KEY = createSecretKey(Buffer.from(SECRET, 'utf8'));

function minimalVerify(token: string): { sub?: unknown; exp: number } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed');
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', MINIMAL_KEY).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error('invalid signature');
  const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (typeof claims !== 'object' || claims === null) throw new Error('payload is not an object');
  const { exp } = claims as { exp?: unknown };
  if (typeof exp !== 'number' || Date.now() / 1000 >= exp) throw new Error('expired');
  return claims as { sub?: unknown; exp: number };
}

// ---------------------------------------------------------------------------------------------------------------
// Candidates. The first one is the reference for the ratios. To add one, append an entry: `verify` is what is timed,
// `subject` only reads the identity back out of its result for the sanity check before timing.
// ---------------------------------------------------------------------------------------------------------------
interface Candidate {
  name: string;
  verify: (token: string) => unknown;
  subject: (result: unknown) => unknown;
}

// The library verifier remembers verified tokens (verifiedTokenCacheSize, default 10000): with the same token in a
// loop every call after the first is a cache hit, so the uncached path is measured with the cache turned off.
const uncachedOptions = resolveAuthOptions({ secret: SECRET, verifiedTokenCacheSize: 0 });
const uncachedVerifier = new TokenVerifier(uncachedOptions);
const uncachedTokens = new TokenService(uncachedOptions, uncachedVerifier);
const defaultOptions = resolveAuthOptions({ secret: SECRET });
const defaultVerifier = new TokenVerifier(defaultOptions);

const claimsSubject = (result: unknown) => (result as { sub?: unknown }).sub;

const CANDIDATES: Candidate[] = [
  { name: 'minimal HS256 verifier (the limit)', verify: minimalVerify, subject: claimsSubject },
  {
    name: 'TokenVerifier.verify (library, no cache)',
    verify: (token) => uncachedVerifier.verify(token, { type: 'access' }),
    subject: (result) => (result as { identity: unknown }).identity,
  },
  {
    name: 'TokenService.verifyToken (public API, no cache)',
    verify: (token) => uncachedTokens.verifyToken(token, { type: 'access' }),
    subject: claimsSubject,
  },
  {
    name: 'TokenVerifier.verify (library defaults: verified-token cache hit)',
    verify: (token) => defaultVerifier.verify(token, { type: 'access' }),
    subject: (result) => (result as { identity: unknown }).identity,
  },
  {
    name: 'jsonwebtoken.verify, secret as a string (@nestjs/jwt, passport-jwt)',
    verify: (token) => jwt.verify(token, SECRET, { algorithms: ['HS256'] }),
    subject: claimsSubject,
  },
];

let sink: unknown;

/** Calls `verify` for `duration` seconds; returns calls per second. */
function timedLoop(verify: (token: string) => unknown, token: string, duration: number): number {
  const start = performance.now();
  const end = start + duration * 1000;
  let ops = 0;
  let now: number;
  do {
    for (let i = 0; i < BATCH; i += 1) sink = verify(token);
    ops += BATCH;
    now = performance.now();
  } while (now < end);
  return ops / ((now - start) / 1000);
}

function refuses(verify: (token: string) => unknown, token: string): boolean {
  try {
    verify(token);
    return false;
  } catch {
    return true;
  }
}

function main(): void {
  const token = uncachedTokens.createAccessToken(IDENTITY);
  // Sanity first: every candidate accepts the token and refuses a forged and an expired one (else it would be timed on
  // a path that does not verify).
  const claims = jwt.decode(token) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const expired = jwt.sign({ ...claims, iat: now - 120, nbf: now - 120, exp: now - 60 }, SECRET, {
    algorithm: 'HS256',
  });
  const [head, body, signature] = token.split('.') as [string, string, string];
  const forged = `${head}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  for (const candidate of CANDIDATES) {
    const subject = candidate.subject(candidate.verify(token));
    if (subject !== IDENTITY)
      throw new Error(`${candidate.name}: accepted the token but read the identity as ${String(subject)}`);
    if (!refuses(candidate.verify, forged)) throw new Error(`${candidate.name}: accepted a forged signature`);
    if (!refuses(candidate.verify, expired)) throw new Error(`${candidate.name}: accepted an expired token`);
  }

  for (const candidate of CANDIDATES) timedLoop(candidate.verify, token, Math.min(0.2, seconds)); // warm-up
  const runs = new Map<string, number[]>(CANDIDATES.map((candidate) => [candidate.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < CANDIDATES.length; i += 1) {
      const candidate = CANDIDATES[(round + i) % CANDIDATES.length]!;
      runs.get(candidate.name)!.push(timedLoop(candidate.verify, token, seconds));
    }
  }
  if (sink === undefined) throw new Error('unreachable');

  const limit = median(runs.get(CANDIDATES[0]!.name)!);
  const width = Math.max(...CANDIDATES.map((candidate) => candidate.name.length));
  for (const candidate of CANDIDATES) {
    const ops = median(runs.get(candidate.name)!);
    console.log(`${candidate.name.padEnd(width)} ${ops.toFixed(0).padStart(9)} ops/s  x${(ops / limit).toFixed(3)}`);
  }
  const table = [
    `Command: ${commandLine()}`,
    '',
    `Machine: ${machine()}.`,
    '',
    `Versions: ${versions(['@nestjs/jwt', 'jsonwebtoken'])}.`,
    '',
    `${rounds} round(s) x ${seconds} s per candidate, candidates interleaved (order rotated each round), one HS256 access token of ${token.length} characters; medians.`,
    '',
    '| verifier | median ops/s | / minimal verifier | runs (ops/s) |',
    '|---|---:|---:|---|',
    ...CANDIDATES.map((candidate) => {
      const values = runs.get(candidate.name)!;
      const ops = median(values);
      return `| ${candidate.name} | ${ops.toFixed(0)} | ${(ops / limit).toFixed(3)} | ${values.map((value) => value.toFixed(0)).join(', ')} |`;
    }),
  ].join('\n');
  console.log(`\n${table}`);
  if (process.env.VERIFY_OUT) {
    const out = resolve(process.env.VERIFY_OUT);
    writeOutput(out, `${table}\n`);
    console.log(`Table: ${out}`);
  }
}

main();
