import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type { JwtClaims, JwtHeader, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { Revocation, RevocationFeed, RevocationStore, RotationOutcome } from './revocation-store.interface.js';
import { RevocationView } from './revocation-view.js';

const TIMEOUT_MS = 200;
const NOW = Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store the test drives: it decides when the feed is connected and what list() answers. */
class FakeStore implements RevocationStore {
  feed?: RevocationFeed;
  entries: Revocation[] = [];
  /** Whether subscribe() reports the feed connected at once. */
  connectOnSubscribe = true;
  /** When set, list() rejects with it. */
  listError?: Error;
  listCalls = 0;
  readonly unsubscribe = jest.fn(async (): Promise<void> => undefined);
  readonly close = jest.fn(async (): Promise<void> => undefined);

  async revoke(revocation: Revocation): Promise<Revocation> {
    this.entries.push(revocation);
    this.feed?.revoked(revocation);
    return revocation;
  }

  async list(): Promise<Revocation[]> {
    this.listCalls += 1;
    if (this.listError) throw this.listError;
    return this.entries.map((entry) => ({ ...entry }));
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    this.feed = feed;
    if (this.connectOnSubscribe) feed.connectionChanged(true);
    return this.unsubscribe;
  }

  async registerSession(): Promise<void> {}

  async rotateRefreshToken(): Promise<RotationOutcome> {
    return 'rotated';
  }

  /** Drives the feed's connection, as a store would on losing or regaining Redis. */
  setConnected(connected: boolean): void {
    this.feed!.connectionChanged(connected);
  }
}

function token(overrides: Partial<JwtClaims> = {}, identity = 'alice'): VerifiedToken {
  return {
    header: { alg: 'HS256' },
    claims: {
      sub: identity,
      iat: NOW,
      exp: NOW + 900,
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
      resolveAuthOptions({ secret: 'x'.repeat(32), revocationTimeoutMs: TIMEOUT_MS, ...options }),
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

    it('enforces what list() held when it started', async () => {
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
      const view = await startView(store);
      const started = Date.now();
      await expectUnavailable(() => view.assertNotRevoked(token()));
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(waited).toBeLessThan(2000);
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
      const view = await startView(store);
      store.setConnected(false);
      const started = Date.now();
      const pending = Promise.resolve(view.assertNotRevoked(token()));
      await sleep(50);
      store.setConnected(true);
      await expect(pending).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    });

    it('reloads on reconnection, so a revocation missed while disconnected is enforced', async () => {
      const store = new FakeStore();
      const view = await startView(store);
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
      await sleep(700); // the view retries a failed reload after 500 ms
      expect(store.listCalls).toBeGreaterThan(callsAfterFirstLoad);
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
    it('passes the claims and header and lets the token through when it answers false', async () => {
      const isTokenRevoked = jest.fn((_claims: JwtClaims, _header: JwtHeader) => false);
      const view = await startView(new FakeStore(), { isTokenRevoked });
      const checked = token();
      await expect(Promise.resolve(view.assertNotRevoked(checked))).resolves.toBeUndefined();
      expect(isTokenRevoked).toHaveBeenCalledWith(checked.claims, checked.header);
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
      const hanging = await startView(new FakeStore(), { isTokenRevoked: () => new Promise<boolean>(() => undefined) });
      const started = Date.now();
      await expectUnavailable(() => hanging.assertNotRevoked(token()));
      expect(Date.now() - started).toBeLessThan(2000);
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
