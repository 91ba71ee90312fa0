/** Why {@link parseStrictJsonObject} refused a text. */
export type StrictJsonFault =
  'syntax' | 'not-object' | 'duplicate-key' | 'forbidden-key' | 'lone-surrogate' | 'number-out-of-range';

/** Thrown by {@link parseStrictJsonObject}; `fault` says which rule the text broke. */
export class StrictJsonError extends Error {
  constructor(readonly fault: StrictJsonFault) {
    super(`JSON refused: ${fault}`);
  }
}

// Keys that some code downstream (a deep merge, a careless spread) could turn into prototype pollution.
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// A surrogate escape (\uD800-\uDFFF, any case) in the text, or a raw surrogate in a text that is not well formed
// (never the case in text from a fatal UTF-8 decoder): only then can a parsed string hold a lone surrogate, so only
// then are the strings scanned. A false alarm (a well-formed pair, an escaped backslash before "ud800") costs one
// scan, never a refusal.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** `String.prototype.isWellFormed` (ES2024, Node 20; not in the ES2023 lib): O(1) on a one-byte string. */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * `JSON.parse` for the JOSE header and the claims: the text must be a JSON object, with no key repeated in any object
 * (RFC 7515 section 4 and RFC 8725 section 3.4: `JSON.parse` silently keeps the last one, so two parsers could read
 * two different tokens) and no key named `__proto__`, `constructor` or `prototype` at any depth. It must also be
 * I-JSON (RFC 7493 section 2): no string or key holding a lone UTF-16 surrogate (`"\ud800"` is well-formed JSON but
 * names no Unicode character), and no number beyond IEEE 754 double range (`1e999999`, which `JSON.parse` turns into
 * `Infinity`).
 */
export function parseStrictJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StrictJsonError('syntax');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StrictJsonError('not-object');
  // Whether strings must be scanned for lone surrogates. Cheap on the usual text (ASCII, no \u escape): one substring
  // search and an O(1) well-formedness answer.
  const strings = (text.includes('\\u') && SURROGATE_ESCAPE.test(text)) || !isWellFormed(text);
  // Every key written in the text becomes one key of the parsed value, except a repeated one, which JSON.parse
  // folds into the first: so the text has duplicates exactly when it names more keys than the value holds. Counting
  // avoids a set of names per object on the verification path.
  if (keysInText(text) !== keysInValue(value, strings)) throw new StrictJsonError('duplicate-key');
  return value as Record<string, unknown>;
}

const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

// JSON.parse has proved the text well formed, so a string followed by a colon is a key, and nothing else is.
function keysInText(text: string): number {
  let keys = 0;
  let from = 0;
  for (;;) {
    const open = text.indexOf('"', from);
    if (open === -1) return keys;
    let close = text.indexOf('"', open + 1);
    while (isEscaped(text, close)) close = text.indexOf('"', close + 1);
    let next = close + 1;
    while (isJsonSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === COLON) keys++;
    from = next;
  }
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Counts the keys of a parsed value and checks, in the same walk, the rules that need the parsed value: no forbidden
 * key, no non-finite number and, when `strings` (the text may hold a surrogate), no lone surrogate in a key or string.
 * One stack frame per level of nesting, as deep as before these checks.
 */
function keysInValue(value: object, strings: boolean): number {
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object') checkScalar(item, strings);
      else if (item !== null) keys += keysInValue(item, strings);
    }
    return keys;
  }
  // JSON.parse makes "__proto__" an own key (it touches no prototype), but a later merge or spread might.
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new StrictJsonError('forbidden-key');
    if (strings && !isWellFormed(key)) throw new StrictJsonError('lone-surrogate');
    const item: unknown = (value as Record<string, unknown>)[key];
    keys++;
    if (typeof item !== 'object') checkScalar(item, strings);
    else if (item !== null) keys += keysInValue(item, strings);
  }
  return keys;
}

function checkScalar(value: unknown, strings: boolean): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StrictJsonError('number-out-of-range');
  } else if (strings && typeof value === 'string' && !isWellFormed(value)) {
    throw new StrictJsonError('lone-surrogate');
  }
}
