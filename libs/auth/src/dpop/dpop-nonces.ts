import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

const STEP_BYTES = 6;
const MAC_BYTES = 16;

/**
 * Server nonces (RFC 9449 section 8) without state: a nonce is the number of the current time step and an HMAC of it,
 * so every instance sharing the key (`dpop.nonce.secret`) accepts every other's. A nonce is good during its step and
 * the next, so a client's nonce lasts from one to two `lifetime`s.
 *
 * @example
 * ```ts
 * const nonces = new DpopNonces(createSecretKey(randomBytes(32)), 300);
 * nonces.accepts(nonces.current(Date.now()), Date.now()); // true
 * ```
 */
export class DpopNonces {
  constructor(
    private readonly key: KeyObject,
    private readonly lifetimeSeconds: number,
  ) {}

  /** The nonce to hand out now. */
  current(nowMs: number): string {
    return this.nonceOf(this.stepOf(nowMs));
  }

  /** Whether `nonce` is the current step's or the previous one's. */
  accepts(nonce: unknown, nowMs: number): boolean {
    if (typeof nonce !== 'string' || nonce.length !== 30) return false;
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== STEP_BYTES + MAC_BYTES) return false;
    const step = bytes.readUIntBE(0, STEP_BYTES);
    const now = this.stepOf(nowMs);
    if (step !== now && step !== now - 1) return false;
    return timingSafeEqual(bytes.subarray(STEP_BYTES), this.macOf(step));
  }

  private stepOf(nowMs: number): number {
    return Math.floor(nowMs / 1000 / this.lifetimeSeconds);
  }

  private nonceOf(step: number): string {
    const bytes = Buffer.alloc(STEP_BYTES + MAC_BYTES);
    bytes.writeUIntBE(step, 0, STEP_BYTES);
    this.macOf(step).copy(bytes, STEP_BYTES);
    return bytes.toString('base64url');
  }

  private macOf(step: number): Buffer {
    return createHmac('sha256', this.key).update(`dpop-nonce:${step}`).digest().subarray(0, MAC_BYTES);
  }
}
