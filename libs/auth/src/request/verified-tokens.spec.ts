import { describe, expect, it } from '@jest/globals';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import {
  attachVerifiedToken,
  TOKEN_LOCATION_SLOT,
  tokenLocationOfRequest,
  VERIFIED_TOKEN_SLOT,
  verifiedTokenOfRequest,
} from './verified-tokens.js';

const token = (identity: string) => ({ identity, claims: { sub: identity } }) as unknown as VerifiedToken;

describe('the verified token of a request', () => {
  it('is nothing on a request the pipeline has not accepted', () => {
    const request = { headers: {} };
    expect(verifiedTokenOfRequest(request)).toBeUndefined();
    expect(tokenLocationOfRequest(request)).toBeUndefined();
  });

  it('is kept on the request, from the header unless said otherwise', () => {
    const fromHeader = { headers: {} };
    attachVerifiedToken(fromHeader, token('alice'), 'headers');
    expect(verifiedTokenOfRequest(fromHeader)?.identity).toBe('alice');
    expect(tokenLocationOfRequest(fromHeader)).toBe('headers');

    const fromCookie = { headers: {} };
    attachVerifiedToken(fromCookie, token('bob'), 'cookies');
    expect(verifiedTokenOfRequest(fromCookie)?.identity).toBe('bob');
    expect(tokenLocationOfRequest(fromCookie)).toBe('cookies');
  });

  it('reads slots declared at start-up (null until a token is attached), as Fastify builds its requests', () => {
    const request = { headers: {}, [VERIFIED_TOKEN_SLOT]: null, [TOKEN_LOCATION_SLOT]: null };
    expect(verifiedTokenOfRequest(request)).toBeUndefined();
    expect(tokenLocationOfRequest(request)).toBeUndefined();
    attachVerifiedToken(request, token('carol'), 'headers');
    expect(verifiedTokenOfRequest(request)?.identity).toBe('carol');
    expect(tokenLocationOfRequest(request)).toBe('headers');
    // The shape is the one the request was built with: nothing was added.
    expect(Object.getOwnPropertySymbols(request)).toEqual([VERIFIED_TOKEN_SLOT, TOKEN_LOCATION_SLOT]);
  });

  it('is kept beside a request that takes no property, instead of failing it', () => {
    const frozen = Object.freeze({ headers: {} });
    expect(() => attachVerifiedToken(frozen, token('dave'), 'query_string')).not.toThrow();
    expect(verifiedTokenOfRequest(frozen)?.identity).toBe('dave');
    expect(tokenLocationOfRequest(frozen)).toBe('query_string');
  });
});
