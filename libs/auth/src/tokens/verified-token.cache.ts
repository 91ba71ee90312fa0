import type { VerifiedToken } from './jwt-claims.interface.js';

/** What the cache holds of one verified token; `framed` is the token as the `Authorization` header carries it. */
export interface VerifiedTokenEntry {
  readonly token: string;
  readonly framed: string;
  readonly verified: VerifiedToken;
  readonly check: number;
  readonly trustedUntilMs?: number;
}

/**
 * The characters of a token's tail that are read: 10 characters, 60 bits of a signature (base64url carries 6 bits a
 * character). The last 5 give the entry's key, the 5 before them its check value.
 */
const HALF_TAIL = 5;

/**
 * 30 bits (a small integer: a number key costs the Map no string hashing) from the `HALF_TAIL` characters that end
 * `end` characters before the end of `text`, 6 bits each. Read with charCodeAt: no substring is built.
 */
function tailBits(text: string, end: number): number {
  const stop = text.length - end;
  let bits = 0;
  for (let index = Math.max(0, stop - HALF_TAIL); index < stop; index += 1) {
    bits = (bits << 6) ^ text.charCodeAt(index);
  }
  return bits & 0x3fffffff;
}

const keyOf = (text: string): number => tailBits(text, 0);
const checkOf = (text: string): number => tailBits(text, HALF_TAIL);

/**
 * A sequential (flat) copy of an ASCII string. A token cut from a header is a slice of that header's string, and a
 * prefixed one a concatenation: V8 compares either through its runtime; two flat strings it compares inline.
 */
function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/**
 * Tokens whose signature and claims have been verified, keyed by the exact token string (never by `jti`, so a
 * re-encoded token is a miss). A client reuses its access token for many requests, so most requests skip the HMAC.
 * Only what never changes is cached: time claims, type, freshness and revocation are checked again on every hit.
 * Bounded in entries (`maxEntries`) and in token length; the oldest entry goes first.
 *
 * A lookup reads the token's last 10 characters, which lie inside its signature (the shortest that can be cached,
 * HS256's, has 43), as a 30-bit key and a 30-bit check value, and compares the whole string only with an entry that
 * matches both: a request is never compared character by character with another client's token unless it already holds
 * 60 bits of that token's signature (no timing to learn one from). A hit still means the exact same token, and only
 * verified tokens are ever stored.
 *
 * @example
 * ```ts
 * const cache = new VerifiedTokenCache(10_000, 2048, 'Bearer ');
 * cache.set(token, verified);
 * cache.get(token); // verified
 * cache.getFramed(`Bearer ${token}`)?.verified; // verified, found from the header value itself
 * ```
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<number, VerifiedTokenEntry>();

  /**
   * @param maxEntries the bound: at most this many tokens are held (0 turns the cache off).
   * @param maxTokenLength a longer token is never cached.
   * @param frame what precedes a token in the header that usually carries it (`Bearer `), so that
   *   {@link getFramed} finds it from the header value without cutting the token out.
   * @param now the clock (ms) a remote key's trust is judged by: the injected `AuthClock`'s, `Date.now` by default.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly maxTokenLength = 2048,
    readonly frame = '',
    private readonly now: () => number = Date.now,
  ) {}

  /** The verification of this exact token, if it is held and still trusted. */
  get(token: string): VerifiedToken | undefined {
    if (this.entries.size === 0) return undefined;
    const entry = this.entries.get(keyOf(token));
    if (entry === undefined || entry.check !== checkOf(token) || entry.token !== token) return undefined;
    return this.trusted(entry)?.verified;
  }

  /**
   * The entry of the token that `text` carries after the frame (`Bearer <token>` as configured), found without cutting
   * the token out: a token's tail is the text's tail (every signed token is longer than the 10 characters read).
   * `undefined` for anything else, another spelling of the scheme included (the caller then takes its general path).
   */
  getFramed(text: string): VerifiedTokenEntry | undefined {
    if (this.entries.size === 0) return undefined;
    const entry = this.entries.get(keyOf(text));
    if (entry === undefined || entry.check !== checkOf(text) || entry.framed !== text) return undefined;
    return this.trusted(entry);
  }

  /** Holds `verified` for `token`; a token verified by a remote key is trusted until `trustedUntilMs`. */
  set(token: string, verified: VerifiedToken, trustedUntilMs?: number): void {
    if (this.maxEntries === 0 || token.length > this.maxTokenLength) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as number);
    }
    // One copy per entry: the token is a view into its framed form (V8 slices without copying).
    const framed = flat(this.frame + token);
    this.entries.set(keyOf(token), {
      token: this.frame === '' ? framed : framed.slice(this.frame.length),
      framed,
      verified,
      check: checkOf(token),
      trustedUntilMs,
    });
  }

  /** How many tokens are held. */
  get size(): number {
    return this.entries.size;
  }

  // A token verified by a remote JWKS key is verified again once that key's trust has lapsed (it may be gone).
  private trusted(entry: VerifiedTokenEntry): VerifiedTokenEntry | undefined {
    return entry.trustedUntilMs !== undefined && this.now() > entry.trustedUntilMs ? undefined : entry;
  }
}
