import type { VerifiedToken } from './jwt-claims.interface.js';

interface Entry {
  token: string;
  verified: VerifiedToken;
  trustedUntilMs?: number;
}

/** 132 bits of a signature: two verified tokens that share them do not occur. */
const KEY_LENGTH = 22;

function keyOf(token: string): string {
  return token.slice(-KEY_LENGTH);
}

/**
 * Tokens whose signature and claims have been verified, keyed by the exact token string (never by `jti`, so a
 * re-encoded token is a miss). A client reuses its access token for many requests, so most requests skip the HMAC.
 * Only what never changes is cached: time claims, type, freshness and revocation are checked again on every hit.
 * Bounded in entries and in token length; the oldest entry goes first.
 */
export class VerifiedTokenCache {
  // Indexed by the token's last KEY_LENGTH characters, which lie inside the signature of every token that can be
  // cached (the shortest, HS256, has 43): a lookup hashes 22 characters and searches nothing. The whole string is then
  // compared, so a hit still means the exact same token, and only verified tokens are ever stored under a key.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxTokenLength = 2048,
  ) {}

  get(token: string): VerifiedToken | undefined {
    if (this.maxEntries === 0 || this.entries.size === 0) return undefined;
    // The whole token is compared only with an entry whose 132 signature bits it already matches: a request is never
    // compared character by character with another client's token it knows nothing of (no timing to learn one from).
    const entry = this.entries.get(keyOf(token));
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
    this.entries.set(keyOf(token), { token, verified, trustedUntilMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
