/**
 * What DPoP costs a guarded request (issue 28), in one process, no HTTP: `VerificationPipeline.verify` (the one path
 * every transport takes) for an unbound bearer token with DPoP off and on, and for a DPoP-bound token with a fresh
 * proof of its key (one proof decode, one asymmetric verify, one SHA-256 for `ath`, one replay-cache write). Proofs are
 * made beforehand with `dpop` (panva), one per call (each `jti` is used once), so proof making is not timed.
 * Candidates are interleaved over rounds (order rotated); each run is a timed loop; medians.
 *
 * Environment: DPOP_ROUNDS (default 3), DPOP_SECONDS per candidate and round (default 1), DPOP_OUT (a Markdown file),
 * DPOP_REDIS_URL (also time the bound path with RedisDpopReplayStore: one round trip per proof).
 */
import 'reflect-metadata';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { calculateThumbprint, generateKeyPair, generateProof, type JWSAlgorithm } from 'dpop';
// The built package, as an app imports it (its own dependencies, `cookie` among them, resolve from libs/auth).
import {
  AuthModule,
  type DpopOptions,
  type DpopRequest,
  type TokenDemand,
  TokenService,
  VerificationPipeline,
} from 'nest-jwt-extended';
import { RedisDpopReplayStore } from 'nest-jwt-extended/redis';
import { commandLine, machine, median, versions, writeOutput } from './bench-report.js';

const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';
const rounds = Number(process.env.DPOP_ROUNDS ?? 3);
const seconds = Number(process.env.DPOP_SECONDS ?? 1);
const redisUrl = process.env.DPOP_REDIS_URL;
const HOST = 'bench.local';
const HTU = `http://${HOST}/protected`;
const DEMAND: TokenDemand = { policy: { type: 'access' } };

interface Candidate {
  name: string;
  /** One verification; a promise when the pipeline had to wait (the Redis replay cache). */
  call: () => unknown;
}

async function app(dpop: boolean | DpopOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AuthModule.forRoot({ secret: SECRET, dpop }), { logger: false });
}

/** A bearer candidate: the same request object every call, as a client reusing its token. */
function bearer(context: INestApplicationContext): Candidate['call'] {
  const pipeline = context.get(VerificationPipeline);
  const token = context.get(TokenService).createAccessToken('bench-user');
  const request = { method: 'GET', url: '/protected', headers: { host: HOST, authorization: `Bearer ${token}` } };
  return () => pipeline.verify(request, DEMAND);
}

/** A bound candidate: a fresh request with a fresh proof every call, from `count` proofs made beforehand. */
async function bound(context: INestApplicationContext, alg: JWSAlgorithm, count: number): Promise<Candidate['call']> {
  const pipeline = context.get(VerificationPipeline);
  const keys = await generateKeyPair(alg, { extractable: true });
  const token = context.get(TokenService).createAccessToken('bench-user', {
    dpopJkt: await calculateThumbprint(keys.publicKey),
  });
  const proofs: string[] = [];
  for (let i = 0; i < count; i += 1) proofs.push(await generateProof(keys, HTU, 'GET', undefined, token));
  let next = 0;
  return () => {
    const proof = proofs[next++];
    if (proof === undefined) throw new Error(`${alg}: ran out of proofs; raise the count`);
    const request: DpopRequest = {
      method: 'GET',
      url: '/protected',
      headers: { host: HOST, authorization: `DPoP ${token}`, dpop: proof },
    };
    return pipeline.verify(request, DEMAND);
  };
}

/** Calls for `duration` seconds, one after the other (awaiting any promise); returns calls per second. */
async function timedLoop(call: Candidate['call'], duration: number): Promise<number> {
  const start = performance.now();
  const end = start + duration * 1000;
  let ops = 0;
  let now: number;
  do {
    for (let i = 0; i < 8; i += 1) {
      const result = call();
      if (result instanceof Promise) await result;
    }
    ops += 8;
    now = performance.now();
  } while (now < end);
  return ops / ((now - start) / 1000);
}

async function main(): Promise<void> {
  const off = await app(false);
  const on = await app(true);
  const redis = redisUrl
    ? await app({ replayStore: new RedisDpopReplayStore({ url: redisUrl, keyPrefix: `bench:dpop:${process.pid}:` }) })
    : undefined;
  // Enough proofs for the warm-up and every round at the fastest rate this machine gives (about 10k/s for ES256).
  const proofs = Math.ceil((rounds * seconds + 0.5) * 15_000);
  const candidates: Candidate[] = [
    { name: 'bearer token, DPoP off', call: bearer(off) },
    { name: 'bearer token, DPoP on', call: bearer(on) },
    { name: 'DPoP-bound token + ES256 proof, memory replay cache', call: await bound(on, 'ES256', proofs) },
    { name: 'DPoP-bound token + Ed25519 proof, memory replay cache', call: await bound(on, 'Ed25519', proofs) },
  ];
  // The floor of the bound path: the one ES256 signature check it cannot avoid, alone.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = Buffer.from('x'.repeat(600));
  const signature = sign('sha256', signed, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  candidates.push({
    name: 'an ES256 signature check alone (crypto.verify)',
    call: () => verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
  });
  if (redis) {
    candidates.push({
      name: 'DPoP-bound token + ES256 proof, Redis replay cache',
      call: await bound(redis, 'ES256', Math.ceil((rounds * seconds + 0.5) * 6_000)),
    });
  }
  // Sanity: every candidate accepts (else it would be timed on a refusal path).
  for (const candidate of candidates) await candidate.call();
  for (const candidate of candidates) await timedLoop(candidate.call, Math.min(0.25, seconds));
  const runs = new Map<string, number[]>(candidates.map((candidate) => [candidate.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[(round + i) % candidates.length]!;
      runs.get(candidate.name)!.push(await timedLoop(candidate.call, seconds));
    }
  }
  const base = median(runs.get(candidates[0]!.name)!);
  const lines = [
    `Command: ${commandLine()}`,
    '',
    `Machine: ${machine()}.`,
    '',
    `Versions: ${versions(['@nestjs/core', 'dpop'])}.`,
    '',
    `${rounds} round(s) x ${seconds} s per candidate, interleaved; VerificationPipeline.verify, no HTTP; medians.`,
    '',
    '| candidate | median calls/s | us per call | extra us over a bearer token (DPoP off) | runs (calls/s) |',
    '|---|---|---|---|---|',
    ...candidates.map(({ name }) => {
      const ops = median(runs.get(name)!);
      const extra = 1e6 / ops - 1e6 / base;
      return `| ${name} | ${Math.round(ops).toLocaleString('en')} | ${(1e6 / ops).toFixed(1)} | ${extra.toFixed(1)} | ${runs
        .get(name)!
        .map((value) => Math.round(value).toLocaleString('en'))
        .join(', ')} |`;
    }),
  ];
  const table = lines.join('\n');
  console.log(table);
  if (process.env.DPOP_OUT) writeOutput(process.env.DPOP_OUT, `${table}\n`);
  await Promise.all([off.close(), on.close(), redis?.close()]);
}

await main();
