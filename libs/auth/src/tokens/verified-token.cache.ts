import type { VerifiedToken } from './jwt-claims.interface.js';

/**
 * Tokens whose signature and claims have been verified, keyed by the exact token string (never by `jti`, so a
 * re-encoded token is a miss). A client reuses its access token for many requests, so most requests skip the HMAC.
 * Only what never changes is cached: time claims, type, freshness and revocation are checked again on every hit.
 * Bounded in entries and in token length; the oldest entry goes first.
 */
export class VerifiedTokenCache {
  // Indexed by the signature segment, which is short, so a lookup hashes ~43 characters instead of the whole token;
  // the whole string is then compared, so a hit still means the exact same token.
  private readonly entries = new Map<string, { token: string; verified: VerifiedToken; trustedUntilMs?: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxTokenLength = 2048,
  ) {}

  get(token: string): VerifiedToken | undefined {
    if (this.maxEntries === 0 || this.entries.size === 0) return undefined;
    const entry = this.entries.get(token.slice(token.lastIndexOf('.') + 1));
    if (entry === undefined || entry.token !== token) return undefined;
    // A token verified by a remote JWKS key is verified again once that key's trust has lapsed (it may be gone).
    if (entry.trustedUntilMs !== undefined && Date.now() > entry.trustedUntilMs) return undefined;
    return entry.verified;
  }

  set(token: string, verified: VerifiedToken, trustedUntilMs?: number): void {
    if (this.maxEntries === 0 || token.length > this.maxTokenLength) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token.slice(token.lastIndexOf('.') + 1), { token, verified, trustedUntilMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
