import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../util/constant-time-equal.js';

/** A Basic header longer than this is no client's credentials: refused before any decoding. */
const MAX_AUTHORIZATION_LENGTH = 2048;
/** Compared with the presented secret when the id is unknown, so both answers take the same work. */
const NO_SECRET = 'nest-jwt-extended:no-client';

/**
 * The client id an `Authorization: Basic ...` header proves against `clients` (id → secret), or `undefined`. RFC 6749
 * section 2.3.1: id and secret are form-encoded before base64; a value that does not decode is taken as it is. The
 * secrets are compared as SHA-256 digests in constant time, so neither where they differ nor their length shows, and
 * an unknown id costs the same comparison.
 */
export function authenticateClient(authorization: unknown, clients: ReadonlyMap<string, string>): string | undefined {
  if (typeof authorization !== 'string' || authorization.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const id = formDecoded(decoded.slice(0, colon));
  const secret = formDecoded(decoded.slice(colon + 1));
  const expected = clients.get(id);
  const equal = constantTimeEqual(digest(secret), digest(expected ?? NO_SECRET));
  return expected !== undefined && equal ? id : undefined;
}

function formDecoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
