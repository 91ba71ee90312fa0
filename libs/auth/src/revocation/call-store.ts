import { AuthError } from '../errors/auth-error.js';
import { withTimeout } from './with-timeout.js';

/**
 * Runs one store operation with a bounded wait. Any failure, a timeout included, becomes 503
 * `revocation_unavailable` with `message`: callers never report success for something the store did not do.
 */
export async function callStore<T>(
  operation: Promise<T>,
  timeoutMs: number,
  what: string,
  message: string,
): Promise<T> {
  try {
    return await withTimeout(operation, timeoutMs, `Revocation store (${what})`);
  } catch {
    throw AuthError.unavailable(message);
  }
}
