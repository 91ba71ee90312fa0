import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from '../../../../test/support/redis.js';
import { MemoryRevocationStore } from './memory-revocation.store.js';
import { RedisRevocationStore } from './redis-revocation.store.js';
import type {
  Revocation,
  RevocationFeed,
  RevocationStore,
  RotationOutcome,
  RotationRequest,
} from './revocation-store.interface.js';

/**
 * Two handles on one store's state: `store`, and `peer`, another instance sharing it (another app instance on the
 * same Redis prefix). For the memory store, which lives in one process, both are the same instance.
 */
interface StoreFixture {
  store: RevocationStore;
  peer: RevocationStore;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds; fails after `timeoutMs`. */
async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A feed that records what the store tells it. */
function recordingFeed(): RevocationFeed & { revocations: Revocation[]; connections: boolean[] } {
  const revocations: Revocation[] = [];
  const connections: boolean[] = [];
  return {
    revocations,
    connections,
    revoked: (revocation) => void revocations.push(revocation),
    connectionChanged: (connected) => void connections.push(connected),
  };
}

function rotation(
  overrides: Partial<RotationRequest> & Pick<RotationRequest, 'sessionId' | 'presentedJti'>,
): RotationRequest {
  return { nextJti: randomUUID(), graceMs: 0, sessionExpiresAt: nowSeconds() + 3600, now: Date.now(), ...overrides };
}

/**
 * The contract of {@link RevocationStore}, run against every implementation. `makeFixture` builds a fresh fixture per
 * test; every store it returns is closed after the test.
 */
function behavesAsRevocationStore(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`${name} (RevocationStore contract)`, () => {
    let store: RevocationStore;
    let peer: RevocationStore;

    beforeEach(async () => {
      ({ store, peer } = await makeFixture());
    });

    afterEach(async () => {
      await store.close?.();
      if (peer !== store) await peer.close?.();
    });

    describe('revoke and list', () => {
      it('lists a revoked token and a revoked session with their kind, id and expiry', async () => {
        const jti = randomUUID();
        const sid = randomUUID();
        const expiresAt = nowSeconds() + 600;
        await expect(store.revoke({ kind: 'token', id: jti, expiresAt })).resolves.toEqual({
          kind: 'token',
          id: jti,
          expiresAt,
        });
        await expect(store.revoke({ kind: 'session', id: sid, expiresAt: expiresAt + 1 })).resolves.toEqual({
          kind: 'session',
          id: sid,
          expiresAt: expiresAt + 1,
        });

        const listed = await store.list();
        expect(listed).toContainEqual({ kind: 'token', id: jti, expiresAt });
        expect(listed).toContainEqual({ kind: 'session', id: sid, expiresAt: expiresAt + 1 });
        // The other instance reads the same state.
        const seenByPeer = await peer.list();
        expect(seenByPeer).toContainEqual({ kind: 'token', id: jti, expiresAt });
        expect(seenByPeer).toContainEqual({ kind: 'session', id: sid, expiresAt: expiresAt + 1 });
      });

      it('does not list an entry whose expiry has already passed', async () => {
        const live = randomUUID();
        const dead = randomUUID();
        await sleep(1010 - (Date.now() % 1000)); // start of a second: the writes and the read below share one
        await store.revoke({ kind: 'token', id: live, expiresAt: nowSeconds() + 600 });
        await store.revoke({ kind: 'token', id: dead, expiresAt: nowSeconds() - 1 });

        const ids = (await store.list()).map((revocation) => revocation.id);
        expect(ids).toContain(live);
        expect(ids).not.toContain(dead);
      });

      it('stops listing an entry once its expiry passes', async () => {
        const jti = randomUUID();
        const expiresAt = nowSeconds() + 1;
        await store.revoke({ kind: 'token', id: jti, expiresAt });
        expect((await store.list()).map((revocation) => revocation.id)).toContain(jti);

        await sleep(expiresAt * 1000 - Date.now() + 100); // just past expiresAt
        expect((await store.list()).map((revocation) => revocation.id)).not.toContain(jti);
      }, 5000);
    });

    describe('subscribe', () => {
      it('tells the feed it is connected, then delivers revocations made by another instance', async () => {
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          expect(feed.connections).toEqual([true]);

          const jti = randomUUID();
          const expiresAt = nowSeconds() + 600;
          await peer.revoke({ kind: 'token', id: jti, expiresAt });
          await eventually(() => feed.revocations.some((revocation) => revocation.id === jti), 3000, 'delivery');
          expect(feed.revocations.filter((revocation) => revocation.id === jti)).toEqual([
            { kind: 'token', id: jti, expiresAt },
          ]);
        } finally {
          await unsubscribe();
        }
      });

      it('stops delivering once unsubscribed', async () => {
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
        const before = randomUUID();
        await peer.revoke({ kind: 'session', id: before, expiresAt: nowSeconds() + 600 });
        await eventually(() => feed.revocations.some((revocation) => revocation.id === before), 3000, 'delivery');

        await unsubscribe();
        const after = randomUUID();
        await peer.revoke({ kind: 'session', id: after, expiresAt: nowSeconds() + 600 });
        await sleep(300);
        expect(feed.revocations.map((revocation) => revocation.id)).not.toContain(after);
      });

      it('announces a detected refresh-token reuse as a session revocation', async () => {
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          const sid = randomUUID();
          const sessionExpiresAt = nowSeconds() + 3600;
          await peer.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', sessionExpiresAt }),
          );
          await peer.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c', sessionExpiresAt }),
          );
          await expect(
            peer.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt })),
          ).resolves.toBe('reused');
          await eventually(() => feed.revocations.some((revocation) => revocation.id === sid), 3000, 'delivery');
          expect(feed.revocations.filter((revocation) => revocation.id === sid)).toEqual([
            { kind: 'session', id: sid, expiresAt: sessionExpiresAt },
          ]);
        } finally {
          await unsubscribe();
        }
      });
    });

    describe('user revocation', () => {
      it('ends every registered session of the user, and of no one else, and carries validAfter', async () => {
        const identity = `user-${randomUUID()}`;
        const other = `user-${randomUUID()}`;
        const [sid1, sid2, otherSid] = [randomUUID(), randomUUID(), randomUUID()];
        const now = nowSeconds();
        await store.registerSession(identity, sid1, now + 600);
        await peer.registerSession(identity, sid2, now + 900);
        await store.registerSession(other, otherSid, now + 600);

        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          const expiresAt = now + 1200;
          const validAfter = now - 5;
          const stored = await peer.revoke({ kind: 'user', id: identity, expiresAt, validAfter });
          expect(stored).toMatchObject({ kind: 'user', id: identity, expiresAt, validAfter });
          expect([...(stored.sessionIds ?? [])].sort()).toEqual([sid1, sid2].sort());

          await eventually(() => feed.revocations.some((revocation) => revocation.id === identity), 3000, 'delivery');
          const published = feed.revocations.find((revocation) => revocation.id === identity)!;
          expect(published).toMatchObject({ kind: 'user', id: identity, expiresAt, validAfter });
          expect([...(published.sessionIds ?? [])].sort()).toEqual([sid1, sid2].sort());

          const listed = await store.list();
          expect(listed).toContainEqual(expect.objectContaining({ kind: 'user', id: identity, expiresAt, validAfter }));
          const revokedSessions = listed
            .filter((revocation) => revocation.kind === 'session')
            .map((revocation) => revocation.id);
          expect(revokedSessions).toEqual(expect.arrayContaining([sid1, sid2]));
          expect(revokedSessions).not.toContain(otherSid);
          expect(listed.map((revocation) => revocation.id)).not.toContain(other);
        } finally {
          await unsubscribe();
        }
      });

      it('never lowers validAfter when a user is revoked again with an earlier one', async () => {
        const identity = `user-${randomUUID()}`;
        const now = nowSeconds();
        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now });
        await peer.revoke({ kind: 'user', id: identity, expiresAt: now + 300, validAfter: now - 100 });
        const entries = (await store.list()).filter((revocation) => revocation.id === identity);
        expect(entries).toEqual([
          expect.objectContaining({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now }),
        ]);
      });

      it('leaves the other user able to rotate, and refuses rotation of the ended sessions', async () => {
        const identity = `user-${randomUUID()}`;
        const other = `user-${randomUUID()}`;
        const [sid, otherSid] = [randomUUID(), randomUUID()];
        const now = nowSeconds();
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b' }));
        await store.rotateRefreshToken(rotation({ sessionId: otherSid, presentedJti: 'x', nextJti: 'y' }));
        await store.registerSession(identity, sid, now + 600);
        await store.registerSession(other, otherSid, now + 600);

        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now });

        await expect(store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'b' }))).resolves.toBe(
          'revoked',
        );
        await expect(store.rotateRefreshToken(rotation({ sessionId: otherSid, presentedJti: 'y' }))).resolves.toBe(
          'rotated',
        );
      });
    });

    describe('rotateRefreshToken', () => {
      it('rotates an unknown session, then the new current jti', async () => {
        const sid = randomUUID();
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b' })),
        ).resolves.toBe('rotated');
        await expect(
          peer.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c' })),
        ).resolves.toBe('rotated');
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'c', nextJti: 'd' })),
        ).resolves.toBe('rotated');
      });

      it('without a grace window, a consumed jti is a reuse: the session is revoked and refuses every later call', async () => {
        const sid = randomUUID();
        const sessionExpiresAt = nowSeconds() + 3600;
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', sessionExpiresAt }));
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt })),
        ).resolves.toBe('reused');

        expect(await store.list()).toContainEqual({ kind: 'session', id: sid, expiresAt: sessionExpiresAt });
        // Even the token that was current is refused now, on every instance.
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'b', sessionExpiresAt })),
        ).resolves.toBe('revoked');
        await expect(
          peer.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt })),
        ).resolves.toBe('revoked');
      });

      it('within the grace window, the immediately previous jti is accepted once more and its nextJti becomes current', async () => {
        const sid = randomUUID();
        const t0 = Date.now();
        await store.rotateRefreshToken(
          rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', graceMs: 5000, now: t0 }),
        );
        await expect(
          store.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c', graceMs: 5000, now: t0 + 1000 }),
          ),
        ).resolves.toBe('rotated');
        // 'b' comes back (a retried request): grace, and 'c2' replaces 'c' as current.
        await expect(
          store.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c2', graceMs: 5000, now: t0 + 2000 }),
          ),
        ).resolves.toBe('grace');
        await expect(
          store.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'c2', nextJti: 'd', graceMs: 5000, now: t0 + 2500 }),
          ),
        ).resolves.toBe('rotated');
        expect((await store.list()).map((revocation) => revocation.id)).not.toContain(sid);
      });

      it('refuses the jti from two generations back even inside the grace window', async () => {
        const sid = randomUUID();
        const t0 = Date.now();
        await store.rotateRefreshToken(
          rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', graceMs: 5000, now: t0 }),
        );
        await store.rotateRefreshToken(
          rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c', graceMs: 5000, now: t0 + 100 }),
        );
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', graceMs: 5000, now: t0 + 200 })),
        ).resolves.toBe('reused');
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'c', graceMs: 5000, now: t0 + 300 })),
        ).resolves.toBe('revoked');
      });

      it('refuses the previous jti once the grace window has passed', async () => {
        const sid = randomUUID();
        const t0 = Date.now();
        await store.rotateRefreshToken(
          rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', graceMs: 5000, now: t0 }),
        );
        await store.rotateRefreshToken(
          rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c', graceMs: 5000, now: t0 + 1000 }),
        );
        await expect(
          store.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'b', graceMs: 5000, now: t0 + 1000 + 5001 }),
          ),
        ).resolves.toBe('reused');
        expect((await store.list()).map((revocation) => revocation.id)).toContain(sid);
      });

      it('lets exactly one of 50 concurrent calls with the same jti rotate', async () => {
        const sid = randomUUID();
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b' }));
        const stores = [store, peer];
        const outcomes = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            stores[i % 2]!.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'b', nextJti: `n${i}` })),
          ),
        );
        const count = (outcome: RotationOutcome) => outcomes.filter((o) => o === outcome).length;
        expect(count('rotated')).toBe(1);
        expect(count('grace')).toBe(0);
        expect(count('reused') + count('revoked')).toBe(49);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------

behavesAsRevocationStore('MemoryRevocationStore', async () => {
  const store = new MemoryRevocationStore();
  return { store, peer: store };
});

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('store');
const redisStore = (options: Partial<ConstructorParameters<typeof RedisRevocationStore>[0]> = {}) =>
  new RedisRevocationStore({ url: REDIS_URL, keyPrefix: prefix, ...options } as ConstructorParameters<
    typeof RedisRevocationStore
  >[0]);

describeRedis('RedisRevocationStore', () => {
  afterAll(async () => {
    await deleteKeys(prefix);
  });

  behavesAsRevocationStore('RedisRevocationStore', async () => ({ store: redisStore(), peer: redisStore() }));

  describe('Redis specifics', () => {
    const opened: RevocationStore[] = [];
    let redis: Redis;

    beforeEach(() => {
      redis = new Redis(REDIS_URL);
    });

    afterEach(async () => {
      redis.disconnect();
      for (const store of opened.splice(0)) await store.close?.();
    });

    function open(options: Partial<ConstructorParameters<typeof RedisRevocationStore>[0]> = {}): RedisRevocationStore {
      const store = redisStore(options);
      opened.push(store);
      return store;
    }

    it('answers the very first command of a fresh store (it waits for its connection, bounded)', async () => {
      const jti = randomUUID();
      const expiresAt = nowSeconds() + 600;
      await expect(open().revoke({ kind: 'token', id: jti, expiresAt })).resolves.toEqual({
        kind: 'token',
        id: jti,
        expiresAt,
      });
      await expect(open().list()).resolves.toContainEqual({ kind: 'token', id: jti, expiresAt });
      const sid = randomUUID();
      await expect(open().rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a' }))).resolves.toBe('rotated');
    });

    it('gives its keys an expiry', async () => {
      const store = open();
      const sid = randomUUID();
      const identity = `user-${randomUUID()}`;
      const expiresAt = nowSeconds() + 600;
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt });
      await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt: expiresAt }));
      await store.registerSession(identity, randomUUID(), expiresAt);

      // Keys of one session or user expire with it; the shared zset lives as long as its latest entry.
      for (const key of [`${prefix}rotation:${sid}`, `${prefix}sessions:${identity}`]) {
        const ttl = await redis.ttl(key);
        expect({ key, ttlInRange: ttl > 0 && ttl <= 600 }).toEqual({ key, ttlInRange: true });
        expect({ key, expireTime: await redis.expiretime(key) }).toEqual({ key, expireTime: expiresAt });
      }
      expect(await redis.ttl(`${prefix}revoked:token`)).toBeGreaterThan(0);
      expect(await redis.expiretime(`${prefix}revoked:token`)).toBeGreaterThanOrEqual(expiresAt);

      await store.revoke({ kind: 'user', id: identity, expiresAt, validAfter: expiresAt - 600 });
      for (const key of [`${prefix}revoked:user`, `${prefix}revoked:user:after`, `${prefix}revoked:session`]) {
        expect({ key, ttlPositive: (await redis.ttl(key)) > 0 }).toEqual({ key, ttlPositive: true });
      }
    });

    it('extends, never shortens, a key expiry when a later entry is added', async () => {
      const store = open();
      const later = nowSeconds() + 3000;
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: later });
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: later - 1000 });
      expect(await redis.expiretime(`${prefix}revoked:token`)).toBeGreaterThanOrEqual(later);
    });

    it('rejects revoke() when Redis cannot be reached, within its command timeout', async () => {
      const store = new RedisRevocationStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, commandTimeoutMs: 300 });
      opened.push(store);
      const started = Date.now();
      await expect(store.revoke({ kind: 'token', id: randomUUID(), expiresAt: nowSeconds() + 600 })).rejects.toThrow();
      await expect(
        store.rotateRefreshToken(rotation({ sessionId: randomUUID(), presentedJti: 'a' })),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses to be built without a url or a client', () => {
      expect(() => new RedisRevocationStore({} as ConstructorParameters<typeof RedisRevocationStore>[0])).toThrow(
        TypeError,
      );
    });
  });
});
