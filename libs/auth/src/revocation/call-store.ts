import type { AuthError } from '../errors/auth-error.js';
import { withTimeout } from './with-timeout.js';

/** What {@link callStore} asks the view: whether the store is known down, and the 503 to answer then. */
export interface StoreHealth {
  readonly storeDown: boolean;
  unavailable(message: string): AuthError;
}

/**
 * Runs one store operation with a bounded wait. Any failure, a timeout included, becomes 503
 * `revocation_unavailable` (with `Retry-After`) with `message`: callers never report success for something the store
 * did not do. While the instance knows the store is down, the operation is not started at all and the 503 is at
 * once: requests neither wait `timeoutMs` each nor pile up on the store (its reload is the one probe).
 */
export async function callStore<T>(
  health: StoreHealth,
  operation: () => Promise<T>,
  timeoutMs: number,
  what: string,
  message: string,
): Promise<T> {
  if (health.storeDown) throw health.unavailable(message);
  try {
    return await withTimeout(operation(), timeoutMs, `Revocation store (${what})`);
  } catch {
    throw health.unavailable(message);
  }
}
