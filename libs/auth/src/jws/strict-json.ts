/** Why {@link parseStrictJsonObject} refused a text. */
export type StrictJsonFault = 'syntax' | 'not-object' | 'duplicate-key' | 'forbidden-key';

/** Thrown by {@link parseStrictJsonObject}; `fault` says which rule the text broke. */
export class StrictJsonError extends Error {
  constructor(readonly fault: StrictJsonFault) {
    super(`JSON refused: ${fault}`);
  }
}

// Keys that some code downstream (a deep merge, a careless spread) could turn into prototype pollution.
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `JSON.parse` for the JOSE header and the claims: the text must be a JSON object, with no key repeated in any object
 * (RFC 7515 section 4 and RFC 8725 section 3.4: `JSON.parse` silently keeps the last one, so two parsers could read
 * two different tokens) and no key named `__proto__`, `constructor` or `prototype` at any depth.
 */
export function parseStrictJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StrictJsonError('syntax');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StrictJsonError('not-object');
  // Every key written in the text becomes one key of the parsed value, except a repeated one, which JSON.parse
  // folds into the first: so the text has duplicates exactly when it names more keys than the value holds. Counting
  // avoids a set of names per object on the verification path.
  if (keysInText(text) !== keysInValue(value)) throw new StrictJsonError('duplicate-key');
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

function keysInValue(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += keysInValue(item);
    return keys;
  }
  // JSON.parse makes "__proto__" an own key (it touches no prototype), but a later merge or spread might.
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new StrictJsonError('forbidden-key');
    keys += 1 + keysInValue((value as Record<string, unknown>)[key]);
  }
  return keys;
}
