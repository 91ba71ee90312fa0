import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import {
  deleteKeys,
  describeWithRedis,
  PrivateRedis,
  REDIS_URL,
  uniquePrefix,
} from '../../../../test/support/redis.js';
import { describeWithRedisServer, LocalRedisCluster } from '../../../../test/support/redis-cluster.js';
import { LocalSentinel } from '../../../../test/support/redis-sentinel.js';
import { TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { startUpTimeout } from '../../../../test/support/test-env.js';
import { MemoryRevocationStore } from './memory-revocation.store.js';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from './redis/redis-revocation.store.js';
import { SHARDS, shardOf } from './redis/revocation-shards.js';
import {
  MAX_LISTED_SESSIONS,
  type Revocation,
  type RevocationFeed,
  type RevocationStore,
  type RotationOutcome,
  type RotationRequest,
} from './revocation-store.interface.js';
import { epochSeconds } from '../util/epoch-seconds.js';

/**
 * Two handles on one store's state: `store`, and `peer`, another instance sharing it (another app instance on the
 * same Redis prefix). For the memory store, which lives in one process, both are the same instance.
 */
interface StoreFixture {
  store: RevocationStore;
  peer: RevocationStore;
}

/** How long revocations stay in listRecent in these tests, unless a test says otherwise. */
const RECENT_FOR = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds; fails after `timeoutMs`. */
async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
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
  return {
    nextJti: randomUUID(),
    graceMs: 0,
    sessionExpiresAt: epochSeconds() + 3600,
    now: Date.now(),
    recentFor: RECENT_FOR,
    ...overrides,
  };
}

/** Every page of `listRecent`, checked to hold at most `pageSize` entries. */
async function pagesOf(store: RevocationStore, since: number, pageSize = 1000): Promise<Revocation[][]> {
  const pages: Revocation[][] = [];
  for await (const page of store.listRecent(since, pageSize)) {
    expect(page.length).toBeLessThanOrEqual(pageSize);
    pages.push(page);
  }
  return pages;
}

async function recent(store: RevocationStore, since = 0, pageSize = 1000): Promise<Revocation[]> {
  return (await pagesOf(store, since, pageSize)).flat();
}

/** A UUID in the same shard as `id` (so one Lua script's writes meet the other's keys). */
function sameShardAs(id: string): string {
  for (;;) {
    const candidate = randomUUID();
    if (shardOf(candidate) === shardOf(id)) return candidate;
  }
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

    describe('revoke and listRecent', () => {
      it('lists a revoked token and a revoked session with their kind, id, expiry and revokedAt', async () => {
        const jti = randomUUID();
        const sid = randomUUID();
        const expiresAt = epochSeconds() + 600;
        const before = epochSeconds();
        const token = await store.revoke({ kind: 'token', id: jti, expiresAt }, RECENT_FOR);
        const session = await store.revoke({ kind: 'session', id: sid, expiresAt: expiresAt + 1 }, RECENT_FOR);
        const after = epochSeconds();
        expect(token).toEqual({ kind: 'token', id: jti, expiresAt, revokedAt: expect.any(Number) });
        expect(session).toEqual({ kind: 'session', id: sid, expiresAt: expiresAt + 1, revokedAt: expect.any(Number) });
        for (const stamped of [token, session]) {
          expect(stamped.revokedAt).toBeGreaterThanOrEqual(before);
          expect(stamped.revokedAt).toBeLessThanOrEqual(after);
        }

        const listed = await recent(store, before);
        expect(listed).toContainEqual(token);
        expect(listed).toContainEqual(session);
        // The other instance reads the same state.
        const seenByPeer = await recent(peer, before);
        expect(seenByPeer).toContainEqual(token);
        expect(seenByPeer).toContainEqual(session);
      });

      it('keeps a revokedAt it is given', async () => {
        const jti = randomUUID();
        const revokedAt = epochSeconds() - 30;
        const stored = await store.revoke({ kind: 'token', id: jti, expiresAt: epochSeconds() + 600, revokedAt }, 600);
        expect(stored.revokedAt).toBe(revokedAt);
        expect((await recent(store, revokedAt)).find((r) => r.id === jti)?.revokedAt).toBe(revokedAt);
      });

      it('reads in pages of at most pageSize entries, every entry once at least', async () => {
        const since = epochSeconds();
        const ids = Array.from({ length: 23 }, () => randomUUID());
        await Promise.all(
          ids.map((id, i) => store.revoke({ kind: i % 2 ? 'token' : 'session', id, expiresAt: since + 600 }, 600)),
        );
        const pages = await pagesOf(store, since, 4);
        expect(pages.length).toBeGreaterThanOrEqual(6);
        const listed = new Set(pages.flat().map((revocation) => revocation.id));
        for (const id of ids) expect(listed).toContain(id);
      });

      it('lists only what was revoked at or after `since`', async () => {
        const now = epochSeconds();
        const old = randomUUID();
        const fresh = randomUUID();
        await store.revoke({ kind: 'token', id: old, expiresAt: now + 600, revokedAt: now - 100 }, 600);
        await store.revoke({ kind: 'token', id: fresh, expiresAt: now + 600 }, 600);
        const sinceRecent = (await recent(store, now - 10)).map((revocation) => revocation.id);
        expect(sinceRecent).toContain(fresh);
        expect(sinceRecent).not.toContain(old);
        const sinceOlder = (await recent(store, now - 200)).map((revocation) => revocation.id);
        expect(sinceOlder).toEqual(expect.arrayContaining([old, fresh]));
      });

      it('does not list an entry whose expiry has already passed', async () => {
        const live = randomUUID();
        const dead = randomUUID();
        await sleep(1010 - (Date.now() % 1000)); // start of a second: the writes and the read below share one
        await store.revoke({ kind: 'token', id: live, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
        await store.revoke({ kind: 'token', id: dead, expiresAt: epochSeconds() - 1 }, RECENT_FOR);

        const ids = (await recent(store)).map((revocation) => revocation.id);
        expect(ids).toContain(live);
        expect(ids).not.toContain(dead);
      });

      it('stops listing an entry once its expiry passes', async () => {
        const jti = randomUUID();
        // At least a second ahead (expiry is in whole seconds): the revoke and the first read fit in it under load.
        const expiresAt = epochSeconds() + 2;
        await store.revoke({ kind: 'token', id: jti, expiresAt }, RECENT_FOR);
        expect((await recent(store)).map((revocation) => revocation.id)).toContain(jti);

        await sleep(expiresAt * 1000 - Date.now() + 100); // just past expiresAt
        expect((await recent(store)).map((revocation) => revocation.id)).not.toContain(jti);
      }, 10_000);

      it('stops listing an entry once its recentFor has passed, while it stays revoked', async () => {
        const now = epochSeconds();
        const past = randomUUID();
        const current = sameShardAs(past);
        // Revoked 10 s ago, to be listed for 5 s: already out of the recent list, not out of force.
        await store.revoke({ kind: 'token', id: past, expiresAt: now + 600, revokedAt: now - 10 }, 5);
        await store.revoke({ kind: 'token', id: current, expiresAt: now + 600 }, 600);
        const ids = (await recent(store, now - 60)).map((revocation) => revocation.id);
        expect(ids).toContain(current);
        expect(ids).not.toContain(past);
        await expect(store.isRevoked({ jti: past, identity: 'someone', issuedAt: now })).resolves.toBe(true);
      });
    });

    describe('isRevoked', () => {
      it('answers for a revoked jti, session and user, and not for anything else', async () => {
        const now = epochSeconds();
        const [jti, sid, otherJti, otherSid] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        const identity = `user-${randomUUID()}`;
        await store.revoke({ kind: 'token', id: jti, expiresAt: now + 600 }, RECENT_FOR);
        await store.revoke({ kind: 'session', id: sid, expiresAt: now + 600 }, RECENT_FOR);
        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now }, RECENT_FOR);

        const clean = { jti: otherJti, sessionId: otherSid, identity: 'someone-else', issuedAt: now - 100 };
        await expect(peer.isRevoked(clean)).resolves.toBe(false);
        await expect(peer.isRevoked({ ...clean, sessionId: undefined })).resolves.toBe(false);
        await expect(peer.isRevoked({ ...clean, jti })).resolves.toBe(true);
        await expect(peer.isRevoked({ ...clean, sessionId: sid })).resolves.toBe(true);
        // A user's revocation refuses what was issued before its valid-after, and only that.
        await expect(peer.isRevoked({ ...clean, identity, issuedAt: now - 1 })).resolves.toBe(true);
        await expect(peer.isRevoked({ ...clean, identity, issuedAt: now })).resolves.toBe(false);
        await expect(peer.isRevoked({ ...clean, identity, issuedAt: now + 5 })).resolves.toBe(false);
      });

      it('does not answer for a revocation that has expired', async () => {
        const now = epochSeconds();
        const jti = randomUUID();
        const identity = `user-${randomUUID()}`;
        await store.revoke({ kind: 'token', id: jti, expiresAt: now - 1 }, RECENT_FOR);
        await store.revoke({ kind: 'user', id: identity, expiresAt: now - 1, validAfter: now + 100 }, RECENT_FOR);
        await expect(store.isRevoked({ jti, identity: 'x', issuedAt: now })).resolves.toBe(false);
        await expect(store.isRevoked({ jti: randomUUID(), identity, issuedAt: now })).resolves.toBe(false);
      });

      it('answers for ids that are not UUIDs (foreign jtis, sessions, identities)', async () => {
        const now = epochSeconds();
        const ids = ['a', 'fifteen-chars-x', 'sixteen-chars-xy', 'seventeen-chars-x', 'ünïcödé-jti-ø', 'x'.repeat(80)];
        for (const id of ids) await store.revoke({ kind: 'token', id, expiresAt: now + 600 }, RECENT_FOR);
        for (const id of ids) {
          await expect(store.isRevoked({ jti: id, identity: 'u', issuedAt: now })).resolves.toBe(true);
        }
        await expect(store.isRevoked({ jti: 'sixteen-chars-x', identity: 'u', issuedAt: now })).resolves.toBe(false);
        const listed = (await recent(store, now)).map((revocation) => revocation.id);
        expect(listed).toEqual(expect.arrayContaining(ids));
      });
    });

    describe('sessions', () => {
      it('lists the live sessions of a user, newest first, with their times and metadata', async () => {
        const identity = `user-${randomUUID()}`;
        const now = epochSeconds();
        const [oldest, middle, newest, expired, revoked] = [
          randomUUID(),
          randomUUID(),
          randomUUID(),
          randomUUID(),
          randomUUID(),
        ];
        await store.registerSession({ sessionId: oldest, identity, createdAt: now - 30, expiresAt: now + 600 });
        await peer.registerSession({
          sessionId: middle,
          identity,
          createdAt: now - 20,
          expiresAt: now + 600,
          metadata: { userAgent: 'curl/8', ip: '10.0.0.1' },
        });
        await store.registerSession({ sessionId: newest, identity, createdAt: now - 10, expiresAt: now + 900 });
        await store.registerSession({ sessionId: expired, identity, createdAt: now - 5, expiresAt: now - 1 });
        await store.registerSession({ sessionId: revoked, identity, createdAt: now - 1, expiresAt: now + 600 });
        await store.registerSession({
          sessionId: randomUUID(),
          identity: `other-${identity}`,
          createdAt: now,
          expiresAt: now + 600,
        });
        await store.revoke({ kind: 'session', id: revoked, expiresAt: now + 600 }, RECENT_FOR);
        await peer.touchSession(identity, middle, now - 2);
        await peer.touchSession(identity, randomUUID(), now - 2); // unknown: nothing happens

        const listed = await peer.listSessions(identity, 10);
        expect(listed).toEqual([
          { sessionId: newest, identity, createdAt: now - 10, expiresAt: now + 900 },
          {
            sessionId: middle,
            identity,
            createdAt: now - 20,
            lastRefreshedAt: now - 2,
            expiresAt: now + 600,
            metadata: { userAgent: 'curl/8', ip: '10.0.0.1' },
          },
          { sessionId: oldest, identity, createdAt: now - 30, expiresAt: now + 600 },
        ]);
        expect((await store.listSessions(identity, 2)).map((session) => session.sessionId)).toEqual([newest, middle]);
        await expect(store.listSessions(`nobody-${randomUUID()}`, 10)).resolves.toEqual([]);
      });

      it(`keeps at most MAX_LISTED_SESSIONS (${MAX_LISTED_SESSIONS}) sessions of a user, the newest`, async () => {
        const identity = `user-${randomUUID()}`;
        const now = epochSeconds();
        const ids = Array.from({ length: MAX_LISTED_SESSIONS + 5 }, () => randomUUID());
        for (let i = 0; i < ids.length; i += 100) {
          await Promise.all(
            ids.slice(i, i + 100).map((sessionId, j) =>
              store.registerSession({
                sessionId,
                identity,
                createdAt: now - 5000 + i + j,
                expiresAt: now + 600 + i + j,
              }),
            ),
          );
        }
        const listed = await store.listSessions(identity, MAX_LISTED_SESSIONS + 100);
        expect(listed).toHaveLength(MAX_LISTED_SESSIONS);
        expect(listed[0]!.sessionId).toBe(ids[ids.length - 1]);
        expect(listed.map((session) => session.sessionId)).not.toContain(ids[0]);
      }, 20_000);
    });

    describe('subscribe', () => {
      it('tells the feed it is connected, then delivers revocations made by another instance', async () => {
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          expect(feed.connections).toEqual([true]);

          const jti = randomUUID();
          const expiresAt = epochSeconds() + 600;
          const stored = await peer.revoke({ kind: 'token', id: jti, expiresAt }, RECENT_FOR);
          await eventually(() => feed.revocations.some((revocation) => revocation.id === jti), 3000, 'delivery');
          expect(feed.revocations.filter((revocation) => revocation.id === jti)).toEqual([
            { kind: 'token', id: jti, expiresAt, revokedAt: stored.revokedAt },
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
        await peer.revoke({ kind: 'session', id: before, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
        await eventually(() => feed.revocations.some((revocation) => revocation.id === before), 3000, 'delivery');

        await unsubscribe();
        const after = randomUUID();
        await peer.revoke({ kind: 'session', id: after, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
        await sleep(300);
        expect(feed.revocations.map((revocation) => revocation.id)).not.toContain(after);
      });

      it('announces a detected refresh-token reuse as a session revocation, with revokedAt', async () => {
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          const sid = randomUUID();
          const sessionExpiresAt = epochSeconds() + 3600;
          await peer.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', sessionExpiresAt }),
          );
          await peer.rotateRefreshToken(
            rotation({ sessionId: sid, presentedJti: 'b', nextJti: 'c', sessionExpiresAt }),
          );
          const now = Date.now();
          await expect(
            peer.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt, now })),
          ).resolves.toBe('reused');
          await eventually(() => feed.revocations.some((revocation) => revocation.id === sid), 3000, 'delivery');
          const announced = {
            kind: 'session',
            id: sid,
            expiresAt: sessionExpiresAt,
            revokedAt: Math.floor(now / 1000),
          };
          expect(feed.revocations.filter((revocation) => revocation.id === sid)).toEqual([announced]);
          expect(await recent(store, Math.floor(now / 1000))).toContainEqual(announced);
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
        const now = epochSeconds();
        await store.registerSession({ sessionId: sid1, identity, createdAt: now - 10, expiresAt: now + 600 });
        await peer.registerSession({ sessionId: sid2, identity, createdAt: now - 5, expiresAt: now + 900 });
        await store.registerSession({ sessionId: otherSid, identity: other, createdAt: now - 5, expiresAt: now + 600 });

        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 3000, 'connectionChanged(true)');
          const expiresAt = now + 1200;
          const validAfter = now - 5;
          const stored = await peer.revoke({ kind: 'user', id: identity, expiresAt, validAfter }, RECENT_FOR);
          expect(stored).toMatchObject({ kind: 'user', id: identity, expiresAt, validAfter });
          expect(stored.revokedAt).toBeGreaterThanOrEqual(now);
          expect([...(stored.sessionIds ?? [])].sort()).toEqual([sid1, sid2].sort());

          await eventually(() => feed.revocations.some((revocation) => revocation.id === identity), 3000, 'delivery');
          const published = feed.revocations.find((revocation) => revocation.id === identity)!;
          expect(published).toMatchObject({
            kind: 'user',
            id: identity,
            expiresAt,
            validAfter,
            revokedAt: stored.revokedAt,
          });
          expect([...(published.sessionIds ?? [])].sort()).toEqual([sid1, sid2].sort());

          const listed = await recent(store, now);
          expect(listed).toContainEqual(expect.objectContaining({ kind: 'user', id: identity, expiresAt, validAfter }));
          const revokedSessions = listed
            .filter((revocation) => revocation.kind === 'session')
            .map((revocation) => revocation.id);
          expect(revokedSessions).toEqual(expect.arrayContaining([sid1, sid2]));
          expect(revokedSessions).not.toContain(otherSid);
          expect(listed.map((revocation) => revocation.id)).not.toContain(other);

          // The ended sessions are revoked in force (even for a token issued after the user's valid-after).
          for (const sessionId of [sid1, sid2]) {
            await expect(peer.isRevoked({ jti: randomUUID(), sessionId, identity, issuedAt: now + 10 })).resolves.toBe(
              true,
            );
          }
          await expect(
            peer.isRevoked({ jti: randomUUID(), sessionId: otherSid, identity: other, issuedAt: now }),
          ).resolves.toBe(false);
          await expect(store.listSessions(identity, 10)).resolves.toEqual([]);
          expect((await store.listSessions(other, 10)).map((session) => session.sessionId)).toEqual([otherSid]);
        } finally {
          await unsubscribe();
        }
      });

      it('never lowers validAfter when a user is revoked again with an earlier one', async () => {
        const identity = `user-${randomUUID()}`;
        const now = epochSeconds();
        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now }, RECENT_FOR);
        const again = await peer.revoke(
          { kind: 'user', id: identity, expiresAt: now + 300, validAfter: now - 100 },
          RECENT_FOR,
        );
        expect(again).toMatchObject({ kind: 'user', id: identity, validAfter: now });
        await expect(store.isRevoked({ jti: randomUUID(), identity, issuedAt: now - 50 })).resolves.toBe(true);
        const entries = (await recent(store, now - 5)).filter((revocation) => revocation.id === identity);
        expect(entries.length).toBeGreaterThanOrEqual(1);
        for (const entry of entries) expect(entry.validAfter).toBe(now);
      });

      it('defaults validAfter to revokedAt', async () => {
        const identity = `user-${randomUUID()}`;
        const stored = await store.revoke({ kind: 'user', id: identity, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
        expect(stored.validAfter).toBe(stored.revokedAt);
        expect(stored.sessionIds).toEqual([]);
      });

      it('leaves the other user able to rotate, and refuses rotation of the ended sessions', async () => {
        const identity = `user-${randomUUID()}`;
        const other = `user-${randomUUID()}`;
        const [sid, otherSid] = [randomUUID(), randomUUID()];
        const now = epochSeconds();
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b' }));
        await store.rotateRefreshToken(rotation({ sessionId: otherSid, presentedJti: 'x', nextJti: 'y' }));
        await store.registerSession({ sessionId: sid, identity, createdAt: now, expiresAt: now + 600 });
        await store.registerSession({ sessionId: otherSid, identity: other, createdAt: now, expiresAt: now + 600 });

        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600, validAfter: now }, RECENT_FOR);

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
        const sessionExpiresAt = epochSeconds() + 3600;
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', sessionExpiresAt }));
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt })),
        ).resolves.toBe('reused');

        expect(await recent(store)).toContainEqual({
          kind: 'session',
          id: sid,
          expiresAt: sessionExpiresAt,
          revokedAt: expect.any(Number),
        });
        await expect(store.isRevoked({ jti: 'b', sessionId: sid, identity: 'u', issuedAt: 0 })).resolves.toBe(true);
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
        expect((await recent(store)).map((revocation) => revocation.id)).not.toContain(sid);
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
        expect((await recent(store)).map((revocation) => revocation.id)).toContain(sid);
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

    describe('replaceRefreshToken', () => {
      const replacement = (sessionId: string, nextJti: string, now = Date.now()) => ({
        sessionId,
        nextJti,
        sessionExpiresAt: epochSeconds() + 3600,
        now,
      });

      it('makes the new jti the only current one, of a rotated session or one never rotated', async () => {
        const rotated = randomUUID();
        await store.rotateRefreshToken(
          rotation({ sessionId: rotated, presentedJti: 'a', nextJti: 'b', graceMs: 5000 }),
        );
        await expect(store.replaceRefreshToken!(replacement(rotated, 'up'))).resolves.toBe('replaced');
        await expect(
          peer.rotateRefreshToken(rotation({ sessionId: rotated, presentedJti: 'up', nextJti: 'c', graceMs: 5000 })),
        ).resolves.toBe('rotated');

        const fresh = randomUUID();
        await expect(peer.replaceRefreshToken!(replacement(fresh, 'up'))).resolves.toBe('replaced');
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: fresh, presentedJti: 'up', nextJti: 'x' })),
        ).resolves.toBe('rotated');
      });

      it('gives the replaced jti no grace: presenting it again is a reuse', async () => {
        const sid = randomUUID();
        await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', nextJti: 'b', graceMs: 5000 }));
        await store.replaceRefreshToken!(replacement(sid, 'up'));
        await expect(
          peer.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'b', graceMs: 5000 })),
        ).resolves.toBe('reused');
        await expect(
          store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'up', graceMs: 5000 })),
        ).resolves.toBe('revoked');
      });

      it('leaves a revoked or reuse-closed session as it is', async () => {
        const revoked = randomUUID();
        await store.revoke(
          { kind: 'session', id: revoked, expiresAt: epochSeconds() + 3600, revokedAt: epochSeconds() },
          RECENT_FOR,
        );
        await expect(peer.replaceRefreshToken!(replacement(revoked, 'up'))).resolves.toBe('revoked');

        const closed = randomUUID();
        await store.rotateRefreshToken(rotation({ sessionId: closed, presentedJti: 'a', nextJti: 'b' }));
        await store.rotateRefreshToken(rotation({ sessionId: closed, presentedJti: 'a' }));
        await expect(store.replaceRefreshToken!(replacement(closed, 'up'))).resolves.toBe('revoked');
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------

type Options = RedisRevocationStoreOptions;

behavesAsRevocationStore('MemoryRevocationStore', async () => {
  const store = new MemoryRevocationStore();
  return { store, peer: store };
});

const describeRedis = await describeWithRedis();
const describeServer = describeWithRedisServer();
const basePrefix = uniquePrefix('store');
let fixtures = 0;
/** A prefix of its own per fixture: listRecent of one test never sees another's entries. */
const freshPrefix = () => `${basePrefix}${(fixtures += 1)}:`;

/** Every key under `prefix`, on every node of `clients`. */
async function keysUnder(clients: Redis[], prefix: string): Promise<string[][]> {
  return Promise.all(clients.map((client) => client.keys(`${prefix}*`)));
}

describeRedis('RedisRevocationStore on one Redis', () => {
  afterAll(async () => {
    await deleteKeys(basePrefix);
  });

  behavesAsRevocationStore('RedisRevocationStore', async () => {
    const keyPrefix = freshPrefix();
    return {
      store: new RedisRevocationStore({ url: REDIS_URL, keyPrefix }),
      peer: new RedisRevocationStore({ url: REDIS_URL, keyPrefix }),
    };
  });

  describe('Redis specifics', () => {
    const opened: RevocationStore[] = [];
    let redis: Redis;
    let prefix: string;

    beforeEach(() => {
      redis = new Redis(REDIS_URL);
      prefix = freshPrefix();
    });

    afterEach(async () => {
      redis.disconnect();
      for (const store of opened.splice(0)) await store.close?.();
    });

    function open(options: Partial<Options> = {}): RedisRevocationStore {
      const store = new RedisRevocationStore({ url: REDIS_URL, keyPrefix: prefix, ...options } as Options);
      opened.push(store);
      return store;
    }

    it('answers the very first command of a fresh store (it waits for its connection, bounded)', async () => {
      const jti = randomUUID();
      const expiresAt = epochSeconds() + 600;
      const stored = await open().revoke({ kind: 'token', id: jti, expiresAt }, RECENT_FOR);
      expect(stored).toEqual({ kind: 'token', id: jti, expiresAt, revokedAt: expect.any(Number) });
      await expect(recent(open())).resolves.toContainEqual(stored);
      await expect(open().isRevoked({ jti, identity: 'u', issuedAt: 0 })).resolves.toBe(true);
      const sid = randomUUID();
      await expect(open().rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a' }))).resolves.toBe('rotated');
    });

    it('tells the feed its connection is lost when Redis goes silent without closing it, and back when it heals', async () => {
      const proxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
      try {
        const commandTimeoutMs = 300;
        /** The store pings its subscriber every max(1 s, commandTimeoutMs) and gives up after commandTimeoutMs. */
        const heartbeatFindsWithinMs = Math.max(1000, commandTimeoutMs) + commandTimeoutMs;
        const store = open({ url: proxy.url, commandTimeoutMs });
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        await eventually(() => feed.connections.includes(true), 5000, 'connectionChanged(true)');
        proxy.silence(); // packets dropped, no reset: only a heartbeat can tell
        const silencedAt = Date.now();
        await eventually(() => feed.connections.at(-1) === false, 5000, 'connectionChanged(false)');
        // Found by the heartbeat (within about 1.3 s; twice that leaves room for a loaded machine), not TCP's minutes.
        expect(Date.now() - silencedAt).toBeLessThan(2 * heartbeatFindsWithinMs);
        await proxy.heal();
        await eventually(() => feed.connections.at(-1) === true, 10_000, 'connectionChanged(true) after healing');
        await unsubscribe();
      } finally {
        await proxy.cut();
      }
    }, 30_000);

    it('hash-tags every key with its shard, and gives every key an expiry', async () => {
      const store = open();
      const sid = randomUUID();
      const identity = `user-${randomUUID()}`;
      const expiresAt = epochSeconds() + 600;
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt }, RECENT_FOR);
      await store.rotateRefreshToken(rotation({ sessionId: sid, presentedJti: 'a', sessionExpiresAt: expiresAt }));
      await store.registerSession({ sessionId: randomUUID(), identity, createdAt: expiresAt - 600, expiresAt });
      const identity2 = `user-${randomUUID()}`;
      await store.registerSession({
        sessionId: randomUUID(),
        identity: identity2,
        createdAt: expiresAt - 600,
        expiresAt,
      });
      await store.revoke({ kind: 'user', id: identity2, expiresAt, validAfter: expiresAt - 600 }, RECENT_FOR);

      // Keys of one session or user expire with it.
      for (const key of [`${prefix}{${shardOf(sid)}}:rot:${sid}`, `${prefix}{${shardOf(identity)}}:sess:${identity}`]) {
        expect({ key, expireTime: await redis.expiretime(key) }).toEqual({ key, expireTime: expiresAt });
      }
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(8);
      for (const key of keys) {
        expect(key).toMatch(
          new RegExp(
            `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\{\\d+\\}:(rt|rs|ru|ua|recent|sess|sinfo|rot)(:|$)`,
          ),
        );
        expect(Number(/\{(\d+)\}/.exec(key)![1])).toBeLessThan(SHARDS);
        const ttl = await redis.ttl(key);
        expect({ key, ttlPositive: ttl > 0 }).toEqual({ key, ttlPositive: true });
      }
      // The recent stream goes once its entries are no longer recent; the revoked sets with their latest entry.
      const streams = keys.filter((key) => key.endsWith(':recent'));
      for (const key of streams) expect(await redis.ttl(key)).toBeLessThanOrEqual(RECENT_FOR + 2);
    });

    it('extends, never shortens, a key expiry when a later entry is added', async () => {
      const store = open();
      const later = epochSeconds() + 3000;
      const jti = randomUUID();
      await store.revoke({ kind: 'token', id: jti, expiresAt: later }, RECENT_FOR);
      await store.revoke({ kind: 'token', id: jti, expiresAt: later - 1000 }, RECENT_FOR);
      const [key] = (await redis.keys(`${prefix}*:rt:*`)) as [string];
      expect(await redis.expiretime(key)).toBeGreaterThanOrEqual(later);
      await expect(store.isRevoked({ jti, identity: 'u', issuedAt: 0 })).resolves.toBe(true);
    });

    it('rejects every call within its command timeout when Redis cannot be reached', async () => {
      const store = new RedisRevocationStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, commandTimeoutMs: 300 });
      opened.push(store);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['revoke', () => store.revoke({ kind: 'token', id: randomUUID(), expiresAt: epochSeconds() + 600 }, 60)],
        ['rotate', () => store.rotateRefreshToken(rotation({ sessionId: randomUUID(), presentedJti: 'a' }))],
        ['isRevoked', () => store.isRevoked({ jti: randomUUID(), identity: 'u', issuedAt: 0 })],
        ['listRecent', () => recent(store)],
        ['listSessions', () => store.listSessions('u', 10)],
      ];
      for (const [what, call] of calls) {
        const started = Date.now();
        await expect(call()).rejects.toThrow();
        expect({ what, withinTimeout: Date.now() - started < 1000 }).toEqual({ what, withinTimeout: true });
      }
    });

    it('refuses to be built without a way to Redis, or with a keyPrefix holding a hash-tag brace', () => {
      expect(() => new RedisRevocationStore({} as Options)).toThrow(TypeError);
      for (const keyPrefix of ['app{1}:', 'a{', 'b}']) {
        expect(() => new RedisRevocationStore({ url: REDIS_URL, keyPrefix })).toThrow(TypeError);
        expect(() => new RedisRevocationStore({ url: REDIS_URL, keyPrefix })).toThrow(/keyPrefix/);
      }
    });

    it('never closes a client it was given', async () => {
      const client = new Redis(REDIS_URL);
      try {
        const store = new RedisRevocationStore({ client, keyPrefix: prefix });
        await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: epochSeconds() + 60 }, 60);
        await store.close();
        await expect(client.ping()).resolves.toBe('PONG');
      } finally {
        client.disconnect();
      }
    });
  });
});

describeServer('RedisRevocationStore at scale (a private Redis)', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let store: RedisRevocationStore;

  beforeAll(async () => {
    server = await PrivateRedis.start();
    redis = new Redis(server.url);
    store = new RedisRevocationStore({ url: server.url, keyPrefix: 'scale:', commandTimeoutMs: 10_000 });
  }, startUpTimeout());

  afterAll(async () => {
    await store.close();
    redis.disconnect();
    await server.stop();
  });

  it('reloads 200k recent entries in pages of at most pageSize, one bounded reply each, and completes', async () => {
    const N = 200_000;
    const since = epochSeconds();
    const expiresAt = since + 30 * 24 * 3600;
    // Seeded straight into the recent streams (as revoke() writes them), to keep the suite fast.
    for (let i = 0; i < N; i += 20_000) {
      const pipeline = redis.pipeline();
      for (let j = i; j < i + 20_000; j += 1) {
        const id = randomUUID();
        pipeline.xadd(
          `scale:{${shardOf(id)}}:recent`,
          `${since * 1000}-*`,
          'k',
          j % 2 ? 't' : 's',
          'i',
          Buffer.from(id.replaceAll('-', ''), 'hex'),
          'e',
          expiresAt,
        );
      }
      await pipeline.exec();
    }
    const started = Date.now();
    const pages = await pagesOf(store, since, 1000);
    const ids = new Set(pages.flat().map((revocation) => revocation.id));
    expect(ids.size).toBe(N);
    expect(Math.max(...pages.map((page) => page.length))).toBe(1000);
    expect(pages.length).toBeLessThanOrEqual(N / 1000 + 1);
    const { clients } = { clients: Number(/connected_clients:(\d+)/.exec(await redis.info('clients'))![1]) };
    expect(clients).toBeGreaterThan(0);
    console.log(`RedisRevocationStore: reload of ${N} entries in ${pages.length} pages, ${Date.now() - started} ms`);
  }, 90_000);
});

describeServer('RedisRevocationStore on a 3-node Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let nodes: Redis[] = [];

  beforeAll(async () => {
    cluster = await LocalRedisCluster.start();
    nodes = cluster.nodes.map((node) => new Redis(node.port, node.host));
  }, startUpTimeout(3)); // the nodes, the cluster create, cluster_state:ok

  afterAll(async () => {
    for (const node of nodes) node.disconnect();
    await cluster?.stop();
  });

  behavesAsRevocationStore('RedisRevocationStore (cluster)', async () => {
    const keyPrefix = freshPrefix();
    return {
      store: new RedisRevocationStore({ cluster: cluster.nodes, keyPrefix }),
      peer: new RedisRevocationStore({ cluster: cluster.nodes, keyPrefix }),
    };
  });

  describe('cluster specifics', () => {
    const opened: RevocationStore[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close?.();
    });

    it('spreads its keys over the three masters (every script within one slot: no CROSSSLOT)', async () => {
      const keyPrefix = freshPrefix();
      const store = new RedisRevocationStore({ cluster: cluster.nodes, keyPrefix });
      opened.push(store);
      const now = epochSeconds();
      for (let i = 0; i < 40; i += 1) {
        const identity = `user-${randomUUID()}`;
        const sessionId = randomUUID();
        await store.registerSession({ sessionId, identity, createdAt: now, expiresAt: now + 600 });
        await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: now + 600 }, RECENT_FOR);
        await store.rotateRefreshToken(rotation({ sessionId, presentedJti: 'a', nextJti: 'b' }));
        await store.rotateRefreshToken(rotation({ sessionId, presentedJti: 'a' })); // reuse: revokes the session
        await store.revoke({ kind: 'user', id: identity, expiresAt: now + 600 }, RECENT_FOR);
      }
      const perNode = await keysUnder(nodes, keyPrefix);
      for (const keys of perNode) expect(keys.length).toBeGreaterThan(0);
      expect((await recent(store, now)).length).toBeGreaterThanOrEqual(120);
    });

    it('works with a Cluster client it is given, and leaves it open', async () => {
      const client = new Cluster(cluster.nodes);
      try {
        const store = new RedisRevocationStore({ client, keyPrefix: freshPrefix() });
        const jti = randomUUID();
        await store.revoke({ kind: 'token', id: jti, expiresAt: epochSeconds() + 60 }, 60);
        await expect(store.isRevoked({ jti, identity: 'u', issuedAt: 0 })).resolves.toBe(true);
        await store.close();
        await expect(client.set(`${freshPrefix()}probe`, '1')).resolves.toBe('OK');
      } finally {
        client.disconnect();
      }
    });

    it(
      'recovers from a master restart without a new store; the feed re-subscribes and says so',
      async () => {
        const keyPrefix = freshPrefix();
        const store = new RedisRevocationStore({ cluster: cluster.nodes, keyPrefix, commandTimeoutMs: 500 });
        const peer = new RedisRevocationStore({ cluster: cluster.nodes, keyPrefix, commandTimeoutMs: 500 });
        opened.push(store, peer);
        const feed = recordingFeed();
        const unsubscribe = await store.subscribe(feed);
        try {
          await eventually(() => feed.connections.includes(true), 5000, 'connectionChanged(true)');
          // The master the feed listens on: the one with a subscribed connection.
          const lists = await Promise.all(nodes.map((node) => node.client('LIST') as Promise<string>));
          const index = lists.findIndex((list) => /sub=[1-9]/.test(list));
          expect(index).toBeGreaterThanOrEqual(0);
          const port = cluster.nodes[index]!.port;

          await cluster.restartNode(port, 300);
          await eventually(
            () => feed.connections.length >= 3 && feed.connections.slice(-1)[0] === true,
            15_000,
            're-subscription',
          );
          expect(feed.connections.slice(0, 3)).toEqual([true, false, true]);

          // Every operation works again, on the same store objects, within a bounded wait.
          const jti = randomUUID();
          const since = epochSeconds();
          await eventually(
            async () => {
              await peer.revoke({ kind: 'token', id: jti, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
              return true;
            },
            15_000,
            'revoke after restart',
          );
          await eventually(
            () => store.isRevoked({ jti, identity: 'u', issuedAt: 0 }),
            15_000,
            'isRevoked after restart',
          );
          await eventually(
            async () => (await recent(store, since)).some((revocation) => revocation.id === jti),
            15_000,
            'listRecent after restart',
          );
          await eventually(() => feed.revocations.some((revocation) => revocation.id === jti), 5000, 'delivery');
        } finally {
          await unsubscribe();
        }
      },
      startUpTimeout(2, 60_000),
    ); // the node restarted, cluster_state:ok again, then the checks
  });
});

describeServer('RedisRevocationStore through Sentinel', () => {
  let sentinel: LocalSentinel;

  beforeAll(async () => {
    sentinel = await LocalSentinel.start();
  }, startUpTimeout(2)); // the master, then the Sentinel

  afterAll(async () => {
    await sentinel?.stop();
  });

  it('finds the master through Sentinel, revokes, lists and delivers', async () => {
    const options: Options = {
      sentinel: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: sentinel.name },
      keyPrefix: 'sentinel:',
    };
    const store = new RedisRevocationStore(options);
    const peer = new RedisRevocationStore(options);
    const feed = recordingFeed();
    const unsubscribe = await store.subscribe(feed);
    try {
      await eventually(() => feed.connections.includes(true), 5000, 'connectionChanged(true)');
      const jti = randomUUID();
      const stored = await peer.revoke({ kind: 'token', id: jti, expiresAt: epochSeconds() + 600 }, RECENT_FOR);
      await expect(recent(store)).resolves.toContainEqual(stored);
      await expect(store.isRevoked({ jti, identity: 'u', issuedAt: 0 })).resolves.toBe(true);
      await eventually(() => feed.revocations.some((revocation) => revocation.id === jti), 3000, 'delivery');
      // It is the sentinel's master that holds the keys.
      const direct = new Redis(sentinel.master.url);
      try {
        expect((await direct.keys('sentinel:*')).length).toBeGreaterThan(0);
      } finally {
        direct.disconnect();
      }
    } finally {
      await unsubscribe();
      await store.close();
      await peer.close();
    }
  });
});
