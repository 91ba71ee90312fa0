import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type { JwtClaims, JwtHeader, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type {
  Revocation,
  RevocationFeed,
  RevocationQuery,
  RevocationStore,
  RotationOutcome,
  SessionRecord,
} from './revocation-store.interface.js';
import { RELOAD_PAGE_SIZE, RELOAD_RETRY_FIRST_MS } from './revocation-sync.js';
import { MAX_REVOCATION_LISTENERS, RevocationView } from './revocation-view.js';

/** revocationTimeoutMs of the views, unless a test says otherwise. */
const TIMEOUT_MS = 200;
/**
 * revocationTimeoutMs of a test that measures one bounded wait: long enough that a loaded machine tells one wait from
 * two (the bound is twice it).
 */
const MEASURED_TIMEOUT_MS = 1000;
/** revocationTimeoutMs of a test that proves an answer did not wait for it: half of it is room enough for any answer. */
const UNWAITED_TIMEOUT_MS = 2000;
const NOW = Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store the test drives: it decides when the feed is connected, and what listRecent() and isRevoked() answer. */
class FakeStore implements RevocationStore {
  feed?: RevocationFeed;
  entries: Revocation[] = [];
  /** Whether subscribe() reports the feed connected at once. */
  connectOnSubscribe = true;
  /** When set, listRecent() rejects with it (before its first page). */
  listError?: Error;
  /** When set, listRecent() rejects after yielding this many pages. */
  failAfterPages?: number;
  /** Milliseconds each page takes. */
  pageDelayMs = 0;
  /** When set, each page of a read first waits for it (given the page's index in that read): a test holds a read. */
  beforePage?: (page: number) => Promise<void> | void;
  listCalls = 0;
  listArguments: Array<{ since: number; pageSize: number }> = [];
  /** Times (Date.now()) at which listRecent() was called. */
  listTimes: number[] = [];
  /** Reads running now, and the most seen at once. */
  activeReads = 0;
  maxActiveReads = 0;
  /** What isRevoked() was asked. */
  queries: RevocationQuery[] = [];
  /** How isRevoked() answers; by default, from `entries`. */
  isRevokedAnswer?: () => Promise<boolean>;
  readonly unsubscribe = jest.fn(async (): Promise<void> => undefined);
  readonly close = jest.fn(async (): Promise<void> => undefined);

  async revoke(revocation: Revocation): Promise<Revocation> {
    const stored = { revokedAt: NOW, ...revocation };
    this.entries.push(stored);
    this.feed?.revoked(stored);
    return stored;
  }

  async *listRecent(since: number, pageSize: number): AsyncIterable<Revocation[]> {
    this.listCalls += 1;
    this.listArguments.push({ since, pageSize });
    this.listTimes.push(Date.now());
    this.activeReads += 1;
    this.maxActiveReads = Math.max(this.maxActiveReads, this.activeReads);
    try {
      if (this.listError) throw this.listError;
      const recent = this.entries.filter((entry) => (entry.revokedAt ?? NOW) >= since).map((entry) => ({ ...entry }));
      for (let start = 0, page = 0; start < recent.length; start += pageSize, page += 1) {
        if (this.failAfterPages !== undefined && page >= this.failAfterPages) throw new Error('listRecent failed');
        if (this.beforePage) await this.beforePage(page);
        if (this.pageDelayMs > 0) await sleep(this.pageDelayMs);
        yield recent.slice(start, start + pageSize);
      }
    } finally {
      this.activeReads -= 1;
    }
  }

  async isRevoked(query: RevocationQuery): Promise<boolean> {
    this.queries.push(query);
    if (this.isRevokedAnswer) return this.isRevokedAnswer();
    return this.entries.some(
      (entry) =>
        (entry.kind === 'token' && entry.id === query.jti) ||
        (entry.kind === 'session' && entry.id === query.sessionId) ||
        (entry.kind === 'user' && entry.id === query.identity && query.issuedAt < (entry.validAfter ?? 0)),
    );
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    this.feed = feed;
    if (this.connectOnSubscribe) feed.connectionChanged(true);
    return this.unsubscribe;
  }

  async registerSession(): Promise<void> {}

  async touchSession(): Promise<void> {}

  async listSessions(): Promise<SessionRecord[]> {
    return [];
  }

  async rotateRefreshToken(): Promise<RotationOutcome> {
    return 'rotated';
  }

  /** Drives the feed's connection, as a store would on losing or regaining Redis. */
  setConnected(connected: boolean): void {
    this.feed!.connectionChanged(connected);
  }
}

/** `n` token revocations made now, each for a fresh jti. */
function tokenRevocations(n: number): Revocation[] {
  return Array.from({ length: n }, () => ({ kind: 'token', id: randomUUID(), expiresAt: NOW + 900, revokedAt: NOW }));
}

/** Whether the view passes a fresh access token synchronously (it is in sync); a pending check is left to fail. */
function answersAtOnce(view: RevocationView): boolean {
  let pending: void | Promise<void>;
  try {
    pending = view.assertNotRevoked(token());
  } catch {
    return false; // past the staleness bound: refused at once
  }
  pending?.catch(() => undefined);
  return pending === undefined;
}

/** A promise that resolves when the test opens it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Holds the read of index `read` (0: the first listRecent() of the store) before its page `page`, until released; the
 * test waits for `reached` to know that read is in flight.
 */
function holdRead(store: FakeStore, read: number, page: number): { reached: Promise<void>; release(): void } {
  const reached = gate();
  const held = gate();
  const previous = store.beforePage;
  store.beforePage = async (index) => {
    await previous?.(index);
    // One read at a time (a property the tests check): the read in flight is the last one started.
    if (store.listCalls - 1 !== read || index !== page) return;
    reached.open();
    await held.opened;
  };
  return { reached: reached.opened, release: held.open };
}

/** Retries `probe` every 10 ms until it returns true or `ms` pass. */
async function eventually(probe: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function token(overrides: Partial<JwtClaims> = {}, identity = 'alice'): VerifiedToken {
  return {
    header: { alg: 'HS256' },
    claims: {
      sub: identity,
      iat: NOW,
      // An access token lives 900 s from its iat: a longer one is checked in the store too.
      exp: (overrides.iat ?? NOW) + 900,
      jti: randomUUID(),
      type: 'access',
      fresh: false,
      sid: randomUUID(),
      ...overrides,
    },
    identity,
  };
}

/** The error `check` throws or rejects with; fails when it passes. */
async function failureOf(check: () => unknown): Promise<unknown> {
  try {
    await check();
  } catch (error) {
    return error;
  }
  throw new Error('expected the check to refuse the token');
}

async function expectAuthError(check: () => unknown, code: AuthErrorCode, status: number): Promise<AuthError> {
  const error = await failureOf(check);
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(code);
  expect((error as AuthError).getStatus()).toBe(status);
  return error as AuthError;
}

const expectRevoked = (check: () => unknown) => expectAuthError(check, AuthErrorCode.TokenRevoked, 401);
const expectUnavailable = (check: () => unknown) => expectAuthError(check, AuthErrorCode.RevocationUnavailable, 503);

describe('RevocationView', () => {
  const views: RevocationView[] = [];

  beforeAll(() => {
    Logger.overrideLogger(false); // the view warns on a lost feed; the tests provoke that on purpose
  });

  afterEach(async () => {
    for (const view of views.splice(0)) await view.onApplicationShutdown();
  });

  /** A view over `store`, started (onModuleInit awaited). */
  async function startView(store: FakeStore, options: Partial<AuthModuleOptions> = {}): Promise<RevocationView> {
    const view = new RevocationView(
      // No stale answers unless a test asks: the 'disconnected' tests are about the wait (bound 0).
      resolveAuthOptions({
        secret: 'x'.repeat(32),
        revocationTimeoutMs: TIMEOUT_MS,
        revocationMaxStaleness: 0,
        ...options,
      }),
      store,
    );
    views.push(view);
    await view.onModuleInit();
    return view;
  }

  describe('connected', () => {
    it('passes a token nothing revoked, synchronously, without asking the store', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const listCalls = store.listCalls;
      expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(view.isRevoked(token())).toBe(false);
      expect(store.listCalls).toBe(listCalls);
    });

    it('refuses a token whose jti was revoked', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      const error = await expectRevoked(() => view.assertNotRevoked(revoked));
      expect(error.challenge).toMatch(/^Bearer error="invalid_token"/);
      expect(view.assertNotRevoked(token())).toBeUndefined();
    });

    it('refuses every token of a revoked session, and only those', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const sid = randomUUID();
      await store.revoke({ kind: 'session', id: sid, expiresAt: NOW + 900 });
      await expectRevoked(() => view.assertNotRevoked(token({ sid })));
      await expectRevoked(() => view.assertNotRevoked(token({ sid, type: 'refresh' })));
      expect(view.assertNotRevoked(token({ sid: randomUUID() }))).toBeUndefined();
      expect(view.assertNotRevoked(token({ sid: undefined }))).toBeUndefined();
    });

    it("refuses a revoked user's tokens issued before validAfter, and accepts those issued at or after it", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      await store.revoke({ kind: 'user', id: 'alice', expiresAt: NOW + 900, validAfter: NOW });
      await expectRevoked(() => view.assertNotRevoked(token({ iat: NOW - 1 })));
      expect(view.assertNotRevoked(token({ iat: NOW }))).toBeUndefined();
      expect(view.assertNotRevoked(token({ iat: NOW + 1 }))).toBeUndefined();
      expect(view.assertNotRevoked(token({ iat: NOW - 1 }, 'bob'))).toBeUndefined();
    });

    it("refuses the sessions a user revocation ended, whatever the token's iat", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const sid = randomUUID();
      await store.revoke({ kind: 'user', id: 'alice', expiresAt: NOW + 900, validAfter: NOW - 10, sessionIds: [sid] });
      await expectRevoked(() => view.assertNotRevoked(token({ sid, iat: NOW })));
    });

    it("never lowers a user's validAfter when an older revocation arrives later", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      await store.revoke({ kind: 'user', id: 'alice', expiresAt: NOW + 900, validAfter: NOW });
      await store.revoke({ kind: 'user', id: 'alice', expiresAt: NOW + 900, validAfter: NOW - 100 });
      await expectRevoked(() => view.assertNotRevoked(token({ iat: NOW - 1 })));
    });

    it('enforces what listRecent() held when it started', async () => {
      const store = new FakeStore();
      const [jtiToken, sidToken, oldToken] = [token(), token(), token({ iat: NOW - 60 }, 'carol')];
      store.entries = [
        { kind: 'token', id: jtiToken.claims.jti, expiresAt: NOW + 900 },
        { kind: 'session', id: sidToken.claims.sid!, expiresAt: NOW + 900 },
        { kind: 'user', id: 'carol', expiresAt: NOW + 900, validAfter: NOW - 30 },
      ];
      const view = await startView(store);
      expect(view.size).toBe(3);
      await expectRevoked(() => view.assertNotRevoked(jtiToken));
      await expectRevoked(() => view.assertNotRevoked(sidToken));
      await expectRevoked(() => view.assertNotRevoked(oldToken));
      expect(view.assertNotRevoked(token())).toBeUndefined();
    });
  });

  describe('disconnected', () => {
    it('makes a check wait for the store, then answers 503 revocation_unavailable, when it never connected', async () => {
      const store = new FakeStore();
      store.connectOnSubscribe = false;
      const view = await startView(store, { revocationTimeoutMs: MEASURED_TIMEOUT_MS });
      const started = Date.now();
      await expectUnavailable(() => view.assertNotRevoked(token()));
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(MEASURED_TIMEOUT_MS - 20); // it waited for the store...
      expect(waited).toBeLessThan(2 * MEASURED_TIMEOUT_MS); // ...once, for revocationTimeoutMs
    });

    it('answers 503 revocation_unavailable once the feed is lost, even for a token it knows revoked', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      store.setConnected(false);
      await expectUnavailable(() => view.assertNotRevoked(token()));
      await expectUnavailable(() => view.assertNotRevoked(revoked));
    });

    it('lets a pending check through when the feed comes back within the timeout', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationTimeoutMs: UNWAITED_TIMEOUT_MS });
      store.setConnected(false);
      const started = Date.now();
      const pending = Promise.resolve(view.assertNotRevoked(token()));
      await sleep(50);
      store.setConnected(true);
      await expect(pending).resolves.toBeUndefined();
      // Let through when the feed came back, not when the timeout ran out (which would have been a 503 anyway).
      expect(Date.now() - started).toBeLessThan(UNWAITED_TIMEOUT_MS / 2);
    });

    it('reloads on reconnection, so a revocation missed while disconnected is enforced', async () => {
      const store = new FakeStore();
      // The check below waits for the reconnection: a timeout no loaded machine runs out of before it.
      const view = await startView(store, { revocationTimeoutMs: UNWAITED_TIMEOUT_MS });
      store.setConnected(false);
      const missed = token();
      store.entries.push({ kind: 'token', id: missed.claims.jti, expiresAt: NOW + 900 }); // stored, never delivered
      const pending = failureOf(() => view.assertNotRevoked(missed));
      await sleep(50);
      store.setConnected(true);
      const error = await pending;
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).code).toBe(AuthErrorCode.TokenRevoked);
    });

    it('stays unavailable while the reload fails, and retries it', async () => {
      const store = new FakeStore();
      store.listError = new Error('list failed');
      const view = await startView(store);
      await expectUnavailable(() => view.assertNotRevoked(token()));
      const callsAfterFirstLoad = store.listCalls;
      store.listError = undefined;
      // The view retries a failed reload after a backoff: 250-500 ms, then 500-1000 ms, ...
      await eventually(() => store.listCalls > callsAfterFirstLoad);
      expect(store.listCalls).toBeGreaterThan(callsAfterFirstLoad);
      await eventually(() => answersAtOnce(view), 100);
      expect(view.assertNotRevoked(token())).toBeUndefined();
    });

    it('with revocationFailOpen, answers at once from its local state', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationFailOpen: true });
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      store.setConnected(false);
      expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(() => view.assertNotRevoked(revoked)).toThrow(AuthError);
      await expectRevoked(() => view.assertNotRevoked(revoked));
    });
  });

  describe('isTokenRevoked callback', () => {
    it('passes the claims, header and request and lets the token through when it answers false', async () => {
      const isTokenRevoked = jest.fn((_claims: JwtClaims, _header: JwtHeader, _request?: object) => false);
      const view = await startView(new FakeStore(), { isTokenRevoked });
      const checked = token();
      const request = { headers: { 'user-agent': 'spec' }, ip: '10.0.0.1' };
      await expect(Promise.resolve(view.assertNotRevoked(checked, request))).resolves.toBeUndefined();
      // The request the token came with, as the last argument.
      expect(isTokenRevoked).toHaveBeenCalledWith(checked.claims, checked.header, request);
    });

    it('refuses with token_revoked when it answers true', async () => {
      const view = await startView(new FakeStore(), { isTokenRevoked: () => true });
      await expectRevoked(() => view.assertNotRevoked(token()));
    });

    it('refuses with token_revoked when it resolves true', async () => {
      const view = await startView(new FakeStore(), { isTokenRevoked: async () => true });
      await expectRevoked(() => view.assertNotRevoked(token()));
    });

    it('answers 503 revocation_unavailable when it throws', async () => {
      const view = await startView(new FakeStore(), {
        isTokenRevoked: () => {
          throw new Error('database down');
        },
      });
      await expectUnavailable(() => view.assertNotRevoked(token()));
    });

    it('answers 503 revocation_unavailable when it rejects or does not answer in time', async () => {
      const rejecting = await startView(new FakeStore(), {
        isTokenRevoked: async () => Promise.reject(new Error('down')),
      });
      await expectUnavailable(() => rejecting.assertNotRevoked(token()));
      const hanging = await startView(new FakeStore(), {
        isTokenRevoked: () => new Promise<boolean>(() => undefined),
        revocationTimeoutMs: MEASURED_TIMEOUT_MS,
      });
      const started = Date.now();
      await expectUnavailable(() => hanging.assertNotRevoked(token()));
      expect(Date.now() - started).toBeLessThan(2 * MEASURED_TIMEOUT_MS); // given up after revocationTimeoutMs
    });

    it('with revocationFailOpen, lets the token through when it throws', async () => {
      const view = await startView(new FakeStore(), {
        revocationFailOpen: true,
        isTokenRevoked: () => {
          throw new Error('database down');
        },
      });
      await expect(Promise.resolve(view.assertNotRevoked(token()))).resolves.toBeUndefined();
    });

    it('is not asked about a token the view already refuses', async () => {
      const isTokenRevoked = jest.fn(() => false);
      const store = new FakeStore();
      const view = await startView(store, { isTokenRevoked });
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      await expectRevoked(() => view.assertNotRevoked(revoked));
      expect(isTokenRevoked).not.toHaveBeenCalled();
    });
  });

  describe('window', () => {
    // Defaults: 15 min access tokens, no leeway, 60 s clock margin.
    const WINDOW = 900 + 60;
    const DAY = 24 * 60 * 60;

    it('keeps a revocation until revokedAt + window, not until its 30-day expiry, and the sweep drops it', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const revokedToken = token();
      const sid = randomUUID();
      await store.revoke({ kind: 'token', id: revokedToken.claims.jti, expiresAt: NOW + 30 * DAY, revokedAt: NOW });
      await store.revoke({ kind: 'session', id: sid, expiresAt: NOW + 30 * DAY, revokedAt: NOW });
      await store.revoke({ kind: 'user', id: 'carol', expiresAt: NOW + 30 * DAY, revokedAt: NOW, validAfter: NOW });
      expect(view.size).toBe(3);
      view.sweep(NOW + WINDOW - 1);
      expect(view.size).toBe(3);
      expect(view.isRevoked(revokedToken)).toBe(true);
      expect(view.isRevoked(token({ sid }))).toBe(true);
      view.sweep(NOW + WINDOW);
      expect(view.size).toBe(0);
      expect(view.isRevoked(revokedToken)).toBe(false);
    });

    it('drops an entry at its expiry when that comes before the end of the window', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: NOW + 30, revokedAt: NOW });
      view.sweep(NOW + 29);
      expect(view.size).toBe(1);
      view.sweep(NOW + 30);
      expect(view.size).toBe(0);
    });

    it("keeps a user's valid-after for a window after validAfter, even when it is later than revokedAt", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      await store.revoke({ kind: 'user', id: 'carol', expiresAt: NOW + DAY, revokedAt: NOW, validAfter: NOW + 100 });
      view.sweep(NOW + 100 + WINDOW - 1);
      expect(view.size).toBe(1);
      view.sweep(NOW + 100 + WINDOW);
      expect(view.size).toBe(0);
    });

    it('does not keep a revocation whose window is already over when it arrives', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const old = NOW - WINDOW - 1;
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: NOW + DAY, revokedAt: old });
      await store.revoke({ kind: 'session', id: randomUUID(), expiresAt: NOW + DAY, revokedAt: old });
      await store.revoke({ kind: 'user', id: 'carol', expiresAt: NOW + DAY, revokedAt: old, validAfter: old });
      expect(view.size).toBe(0);
    });

    it('reloads only the window, in pages of RELOAD_PAGE_SIZE', async () => {
      const store = new FakeStore();
      store.entries = tokenRevocations(2 * RELOAD_PAGE_SIZE + 500);
      const before = Math.floor(Date.now() / 1000);
      const view = await startView(store);
      expect(store.listArguments).toHaveLength(1);
      const { since, pageSize } = store.listArguments[0]!;
      expect(pageSize).toBe(RELOAD_PAGE_SIZE);
      expect(since).toBeGreaterThanOrEqual(before - WINDOW);
      expect(since).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - WINDOW);
      expect(view.size).toBe(2 * RELOAD_PAGE_SIZE + 500);
    });
  });

  describe('reload', () => {
    it('never runs two reads at once: reconnections during a slow reload queue one more reload', async () => {
      const store = new FakeStore();
      store.entries = tokenRevocations(3 * RELOAD_PAGE_SIZE);
      const view = await startView(store, { revocationTimeoutMs: 5000 }); // held pages, never timed out
      expect(store.listCalls).toBe(1);
      const slow = holdRead(store, 1, 1); // the reload after the next reconnection, before its second page
      store.setConnected(false);
      store.setConnected(true);
      await slow.reached;
      store.setConnected(false);
      store.setConnected(true);
      await sleep(30);
      store.setConnected(false);
      store.setConnected(true);
      expect(store.activeReads).toBe(1);
      slow.release();
      await eventually(() => store.listCalls === 3 && store.activeReads === 0);
      await sleep(100);
      // The reload in flight, then one more for the reconnections it may have missed; never two at once.
      expect(store.listCalls).toBe(3);
      expect(store.maxActiveReads).toBe(1);
      expect(view.assertNotRevoked(token())).toBeUndefined();
    });

    it('completes a reload of many pages with reconnections during it, one page read at a time', async () => {
      const PAGES = 20;
      const store = new FakeStore();
      store.entries = tokenRevocations(PAGES * RELOAD_PAGE_SIZE);
      const view = await startView(store, { revocationTimeoutMs: 5000 });
      expect(view.size).toBe(PAGES * RELOAD_PAGE_SIZE);
      // The reload after the next reconnection is held half-way through its pages while the feed reconnects twice.
      const halfWay = holdRead(store, 1, PAGES / 2);
      store.setConnected(false);
      store.setConnected(true);
      await halfWay.reached;
      store.setConnected(false);
      store.setConnected(true);
      await sleep(20);
      store.setConnected(false);
      store.setConnected(true);
      halfWay.release();
      await eventually(() => store.listCalls === 3 && store.activeReads === 0);
      await eventually(() => answersAtOnce(view));
      expect(store.listArguments.every(({ pageSize }) => pageSize === RELOAD_PAGE_SIZE)).toBe(true);
      expect(store.maxActiveReads).toBe(1);
      expect(view.size).toBe(PAGES * RELOAD_PAGE_SIZE);
    });

    it('is not in sync until the reload that follows a reconnection during it completes', async () => {
      const store = new FakeStore();
      store.entries = tokenRevocations(3 * RELOAD_PAGE_SIZE);
      store.connectOnSubscribe = false;
      const view = new RevocationView(resolveAuthOptions({ secret: 'x'.repeat(32), revocationTimeoutMs: 5000 }), store);
      views.push(view);
      const first = holdRead(store, 0, 1);
      const second = holdRead(store, 1, 1);
      const init = view.onModuleInit();
      store.setConnected(true);
      await first.reached;
      store.setConnected(false);
      store.setConnected(true);
      first.release();
      await second.reached;
      // The first reload is over, but the feed went down during it: not in sync yet.
      expect(view.assertNotRevoked(token())).toBeInstanceOf(Promise);
      second.release();
      await init;
      expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(store.maxActiveReads).toBe(1);
    });

    it('never marks the view in sync after a partial reload, and retries it', async () => {
      const store = new FakeStore();
      store.entries = tokenRevocations(2 * RELOAD_PAGE_SIZE + 1);
      store.failAfterPages = 1;
      const view = await startView(store);
      expect(view.size).toBe(RELOAD_PAGE_SIZE); // the first page is enforced...
      await expectUnavailable(() => view.assertNotRevoked(token())); // ...but the view is not in sync
      store.failAfterPages = undefined;
      await eventually(() => view.size === 2 * RELOAD_PAGE_SIZE + 1);
      await eventually(() => answersAtOnce(view));
    });

    it('gives up on a page that takes longer than revocationTimeoutMs, and waits for it before reading again', async () => {
      const store = new FakeStore();
      store.entries = tokenRevocations(10);
      store.pageDelayMs = TIMEOUT_MS + 300;
      const view = await startView(store);
      await expectUnavailable(() => view.assertNotRevoked(token()));
      store.pageDelayMs = 0;
      await eventually(() => answersAtOnce(view));
      expect(store.maxActiveReads).toBe(1);
    });

    it('backs off exponentially on failure (500 ms doubling, with jitter) and starts over after a success', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0); // the shortest delay of each step: half of it
      try {
        const store = new FakeStore();
        store.listError = new Error('down');
        const view = await startView(store);
        await eventually(() => store.listCalls === 4);
        const gaps = store.listTimes.slice(1).map((time, index) => time - store.listTimes[index]!);
        for (const [index, gap] of gaps.entries()) {
          const expected = (RELOAD_RETRY_FIRST_MS / 2) * 2 ** index; // 500 ms * 2^n, halved by the jitter
          expect(gap).toBeGreaterThanOrEqual(expected - 5);
          expect(gap).toBeLessThan(2 * expected); // this step, not the next one, which is twice as long
        }
        store.listError = undefined;
        await eventually(() => answersAtOnce(view));

        store.listError = new Error('down again');
        const calls = store.listCalls;
        store.setConnected(false);
        store.setConnected(true);
        await eventually(() => store.listCalls === calls + 2);
        const gap = store.listTimes[calls + 1]! - store.listTimes[calls]!;
        expect(gap).toBeGreaterThanOrEqual(RELOAD_RETRY_FIRST_MS / 2 - 5);
        expect(gap).toBeLessThan(RELOAD_RETRY_FIRST_MS); // back to the first step: not even the second one
      } finally {
        jest.restoreAllMocks();
      }
    }, 15_000); // it waits out five backoff steps, about 4 s: too close to jest's default 5 s on a loaded machine
  });

  describe('bounded staleness (revocationMaxStaleness)', () => {
    const BOUND_MS = 300;
    const stale = { revocationMaxStaleness: `${BOUND_MS}ms` };
    /** For a test that checks the view still answers half-way through the bound: half of it is room for a sleep. */
    const LONG_BOUND_MS = 1000;
    const refresh = () => token({ type: 'refresh', exp: NOW + 30 * 24 * 60 * 60 });

    /** Milliseconds `check` takes to throw or return (a promise is awaited). */
    async function timed(check: () => unknown): Promise<number> {
      const started = performance.now();
      try {
        await check();
      } catch {
        // the time is what is measured
      }
      return performance.now() - started;
    }

    it('after the feed drops, answers from the last view, synchronously, without asking the store', async () => {
      const store = new FakeStore();
      const view = await startView(store, stale);
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      const listCalls = store.listCalls;
      store.setConnected(false);
      for (let i = 0; i < 100; i += 1) expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(() => view.assertNotRevoked(revoked)).toThrow(AuthError);
      await expectRevoked(() => view.assertNotRevoked(revoked));
      expect(store.listCalls).toBe(listCalls);
      expect(store.queries).toHaveLength(0);
    });

    it('past the bound, answers 503 at once (no wait), with a Retry-After, even for a token it knows revoked', async () => {
      const store = new FakeStore();
      const view = await startView(store, { ...stale, revocationTimeoutMs: UNWAITED_TIMEOUT_MS });
      const revoked = token();
      await store.revoke({ kind: 'token', id: revoked.claims.jti, expiresAt: NOW + 900 });
      store.setConnected(false);
      await sleep(BOUND_MS + 50);
      for (const checked of [token(), revoked]) {
        expect(await timed(() => view.assertNotRevoked(checked))).toBeLessThan(UNWAITED_TIMEOUT_MS / 2);
        // Thrown synchronously: no promise, no timer per request.
        const error = (() => {
          try {
            void view.assertNotRevoked(checked);
          } catch (thrown) {
            return thrown;
          }
          return undefined;
        })() as AuthError;
        expect(error).toBeInstanceOf(AuthError);
        expect(error.code).toBe(AuthErrorCode.RevocationUnavailable);
        expect(error.getStatus()).toBe(503);
        expect(error.retryAfter).toBeGreaterThanOrEqual(1);
      }
      expect(view.storeDown).toBe(true);
    });

    it('serves again, in sync, once a complete reload follows the reconnection; the clock starts over', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationMaxStaleness: `${LONG_BOUND_MS}ms` });
      store.setConnected(false);
      await sleep(LONG_BOUND_MS + 50);
      await expectUnavailable(() => view.assertNotRevoked(token()));
      const missed = token();
      store.entries.push({ kind: 'token', id: missed.claims.jti, expiresAt: NOW + 900, revokedAt: NOW });
      store.setConnected(true);
      await eventually(() => answersAtOnce(view));
      await expectRevoked(() => view.assertNotRevoked(missed));
      expect(view.storeDown).toBe(false);
      // A new drop gets the whole bound again.
      store.setConnected(false);
      await sleep(LONG_BOUND_MS / 2);
      expect(view.assertNotRevoked(token())).toBeUndefined();
      await sleep(LONG_BOUND_MS / 2 + 50);
      await expectUnavailable(() => view.assertNotRevoked(token()));
    });

    it('does not restart the clock on a reconnection whose reload fails, nor on the feed flapping', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationMaxStaleness: `${LONG_BOUND_MS}ms` });
      store.setConnected(false);
      store.listError = new Error('down');
      await sleep(LONG_BOUND_MS / 2);
      store.setConnected(true); // the reload fails: the store is known down although the feed is up
      store.setConnected(false);
      store.setConnected(true);
      expect(view.assertNotRevoked(token())).toBeUndefined();
      await sleep(LONG_BOUND_MS / 2 + 50);
      await expectUnavailable(() => view.assertNotRevoked(token()));
      expect(view.storeDown).toBe(true);
    });

    it('fails a store check (refresh token) at once while the store is known down, and never asks it', async () => {
      const store = new FakeStore();
      store.isRevokedAnswer = () => new Promise(() => undefined); // a store that would hang
      const view = await startView(store, { revocationMaxStaleness: 30, revocationTimeoutMs: UNWAITED_TIMEOUT_MS });
      store.setConnected(false);
      // Within the bound, access tokens pass; a refresh token needs the store, which is down: 503 at once.
      expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(await timed(() => view.assertNotRevoked(refresh()))).toBeLessThan(UNWAITED_TIMEOUT_MS / 2);
      await expectUnavailable(() => view.assertNotRevoked(refresh()));
      expect(store.queries).toHaveLength(0);
    });

    it('with revocationFailOpen, lets a refresh token through from the view while the store is known down', async () => {
      const store = new FakeStore();
      const view = await startView(store, { ...stale, revocationFailOpen: true });
      store.setConnected(false);
      await sleep(BOUND_MS + 50);
      expect(view.assertNotRevoked(token())).toBeUndefined();
      await expect(view.assertNotRevoked(refresh())).resolves.toBeUndefined();
      expect(store.queries).toHaveLength(0);
    });

    it('keeps the bounded wait at start-up, when there is no last view yet', async () => {
      const store = new FakeStore();
      store.connectOnSubscribe = false;
      const view = await startView(store, stale);
      expect(view.storeDown).toBe(false); // not known down: calls are tried
      const waited = await timed(() => expectUnavailable(() => view.assertNotRevoked(token())));
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    });

    it('probes the store with one reload at a time whatever the load, and says when in Retry-After', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(1); // no jitter: the backoff is 500 ms, then 1 s
      try {
        const store = new FakeStore();
        const view = await startView(store, stale);
        store.listError = new Error('down');
        store.pageDelayMs = 20;
        store.setConnected(false);
        const reconnectedAt = performance.now();
        store.setConnected(true);
        const calls = store.listCalls;
        await sleep(BOUND_MS + 50);
        // A burst of guarded requests and store checks during the outage: none reaches the store.
        for (let i = 0; i < 1000; i += 1) {
          await failureOf(() => view.assertNotRevoked(i % 2 === 0 ? token() : refresh()));
        }
        expect(store.queries).toHaveLength(0);
        // Reloads come only from the reconnection and its backoff (500 ms, then 1 s later, ...), whatever the burst
        // (a timer may fire a few ms early against this clock).
        const elapsed = performance.now() - reconnectedAt + 5;
        let allowed = 0;
        for (let at = 0, delay = RELOAD_RETRY_FIRST_MS; at <= elapsed; at += delay, delay *= 2) allowed += 1;
        expect(store.listCalls - calls).toBeLessThanOrEqual(allowed);
        expect(store.maxActiveReads).toBe(1);
        const error = await expectUnavailable(() => view.assertNotRevoked(token()));
        expect(error.retryAfter).toBe(1); // the next attempt is less than a second away
        expect(view.retryAfterSeconds()).toBeLessThanOrEqual(1);
      } finally {
        jest.restoreAllMocks();
      }
    });

    it('with a bound of 0, keeps the wait of earlier versions: no stale answer', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationMaxStaleness: 0 });
      store.setConnected(false);
      const waited = await timed(() => expectUnavailable(() => view.assertNotRevoked(token())));
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    });
  });

  describe('tokens that outlive the window', () => {
    const refresh = (overrides: Partial<JwtClaims> = {}) =>
      token({ type: 'refresh', exp: NOW + 30 * 24 * 60 * 60, ...overrides });

    it('passes an access token synchronously without asking the store', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      expect(view.assertNotRevoked(token())).toBeUndefined();
      expect(view.assertNotRevoked(token({ exp: NOW + 900 }))).toBeUndefined();
      expect(store.queries).toHaveLength(0);
    });

    it('asks the store about a refresh token, or any token living longer than the access window', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const checked = refresh();
      await expect(view.assertNotRevoked(checked)).resolves.toBeUndefined();
      expect(store.queries).toEqual([
        { jti: checked.claims.jti, sessionId: checked.claims.sid, identity: 'alice', issuedAt: NOW },
      ]);
      await expect(view.assertNotRevoked(token({ exp: NOW + 901 }))).resolves.toBeUndefined();
      expect(store.queries).toHaveLength(2);
    });

    it("refuses a refresh token the store knows revoked, though the view's window is over", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const checked = refresh();
      await store.revoke({
        kind: 'session',
        id: checked.claims.sid!,
        expiresAt: NOW + 30 * 24 * 60 * 60,
        revokedAt: NOW - 3600,
      });
      expect(view.size).toBe(0);
      await expectRevoked(() => view.assertNotRevoked(checked));
    });

    it('refuses at once, without asking the store, a token the view already refuses', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const checked = refresh();
      await store.revoke({ kind: 'token', id: checked.claims.jti, expiresAt: checked.claims.exp });
      expect(() => view.assertNotRevoked(checked)).toThrow(AuthError);
      expect(store.queries).toHaveLength(0);
    });

    it('answers 503 revocation_unavailable when the store fails or does not answer in time', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationTimeoutMs: MEASURED_TIMEOUT_MS });
      store.isRevokedAnswer = () => Promise.reject(new Error('down'));
      await expectUnavailable(() => view.assertNotRevoked(refresh()));
      store.isRevokedAnswer = () => new Promise<boolean>(() => undefined);
      const started = Date.now();
      await expectUnavailable(() => view.assertNotRevoked(refresh()));
      expect(Date.now() - started).toBeLessThan(2 * MEASURED_TIMEOUT_MS); // given up after revocationTimeoutMs
    });

    it('with revocationFailOpen, lets the token through when the store fails', async () => {
      const store = new FakeStore();
      const view = await startView(store, { revocationFailOpen: true });
      store.isRevokedAnswer = () => Promise.reject(new Error('down'));
      await expect(view.assertNotRevoked(refresh())).resolves.toBeUndefined();
    });

    it('asks the isTokenRevoked callback after the store', async () => {
      const isTokenRevoked = jest.fn(() => true);
      const view = await startView(new FakeStore(), { isTokenRevoked });
      await expectRevoked(() => view.assertNotRevoked(refresh()));
      expect(isTokenRevoked).toHaveBeenCalledTimes(1);
    });

    it('treats a token without exp as long-lived', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      await expect(
        Promise.resolve(view.assertNotRevoked(token({ exp: undefined as unknown as number }))),
      ).resolves.toBeUndefined();
      expect(store.queries).toHaveLength(1);
    });
  });

  describe('tokens without sid', () => {
    it("asks the store with the token's own jti as its session", async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const checked = token({ type: 'refresh', sid: undefined, exp: NOW + 86400 });
      await expect(view.assertNotRevoked(checked)).resolves.toBeUndefined();
      expect(store.queries[0]!.sessionId).toBe(checked.claims.jti);
    });

    it('refuses a token whose family (its own jti) was revoked as a session, and the tokens refreshed from it', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const original = token({ sid: undefined });
      await store.revoke({ kind: 'session', id: original.claims.jti, expiresAt: NOW + 900 });
      await expectRevoked(() => view.assertNotRevoked(original));
      await expectRevoked(() => view.assertNotRevoked(token({ sid: original.claims.jti })));
      expect(view.assertNotRevoked(token({ sid: undefined }))).toBeUndefined();
    });
  });

  describe('revocation listeners', () => {
    it('tells each listener of every revocation, after applying it, until removed', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      const victim = token();
      const seen: Array<[string, boolean]> = [];
      const stop = view.onRevocation((revocation) => seen.push([revocation.id, view.isRevoked(victim)]));
      await store.revoke({ kind: 'token', id: victim.claims.jti, expiresAt: NOW + 900 });
      expect(seen).toEqual([[victim.claims.jti, true]]);
      stop();
      await store.revoke({ kind: 'token', id: randomUUID(), expiresAt: NOW + 900 });
      expect(seen).toHaveLength(1);
    });

    it('keeps applying revocations when a listener throws, and takes a bounded number of listeners', async () => {
      const store = new FakeStore();
      const view = await startView(store);
      view.onRevocation(() => {
        throw new Error('listener failed');
      });
      const victim = token();
      await store.revoke({ kind: 'token', id: victim.claims.jti, expiresAt: NOW + 900 });
      expect(view.isRevoked(victim)).toBe(true);
      for (let i = 1; i < MAX_REVOCATION_LISTENERS; i++) view.onRevocation(() => undefined);
      expect(() => view.onRevocation(() => undefined)).toThrow(/at most/);
    });
  });

  describe('shutdown', () => {
    it('stops following the store and closes it', async () => {
      const store = new FakeStore();
      const view = new RevocationView(
        resolveAuthOptions({ secret: 'x'.repeat(32), revocationTimeoutMs: TIMEOUT_MS }),
        store,
      );
      await view.onModuleInit();
      expect(store.unsubscribe).not.toHaveBeenCalled();
      await view.onApplicationShutdown();
      expect(store.unsubscribe).toHaveBeenCalledTimes(1);
      expect(store.close).toHaveBeenCalledTimes(1);
    });

    it('shuts down cleanly even when unsubscribing or closing fails', async () => {
      const store = new FakeStore();
      store.unsubscribe.mockRejectedValueOnce(new Error('unsubscribe failed'));
      store.close.mockRejectedValueOnce(new Error('close failed'));
      const view = new RevocationView(
        resolveAuthOptions({ secret: 'x'.repeat(32), revocationTimeoutMs: TIMEOUT_MS }),
        store,
      );
      await view.onModuleInit();
      await expect(view.onApplicationShutdown()).resolves.toBeUndefined();
      expect(store.close).toHaveBeenCalledTimes(1);
    });
  });
});
