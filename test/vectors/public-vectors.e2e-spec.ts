/**
 * Issue 23: every public JOSE test vector of test/fixtures/vectors/ (Wycheproof's JWS and JWK vectors, RFC 7520's
 * signature examples) gets the answer the RFCs give, from the verifier configured as a user would configure it.
 *
 * Two decisions per vector. The JWS one, on which the vector is asserted: the steps TokenVerifier takes before the
 * claims (size, strict compact decoding, header rules, the key picked by configuration with its pinned algorithm, the
 * signature), with the payload left as bytes because the vectors sign "foo" and prose, not claim sets. And the whole
 * verifier, as the guards call it: it must only ever fail with an AuthError (never a 500), and refuse whatever the JWS
 * decision refused. A key the options refuse at start-up is a refusal of every token it would have verified.
 */
import { describe, expect, it } from '@jest/globals';
import { AuthError, invalidToken } from '../../libs/auth/src/errors/auth-error.js';
import { InvalidAuthOptionError } from '../../libs/auth/src/errors/invalid-auth-option.error.js';
import { decodeCompactJwsBytes, verifyJwsSignature } from '../../libs/auth/src/jws/compact-jws.js';
import { assertHeaderUnderstood } from '../../libs/auth/src/jws/jose-header.js';
import { JWS_ALGORITHMS } from '../../libs/auth/src/jws/jws-algorithm.js';
import type { AuthModuleOptions } from '../../libs/auth/src/options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../../libs/auth/src/options/resolved-auth-options.js';
import { TokenVerifier } from '../../libs/auth/src/tokens/token-verifier.js';
import { noteInSummary } from '../support/summary-notes.js';
import { publicVectors, type VectorCase } from './public-vectors.js';

type Decision = 'accept' | 'refuse';

/** One verifier per key configuration (a vector group shares one), or the start-up error its options raise. */
const verifiers = new Map<AuthModuleOptions, TokenVerifier | InvalidAuthOptionError>();

function verifierFor(options: AuthModuleOptions): TokenVerifier | InvalidAuthOptionError {
  let verifier = verifiers.get(options);
  if (verifier === undefined) {
    try {
      verifier = new TokenVerifier(resolveAuthOptions(options));
    } catch (error) {
      if (!(error instanceof InvalidAuthOptionError)) throw error;
      verifier = error;
    }
    verifiers.set(options, verifier);
  }
  return verifier;
}

/** Runs `step`; an AuthError is a refusal, anything else thrown fails the test (it would be a 500). */
async function judged(step: () => unknown): Promise<{ decision: Decision; why: string }> {
  try {
    await step();
    return { decision: 'accept', why: 'accepted' };
  } catch (error) {
    if (!(error instanceof AuthError)) throw new Error(`not an AuthError: ${String(error)}`, { cause: error });
    return { decision: 'refuse', why: error.message };
  }
}

/** Both decisions for one vector; the JWS one follows TokenVerifier.verifyLookedUp step by step, up to the claims. */
async function decide(vector: VectorCase): Promise<{ jws: Decision; whole: Decision; why: string }> {
  const configured = verifierFor(vector.options);
  if (configured instanceof InvalidAuthOptionError) return { jws: 'refuse', whole: 'refuse', why: configured.message };
  const verifier: TokenVerifier = configured;
  const jws = await judged(async () => {
    verifier.assertSize(vector.token);
    const decoded = decodeCompactJwsBytes(vector.token);
    assertHeaderUnderstood(decoded.header);
    const key = await verifier.keys.find(decoded.header);
    if (!verifyJwsSignature(decoded, JWS_ALGORITHMS[key.algorithm], key.key))
      throw invalidToken('Signature verification failed');
  });
  const whole = await judged(() => verifier.verify(vector.token));
  return { jws: jws.decision, whole: whole.decision, why: jws.why };
}

const VECTORS = publicVectors();
const opposite = (decision: Decision): Decision => (decision === 'accept' ? 'refuse' : 'accept');

describe('public JOSE test vectors (test/fixtures/vectors/README.md)', () => {
  const counts = { run: 0, mapped: 0, agreed: 0, disagreed: 0, notApplicable: 0 };

  it.each(VECTORS)('$name', async (vector) => {
    const { jws, whole, why } = await decide(vector);
    counts.run++;
    // The whole verifier never accepts what the JWS layer refused (and it refuses these payloads, which are no claims).
    if (jws === 'refuse') expect(whole).toBe('refuse');
    if (vector.notApplicable !== undefined) {
      counts.notApplicable++;
      return;
    }
    counts.mapped++;
    const rfcAnswer = vector.disagreement === undefined ? vector.expected : opposite(vector.expected);
    if (vector.disagreement === undefined) counts.agreed++;
    else counts.disagreed++;
    expect({ decision: jws, why }).toEqual({ decision: rfcAnswer, why: expect.any(String) });
  });

  it('ran every vector: each mapped to a decision or listed as not applicable', () => {
    expect(counts.run).toBe(VECTORS.length);
    expect(counts.mapped + counts.notApplicable).toBe(counts.run);
    noteInSummary(
      `public JOSE vectors: ${counts.run} run, ${counts.mapped} mapped (${counts.agreed} as the vector expects, ` +
        `${counts.disagreed} answered by the RFCs instead), ${counts.notApplicable} not applicable`,
    );
  });
});
