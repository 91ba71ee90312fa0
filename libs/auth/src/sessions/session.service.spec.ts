import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type {
  Revocation,
  RevocationFeed,
  RevocationQuery,
  RevocationStore,
  RotationOutcome,
  RotationRequest,
  SessionRecord,
} from '../revocation/revocation-store.interface.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { encodeCompactJws } from '../jws/compact-jws.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { JwtClaims, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { SessionService } from './session.service.js';

const SECRET = 'x'.repeat(32);

/** A store with rotation as the contract describes it, in a few lines, and every call recorded. */
class FakeStore implements RevocationStore {
  readonly revoked: Revocation[] = [];
  readonly sessions = new Map<string, SessionRecord>();
  readonly rotations = new Map<string, string>();
  readonly rotationRequests: RotationRequest[] = [];
  readonly touches: Array<{ identity: string; sessionId: string; at: number }> = [];
  touchError?: Error;

  async revoke(revocation: Revocation): Promise<Revocation> {
    const stored = { revokedAt: Math.floor(Date.now() / 1000), ...revocation };
    this.revoked.push(stored);
    if (stored.kind === 'session') this.sessions.delete(stored.id);
    return stored;
  }

  async *listRecent(): AsyncIterable<Revocation[]> {}

  async isRevoked(query: RevocationQuery): Promise<boolean> {
    return this.revoked.some((entry) => entry.id === query.jti || entry.id === query.sessionId);
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    feed.connectionChanged(true);
    return async () => undefined;
  }

  async registerSession(session: SessionRecord): Promise<void> {
    this.sessions.set(session.sessionId, session);
  }

  async touchSession(identity: string, sessionId: string, at: number): Promise<void> {
    this.touches.push({ identity, sessionId, at });
    if (this.touchError) throw this.touchError;
    const session = this.sessions.get(sessionId);
    if (session) session.lastRefreshedAt = at;
  }

  async listSessions(identity: string, limit: number): Promise<SessionRecord[]> {
    return [...this.sessions.values()]
      .filter((session) => session.identity === identity)
      .reverse()
      .slice(0, limit);
  }

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    this.rotationRequests.push(request);
    if (this.revoked.some((entry) => entry.kind === 'session' && entry.id === request.sessionId)) return 'revoked';
    const current = this.rotations.get(request.sessionId);
    if (current === undefined || current === request.presentedJti) {
      this.rotations.set(request.sessionId, request.nextJti);
      return 'rotated';
    }
    await this.revoke({ kind: 'session', id: request.sessionId, expiresAt: request.sessionExpiresAt });
    return 'reused';
  }
}

describe('SessionService', () => {
  const views: RevocationView[] = [];

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  afterEach(async () => {
    for (const view of views.splice(0)) await view.onApplicationShutdown();
  });

  async function setUp(options: Partial<AuthModuleOptions> = {}) {
    const resolved = resolveAuthOptions({ secret: SECRET, revocationTimeoutMs: 200, ...options });
    const store = new FakeStore();
    const view = new RevocationView(resolved, store);
    views.push(view);
    await view.onModuleInit();
    const tokens = new TokenService(resolved, new TokenVerifier(resolved));
    const revocations = new RevocationService(resolved, store, view);
    const sessions = new SessionService(resolved, store, tokens, view, revocations);
    return { store, tokens, sessions, view, resolved, revocations };
  }

  /** Verified claims of a refresh token without `sid`, as Flask-JWT-Extended mints them. */
  function sidLessRefresh(tokens: TokenService): JwtClaims {
    const claims = tokens.verifyToken(tokens.createRefreshToken('alice'), { type: 'refresh' });
    const { sid: _sid, ...withoutSid } = claims;
    return withoutSid;
  }

  describe('start', () => {
    it('records the session with its times and metadata', async () => {
      const { store, sessions, tokens } = await setUp();
      const before = Math.floor(Date.now() / 1000);
      const pair = await sessions.start('alice', { metadata: { userAgent: 'curl/8', ip: '203.0.113.7' } });
      const recorded = store.sessions.get(pair.sessionId)!;
      expect(recorded).toMatchObject({
        sessionId: pair.sessionId,
        identity: 'alice',
        metadata: { userAgent: 'curl/8', ip: '203.0.113.7' },
      });
      expect(recorded.createdAt).toBeGreaterThanOrEqual(before);
      expect(recorded.expiresAt).toBe(recorded.createdAt + 30 * 24 * 60 * 60);
      expect(recorded.lastRefreshedAt).toBeUndefined();
      // Metadata is recorded, never put in the tokens.
      expect(tokens.verifyToken(pair.accessToken)).not.toHaveProperty('metadata');
    });

    it('refuses metadata that is not an object of strings', async () => {
      const { sessions } = await setUp();
      await expect(sessions.start('alice', { metadata: { ip: 7 } as never })).rejects.toThrow(TypeError);
      await expect(sessions.start('alice', { metadata: ['x'] as never })).rejects.toThrow(TypeError);
    });

    it('refuses metadata past its bounds, so a session listing read from the store stays bounded', async () => {
      const { sessions } = await setUp();
      const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
      await expect(sessions.start('alice', { metadata: many })).rejects.toThrow(/at most 16 entries/);
      await expect(sessions.start('alice', { metadata: { userAgent: 'x'.repeat(1025) } })).rejects.toThrow(TypeError);
      await expect(sessions.start('alice', { metadata: { ['k'.repeat(65)]: 'v' } })).rejects.toThrow(TypeError);
      await expect(
        sessions.start('alice', {
          metadata: {
            userAgent: 'x'.repeat(1024),
            ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, 'v'])),
          },
        }),
      ).resolves.toHaveProperty('sessionId');
    });
  });

  describe('refresh', () => {
    it.each([false, true])(
      'keeps the claims given at login in the tokens it mints (rotation %s), not the library claims',
      async (rotateRefreshTokens) => {
        const { sessions, tokens } = await setUp({ rotateRefreshTokens });
        const pair = await sessions.start('alice', { additionalClaims: { roles: ['admin'], tenant: 't-1' } });
        const refreshed = await sessions.refresh(tokens.verifyToken(pair.refreshToken!, { type: 'refresh' }));
        const access = tokens.verifyToken(refreshed.accessToken);
        expect(access).toMatchObject({ roles: ['admin'], tenant: 't-1', sub: 'alice', fresh: false, type: 'access' });
        if (rotateRefreshTokens) {
          // And again from the rotated refresh token: they survive every generation.
          const next = tokens.verifyToken(refreshed.refreshToken!, { type: 'refresh' });
          expect(next).toMatchObject({ roles: ['admin'], tenant: 't-1' });
          const again = await sessions.refresh(next);
          expect(tokens.verifyToken(again.accessToken)).toMatchObject({ roles: ['admin'], tenant: 't-1' });
        }
      },
    );

    it('never carries a csrf claim (each token has its own), and carries nothing with carryClaimsOnRefresh: false', async () => {
      const { sessions, tokens } = await setUp({ tokenLocation: ['headers', 'cookies'] });
      await expect(sessions.start('alice', { additionalClaims: { csrf: 'c-1' } })).rejects.toThrow(
        'must not set the reserved claim "csrf"',
      );
      const pair = await sessions.start('alice', { additionalClaims: { roles: ['admin'] } });
      const presented = tokens.verifyToken(pair.refreshToken!, { type: 'refresh' });
      expect(presented.csrf).toEqual(expect.any(String));
      const refreshed = await sessions.refresh(presented);
      const access = tokens.verifyToken(refreshed.accessToken);
      expect(access.roles).toEqual(['admin']);
      expect(access.csrf).toEqual(expect.any(String));
      expect(access.csrf).not.toBe(presented.csrf);

      const off = await setUp({ carryClaimsOnRefresh: false });
      const offPair = await off.sessions.start('alice', { additionalClaims: { roles: ['admin'] } });
      const offRefreshed = await off.sessions.refresh(
        off.tokens.verifyToken(offPair.refreshToken!, { type: 'refresh' }),
      );
      expect(off.tokens.verifyToken(offRefreshed.accessToken)).not.toHaveProperty('roles');
    });

    it("records the refresh as the session's lastRefreshedAt", async () => {
      const { store, sessions, tokens } = await setUp();
      const pair = await sessions.start('alice');
      await sessions.refresh(tokens.verifyToken(pair.refreshToken!, { type: 'refresh' }));
      expect(store.touches).toEqual([{ identity: 'alice', sessionId: pair.sessionId, at: expect.any(Number) }]);
      expect(store.sessions.get(pair.sessionId)!.lastRefreshedAt).toBe(store.touches[0]!.at);
    });

    it.each([false, true])(
      'still refreshes when recording lastRefreshedAt fails (rotation %s)',
      async (rotateRefreshTokens) => {
        const { store, sessions, tokens } = await setUp({ rotateRefreshTokens });
        const pair = await sessions.start('alice');
        store.touchError = new Error('down');
        const refreshed = await sessions.refresh(tokens.verifyToken(pair.refreshToken!, { type: 'refresh' }));
        expect(refreshed.sessionId).toBe(pair.sessionId);
        expect(store.touches).toHaveLength(1);
      },
    );

    it('does not record a refresh the store refused', async () => {
      const { store, sessions, tokens } = await setUp({ rotateRefreshTokens: true });
      const pair = await sessions.start('alice');
      const claims = tokens.verifyToken(pair.refreshToken!, { type: 'refresh' });
      await sessions.refresh(claims);
      await expect(sessions.refresh(claims)).rejects.toBeInstanceOf(AuthError);
      expect(store.touches).toHaveLength(1);
    });

    it('asks the store to keep a detected reuse in its recent list for the window', async () => {
      const { store, sessions, tokens, resolved } = await setUp({ rotateRefreshTokens: true });
      const pair = await sessions.start('alice');
      await sessions.refresh(tokens.verifyToken(pair.refreshToken!, { type: 'refresh' }));
      expect(store.rotationRequests[0]!.recentFor).toBe(resolved.revocationWindow);
    });
  });

  describe('while the store is known down', () => {
    it('refuses a login, a refresh with rotation, a logout and a listing with 503 at once, asking the store nothing', async () => {
      const timeoutMs = 2000; // what each would wait for the store if it asked it: half of it is room for any answer
      const { store, sessions, view, tokens } = await setUp({
        rotateRefreshTokens: true,
        revocationTimeoutMs: timeoutMs,
      });
      const { refreshToken, sessionId } = await sessions.start('alice');
      const claims = tokens.verifyToken(refreshToken!, { type: 'refresh' });
      const revocations = new RevocationService(
        resolveAuthOptions({ secret: SECRET, revocationTimeoutMs: timeoutMs }),
        store,
        view,
      );
      const calls = [
        jest.spyOn(store, 'registerSession'),
        jest.spyOn(store, 'rotateRefreshToken'),
        jest.spyOn(store, 'revoke'),
        jest.spyOn(store, 'listSessions'),
      ];
      view.connectionChanged(false);
      expect(view.storeDown).toBe(true);
      for (const attempt of [
        () => sessions.start('alice'),
        () => sessions.refresh(claims),
        () => revocations.revokeSession(sessionId),
        () => sessions.listSessions('alice'),
      ]) {
        const started = performance.now();
        const error = (await attempt().catch((thrown: unknown) => thrown)) as AuthError;
        expect(performance.now() - started).toBeLessThan(timeoutMs / 2);
        expect([error.getStatus(), error.code, error.retryAfter]).toEqual([503, 'revocation_unavailable', 1]);
      }
      for (const call of calls) expect(call).not.toHaveBeenCalled();
    });
  });

  describe('a refresh token without sid', () => {
    it('with rotation, is consumed under its own jti: a second use is refresh_token_reused and ends the family', async () => {
      const { store, sessions, tokens, view } = await setUp({ rotateRefreshTokens: true });
      const claims = sidLessRefresh(tokens);
      const first = await sessions.refresh(claims);
      expect(store.rotationRequests[0]).toMatchObject({ sessionId: claims.jti, presentedJti: claims.jti });
      expect(first.sessionId).toBe(claims.jti);
      const next = tokens.verifyToken(first.refreshToken!, { type: 'refresh' });
      const access = tokens.verifyToken(first.accessToken);
      expect(next.sid).toBe(claims.jti);
      expect(access.sid).toBe(claims.jti);

      const reuse = await sessions.refresh(claims).catch((error: unknown) => error);
      expect(reuse).toBeInstanceOf(AuthError);
      expect((reuse as AuthError).code).toBe(AuthErrorCode.RefreshTokenReused);
      expect(store.revoked).toMatchObject([{ kind: 'session', id: claims.jti }]);
      // The tokens refreshed from it are refused here at once.
      expect(view.isRevoked({ header: { alg: 'HS256' }, claims: access, identity: 'alice' })).toBe(true);
      const after = await sessions.refresh(next).catch((error: unknown) => error);
      expect((after as AuthError).code).toBe(AuthErrorCode.TokenRevoked);
    });

    it('without rotation, mints access tokens of the family named by its jti', async () => {
      const { sessions, tokens } = await setUp();
      const claims = sidLessRefresh(tokens);
      const refreshed = await sessions.refresh(claims);
      expect(refreshed.refreshToken).toBeUndefined();
      expect(tokens.verifyToken(refreshed.accessToken).sid).toBe(claims.jti);
    });
  });

  describe('listSessions and revokeOtherSessions', () => {
    it("lists the user's live sessions only", async () => {
      const { sessions } = await setUp();
      const a = await sessions.start('alice', { metadata: { userAgent: 'a' } });
      const b = await sessions.start('alice');
      await sessions.start('bob');
      const listed = await sessions.listSessions('alice');
      expect(listed.map((session) => session.sessionId).sort()).toEqual([a.sessionId, b.sessionId].sort());
      expect(listed.find((session) => session.sessionId === a.sessionId)!.metadata).toEqual({ userAgent: 'a' });
    });

    it('revokes every other session of the user, returns how many, and enforces it here at once', async () => {
      const { store, sessions, view, tokens } = await setUp();
      const current = await sessions.start('alice');
      const others = await Promise.all([sessions.start('alice'), sessions.start('alice'), sessions.start('alice')]);
      const bob = await sessions.start('bob');
      await expect(sessions.revokeOtherSessions('alice', current.sessionId)).resolves.toBe(3);
      expect(store.revoked.map((entry) => entry.id).sort()).toEqual(others.map((other) => other.sessionId).sort());
      for (const other of others) {
        const claims = tokens.verifyToken(other.accessToken);
        expect(view.isRevoked({ header: { alg: 'HS256' }, claims, identity: 'alice' })).toBe(true);
      }
      expect((await sessions.listSessions('alice')).map((session) => session.sessionId)).toEqual([current.sessionId]);
      expect((await sessions.listSessions('bob')).map((session) => session.sessionId)).toEqual([bob.sessionId]);
      await expect(sessions.revokeOtherSessions('alice', current.sessionId)).resolves.toBe(0);
    });

    it('answers 503 revocation_unavailable when the store cannot list', async () => {
      const { store, sessions } = await setUp();
      jest.spyOn(store, 'listSessions').mockRejectedValue(new Error('down'));
      const error = await sessions.revokeOtherSessions('alice', randomUUID()).catch((thrown: unknown) => thrown);
      expect((error as AuthError).code).toBe(AuthErrorCode.RevocationUnavailable);
    });
  });

  // verifySub: false (issue 23): a token whose identity is not a string is accepted by the guards; what keys on the
  // identity (revocation per user) sees its JSON text, and what mints from it refuses with a 401, never a 500.
  describe('verifySub: false', () => {
    async function looseSetUp() {
      const set = await setUp({ verifySub: false });
      const { signingKey } = set.resolved;
      const iat = Math.floor(Date.now() / 1000) - 10;
      const forge = (sub: unknown, type: string) =>
        encodeCompactJws(
          { alg: 'HS256', typ: 'JWT' },
          { sub, iat, jti: randomUUID(), type, fresh: false, exp: iat + 900 },
          JWS_ALGORITHMS.HS256,
          signingKey!.key,
        );
      return { ...set, forge, verifier: new TokenVerifier(set.resolved) };
    }

    it('refuses to refresh or renew for a non-string identity with 401 invalid_token', async () => {
      const { sessions, tokens, forge } = await looseSetUp();
      for (const sub of [42, { id: 42 }]) {
        const claims = tokens.verifyToken(forge(sub, 'refresh'), { type: 'refresh' });
        expect(claims.sub).toEqual(sub);
        const error = await sessions.refresh(claims).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(AuthError);
        expect([(error as AuthError).getStatus(), (error as AuthError).code]).toEqual([401, 'invalid_token']);
        const renewed = thrownBy(() => sessions.renewAccessToken(tokens.verifyToken(forge(sub, 'access'))));
        expect((renewed as AuthError).code).toBe('invalid_token');
      }
    });

    it('revokes the tokens of an integer or object identity by its JSON text', async () => {
      const { view, forge, verifier, revocations } = await looseSetUp();
      const int = verifier.verify(forge(42, 'access')) as VerifiedToken;
      const object = verifier.verify(forge({ id: 7 }, 'access')) as VerifiedToken;
      expect([int.identity, int.identityValue, object.identity]).toEqual(['42', 42, '{"id":7}']);
      expect([view.isRevoked(int), view.isRevoked(object)]).toEqual([false, false]);
      await revocations.revokeUser('42');
      await revocations.revokeUser(JSON.stringify({ id: 7 }));
      expect([view.isRevoked(int), view.isRevoked(object)]).toEqual([true, true]);
    });
  });
});
