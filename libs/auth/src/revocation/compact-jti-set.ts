const EMPTY = 0;
const MAX_LOAD = 0.75;
/** 32-bit words kept of each UUID. */
const WORDS = 3;

/**
 * The revoked `jti`s of the local view, and its revoked session ids (UUIDs too). A canonical lower-case UUID (what `TokenService` issues) is kept as its 96
 * random-most bits, three 32-bit words, in an open-addressing table of typed arrays: 16 bytes a slot with its expiry,
 * instead of a string and a Map entry (about 24 MB for a million entries rather than about 100 MB). A UUID v4 has 122
 * random bits; two agreeing on the 96 kept is a chance of about 1e-23 per lookup with a million revocations, and it
 * could only refuse a token, never accept one. Any other jti is kept as is, in a Map, so its lookups are exact. Each
 * entry carries its expiry (epoch seconds) so `sweep` can drop the dead ones.
 */
export class CompactJtiSet {
  private capacity: number;
  private keys: Uint32Array;
  private expiries: Uint32Array;
  private count = 0;
  private readonly others = new Map<string, number>();
  private readonly scratch = new Uint32Array(WORDS);

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, Math.ceil(initialCapacity));
    this.keys = new Uint32Array(this.capacity * WORDS);
    this.expiries = new Uint32Array(this.capacity);
  }

  get size(): number {
    return this.count + this.others.size;
  }

  /** Adds `jti` until `expiresAt`; a second add keeps the later expiry. */
  add(jti: string, expiresAt: number): void {
    const expiry = Math.max(1, Math.min(0xffffffff, Math.floor(expiresAt)));
    if (!parseUuid(jti, this.scratch)) {
      this.others.set(jti, Math.max(this.others.get(jti) ?? 0, expiry));
      return;
    }
    if (this.count + 1 > this.capacity * MAX_LOAD) this.resize(Math.ceil(this.capacity * 1.5));
    this.insert(this.scratch, expiry);
  }

  has(jti: string): boolean {
    if (this.size === 0) return false;
    if (!parseUuid(jti, this.scratch)) return this.others.has(jti);
    return this.find(this.scratch) !== -1;
  }

  /** Drops every entry whose expiry is at or before `now` (epoch seconds). */
  sweep(now: number): void {
    for (const [jti, expiry] of this.others) if (expiry <= now) this.others.delete(jti);
    let live = 0;
    for (let slot = 0; slot < this.capacity; slot += 1) if (this.expiries[slot]! > now) live += 1;
    if (live === this.count) return;
    this.resize(Math.max(1024, Math.ceil((live + 1) / MAX_LOAD) + 1), now);
  }

  private insert(words: Uint32Array, expiry: number): void {
    const capacity = this.capacity;
    for (let slot = words[0]! % capacity; ; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const current = this.expiries[slot]!;
      if (current === EMPTY) {
        this.keys.set(words, slot * WORDS);
        this.expiries[slot] = expiry;
        this.count += 1;
        return;
      }
      if (this.matches(slot, words)) {
        if (expiry > current) this.expiries[slot] = expiry;
        return;
      }
    }
  }

  private find(words: Uint32Array): number {
    const capacity = this.capacity;
    for (let slot = words[0]! % capacity; this.expiries[slot] !== EMPTY; slot = slot + 1 === capacity ? 0 : slot + 1) {
      if (this.matches(slot, words)) return slot;
    }
    return -1;
  }

  private matches(slot: number, words: Uint32Array): boolean {
    const base = slot * WORDS;
    const keys = this.keys;
    return keys[base] === words[0] && keys[base + 1] === words[1] && keys[base + 2] === words[2];
  }

  private resize(capacity: number, dropAtOrBefore = 0): void {
    const { keys, expiries, capacity: old } = this;
    this.capacity = capacity;
    this.keys = new Uint32Array(capacity * WORDS);
    this.expiries = new Uint32Array(capacity);
    this.count = 0;
    const words = new Uint32Array(WORDS);
    for (let slot = 0; slot < old; slot += 1) {
      const expiry = expiries[slot]!;
      if (expiry === EMPTY || expiry <= dropAtOrBefore) continue;
      words.set(keys.subarray(slot * WORDS, slot * WORDS + WORDS));
      this.insert(words, expiry);
    }
  }
}

/**
 * Reads a canonical lower-case UUID into three words, folding the middle two (whose version and variant bits are
 * fixed) into one, so all 96 bits kept are random in a v4 UUID; false for anything else.
 */
function parseUuid(id: string, out: Uint32Array): boolean {
  if (
    id.length !== 36 ||
    id.charCodeAt(8) !== 45 ||
    id.charCodeAt(13) !== 45 ||
    id.charCodeAt(18) !== 45 ||
    id.charCodeAt(23) !== 45
  ) {
    return false;
  }
  const a = hex(id, 0, 8);
  const b = hex(id, 9, 13);
  const c = hex(id, 14, 18);
  const d = hex(id, 19, 23);
  const e = hex(id, 24, 28);
  const f = hex(id, 28, 36);
  if (a < 0 || b < 0 || c < 0 || d < 0 || e < 0 || f < 0) return false;
  out[0] = a;
  out[1] = (b * 0x10000 + c) ^ (d * 0x10000 + e);
  out[2] = f;
  return true;
}

function hex(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}
