import type { VerifiedToken } from './jwt-claims.interface.js';

/**
 * Tokens whose signature and claims have been verified, keyed by the exact token string (never by `jti`, so a
 * re-encoded token is a miss). A client reuses its access token for many requests, so most requests skip the HMAC.
 * Only what never changes is cached: time claims, type, freshness and revocation are checked again on every hit.
 * Bounded in entries and in token length; the oldest entry goes first.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxTokenLength = 2048,
  ) {}

  get(token: string): VerifiedToken | undefined {
    return this.maxEntries === 0 ? undefined : this.entries.get(token);
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.maxEntries === 0 || token.length > this.maxTokenLength) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, verified);
  }

  get size(): number {
    return this.entries.size;
  }
}
