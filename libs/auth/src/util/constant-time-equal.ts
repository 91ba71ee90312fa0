import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (CSRF values, API keys) in time that does not depend on where they first differ. Only the
 * lengths are compared up front: the values compared here have a fixed length (a CSRF value is a UUID), so the length
 * tells an attacker nothing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
