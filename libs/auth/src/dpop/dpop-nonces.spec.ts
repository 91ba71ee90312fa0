import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DpopNonces } from './dpop-nonces.js';

describe('DpopNonces', () => {
  const nonces = new DpopNonces(createSecretKey(Buffer.alloc(32, 1)), 300);
  const t = 1_800_000_000_000;

  it('accepts its nonce during its step and the next, not after', () => {
    const nonce = nonces.current(t);
    expect(nonces.accepts(nonce, t)).toBe(true);
    expect(nonces.accepts(nonce, t + 300_000)).toBe(true);
    expect(nonces.accepts(nonce, t + 600_000)).toBe(false);
    expect(nonces.accepts(nonce, t - 300_000)).toBe(false);
  });

  it('refuses another key’s nonce, a changed one, and anything that is not one', () => {
    const other = new DpopNonces(createSecretKey(Buffer.alloc(32, 2)), 300);
    expect(nonces.accepts(other.current(t), t)).toBe(false);
    const nonce = nonces.current(t);
    expect(nonces.accepts(`${nonce.slice(0, -1)}${nonce.endsWith('A') ? 'B' : 'A'}`, t)).toBe(false);
    for (const value of [undefined, 42, '', 'x'.repeat(30), nonce + 'A']) expect(nonces.accepts(value, t)).toBe(false);
  });
});
