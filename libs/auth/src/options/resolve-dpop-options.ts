import { createSecretKey, randomBytes } from 'node:crypto';
import { DPOP_ALGORITHMS, type DpopAlgorithm, isDpopAlgorithm } from '../dpop/dpop-algorithm.js';
import { parseHtu } from '../dpop/dpop-request-target.js';
import type { DpopConfig, DpopSettings } from '../dpop/dpop-settings.js';
import { DEFAULT_REPLAY_CACHE_SIZE } from '../dpop/memory-dpop-replay.store.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import type { DpopOptions } from './dpop-options.interface.js';
import { booleanOption, implementing, nestedOptions, positiveLifetime, wholeNumber } from './option-checks.js';

const KNOWN: readonly (keyof DpopOptions)[] = [
  'required',
  'algorithms',
  'proofMaxAge',
  'clockSkew',
  'maxProofLength',
  'origin',
  'nonce',
  'replayStore',
  'replayCacheSize',
];
const DEFAULT_ALGORITHMS: readonly DpopAlgorithm[] = ['ES256', 'Ed25519', 'EdDSA', 'PS256', 'RS256'];
/** The longest proof window: a proof is meant for one request, made just before it. */
const MAX_PROOF_AGE = 600;

/**
 * Resolves `dpop`: off unless given; `true` for every default (ES256, Ed25519, EdDSA, PS256, RS256; proofs 60 s old at
 * most, 5 s ahead; 4096 characters; the request's own origin; no nonces; 100,000 proofs remembered in memory).
 */
export function resolveDpopOptions(options: AuthModuleOptions, headerScheme: string): DpopSettings {
  const given = options.dpop;
  if (given === undefined || given === false) return {};
  const dpop = nestedOptions<DpopOptions>('dpop', given === true ? {} : given, KNOWN);
  // A bare token header has no scheme to tell `DPoP` from anything else.
  if (headerScheme === '')
    throw new InvalidAuthOptionError('dpop', 'needs a headerScheme (DPoP tokens are sent as `DPoP <token>`)');
  const config: DpopConfig = {
    required: booleanOption(dpop.required ?? false, 'dpop.required'),
    algorithms: algorithmsOf(dpop.algorithms),
    proofMaxAge: proofAge(dpop.proofMaxAge ?? 60),
    clockSkew: wholeNumber(dpop.clockSkew ?? 5, 'dpop.clockSkew', 0, 300),
    maxProofLength: wholeNumber(dpop.maxProofLength ?? 4096, 'dpop.maxProofLength', 256, 65536),
    ...(dpop.origin !== undefined && { origins: originsOf(dpop.origin) }),
    ...(dpop.nonce !== undefined && dpop.nonce !== false && { nonce: nonceOf(dpop.nonce) }),
    ...(dpop.replayStore !== undefined && { replayStore: storeOf(dpop.replayStore) }),
    replayCacheSize: wholeNumber(dpop.replayCacheSize ?? DEFAULT_REPLAY_CACHE_SIZE, 'dpop.replayCacheSize', 1),
  };
  return { dpop: config };
}

function algorithmsOf(value: unknown): readonly DpopAlgorithm[] {
  if (value === undefined) return DEFAULT_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidAuthOptionError('dpop.algorithms', 'must be a non-empty array of algorithm names');
  for (const name of value) {
    if (!isDpopAlgorithm(name)) {
      throw new InvalidAuthOptionError(
        'dpop.algorithms',
        `lists ${JSON.stringify(name)}: a proof is signed with one of ${DPOP_ALGORITHMS.join(', ')} (asymmetric only)`,
      );
    }
  }
  return [...new Set(value as DpopAlgorithm[])];
}

function proofAge(value: unknown): number {
  const seconds = positiveLifetime(value, 'dpop.proofMaxAge');
  if (seconds > MAX_PROOF_AGE)
    throw new InvalidAuthOptionError('dpop.proofMaxAge', `must be at most ${MAX_PROOF_AGE} seconds`);
  return seconds;
}

function originsOf(value: unknown): ReadonlySet<string> {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidAuthOptionError('dpop.origin', 'must be an origin such as "https://api.example.com", or a list');
  return new Set(
    list.map((origin: unknown) => {
      const parsed = typeof origin === 'string' ? parseHtu(origin) : undefined;
      if (parsed === undefined || parsed.path !== '/' || /[?#]/.test(origin as string))
        throw new InvalidAuthOptionError(
          'dpop.origin',
          `must hold origins such as "https://api.example.com" (got ${JSON.stringify(origin)})`,
        );
      return parsed.origin;
    }),
  );
}

function nonceOf(value: unknown): DpopConfig['nonce'] {
  const nonce = nestedOptions<{ secret?: string | Buffer; lifetime?: unknown }>(
    'dpop.nonce',
    value === true ? {} : (value as object),
    ['secret', 'lifetime'],
  );
  const secret = nonce.secret ?? randomBytes(32);
  if ((typeof secret !== 'string' && !Buffer.isBuffer(secret)) || Buffer.byteLength(secret) < 32)
    throw new InvalidAuthOptionError('dpop.nonce.secret', 'must be a string or Buffer of at least 32 bytes');
  return {
    key: createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret),
    lifetime: positiveLifetime(nonce.lifetime ?? 300, 'dpop.nonce.lifetime'),
  };
}

function storeOf(store: unknown): NonNullable<DpopConfig['replayStore']> {
  return implementing(store, 'dpop.replayStore', 'DpopReplayStore', ['useOnce']);
}
