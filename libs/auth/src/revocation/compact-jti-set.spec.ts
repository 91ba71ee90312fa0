import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CompactJtiSet } from './compact-jti-set.js';

describe('CompactJtiSet', () => {
  it('knows what was added and nothing else', () => {
    const set = new CompactJtiSet();
    const added = Array.from({ length: 500 }, () => randomUUID());
    for (const jti of added) set.add(jti, 2_000_000_000);
    expect(set.size).toBe(500);
    for (const jti of added) expect(set.has(jti)).toBe(true);
    for (let i = 0; i < 500; i += 1) expect(set.has(randomUUID())).toBe(false);
  });

  it('grows past its initial capacity without losing entries', () => {
    const set = new CompactJtiSet(16);
    const added = Array.from({ length: 20_000 }, () => randomUUID());
    for (const jti of added) set.add(jti, 2_000_000_000);
    expect(set.size).toBe(20_000);
    expect(added.every((jti) => set.has(jti))).toBe(true);
  });

  it('finds entries that collide on their first word (linear probing)', () => {
    const set = new CompactJtiSet(16);
    const jtis = [
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      '00000010-0000-4000-8000-000000000003',
    ];
    for (const jti of jtis) set.add(jti, 2_000_000_000);
    for (const jti of jtis) expect(set.has(jti)).toBe(true);
    expect(set.has('00000000-0000-4000-8000-000000000004')).toBe(false);
  });

  it('counts a jti added twice once', () => {
    const set = new CompactJtiSet();
    const jti = randomUUID();
    set.add(jti, 100);
    set.add(jti, 200);
    expect(set.size).toBe(1);
  });

  it('stays exact for jtis that are not canonical lower-case UUIDs', () => {
    const set = new CompactJtiSet();
    const lower = randomUUID();
    set.add(lower.toUpperCase(), 2_000_000_000);
    set.add('my-own-token-id', 2_000_000_000);
    set.add('', 2_000_000_000);
    expect(set.has(lower.toUpperCase())).toBe(true);
    expect(set.has(lower)).toBe(false);
    expect(set.has('my-own-token-id')).toBe(true);
    expect(set.has('my-own-token-iD')).toBe(false);
    expect(set.has('')).toBe(true);
    expect(set.has('g0000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it('sweeps out what has expired and keeps the rest, in both representations', () => {
    const set = new CompactJtiSet(16);
    const dead = Array.from({ length: 300 }, () => randomUUID());
    const live = Array.from({ length: 300 }, () => randomUUID());
    for (const jti of dead) set.add(jti, 1_000);
    for (const jti of live) set.add(jti, 5_000);
    set.add('other-dead', 1_000);
    set.add('other-live', 5_000);
    set.sweep(1_000);
    expect(set.size).toBe(301);
    expect(dead.some((jti) => set.has(jti))).toBe(false);
    expect(live.every((jti) => set.has(jti))).toBe(true);
    expect(set.has('other-dead')).toBe(false);
    expect(set.has('other-live')).toBe(true);
  });

  it('keeps the later expiry when a jti is revoked again', () => {
    const set = new CompactJtiSet();
    const jti = randomUUID();
    set.add(jti, 5_000);
    set.add(jti, 1_000);
    set.sweep(2_000);
    expect(set.has(jti)).toBe(true);
  });

  it('tells apart UUIDs that differ in any one random hex digit (every kept bit is used)', () => {
    const set = new CompactJtiSet();
    const jti = '3f2a9c4e-7b1d-4e8a-9c2f-5d6e7f8a9b0c';
    set.add(jti, 4_000_000_000);
    const fixed = new Set([8, 13, 14, 18, 19, 23]); // dashes, the version digit and the variant digit
    let checked = 0;
    for (let i = 0; i < jti.length; i += 1) {
      if (fixed.has(i)) continue;
      const digit = jti[i] === '0' ? '1' : '0';
      const other = `${jti.slice(0, i)}${digit}${jti.slice(i + 1)}`;
      expect(set.has(other)).toBe(false);
      checked += 1;
    }
    expect(checked).toBe(30);
    expect(set.has(jti)).toBe(true);
  });
});
