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
  // JSON.parse has proved the text well formed, so the scan below only has to find keys, not to validate.
  scanKeys(text);
  return value as Record<string, unknown>;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

function scanKeys(text: string): void {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT) stack.push(new Set());
    else if (c === OPEN_ARRAY) stack.push(null);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) stack.pop();
    else if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) {
        if (text.charCodeAt(i) === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      const keys = stack[stack.length - 1];
      if (keys && isFollowedByColon(text, i + 1)) {
        // "\u0061" and "a" are the same key: compare decoded names.
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (FORBIDDEN_KEYS.has(key)) throw new StrictJsonError('forbidden-key');
        if (keys.has(key)) throw new StrictJsonError('duplicate-key');
        keys.add(key);
      }
    }
  }
}

function isFollowedByColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}
