import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { JwtClaims, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { SocketConnections } from './socket-connections.js';

const NOW = Math.floor(Date.now() / 1000);

function token(claims: Partial<JwtClaims>): VerifiedToken {
  const full = { sub: 'alice', jti: 'j1', iat: NOW, exp: NOW + 900, type: 'access', ...claims } as JwtClaims;
  return { claims: full, identity: full.sub!, header: { alg: 'HS256' } };
}

describe('SocketConnections', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('closes a connection at its token’s expiry, once, and forgets it', () => {
    jest.useFakeTimers({ now: NOW * 1000 });
    const connections = new SocketConnections(() => false);
    const close = jest.fn();
    connections.track({}, token({ exp: NOW + 5 }), close);
    jest.advanceTimersByTime(4999);
    expect(close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(close).toHaveBeenCalledWith('token_expired');
    expect(connections.size).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('closes what a revocation covers (token, session, user and its sessions), as the view says', () => {
    const revoked = new Set<string>();
    const connections = new SocketConnections((t) => revoked.has(t.claims.jti));
    const closes: Record<string, ReturnType<typeof jest.fn>> = {};
    const tokens = {
      a: token({ jti: 'a', sid: 's1' }),
      b: token({ jti: 'b', sid: 's2' }),
      c: token({ jti: 'c', sub: 'bob', sid: 's3' }),
      d: token({ jti: 'd', sub: 'carol', sid: 's4' }),
    };
    for (const [name, t] of Object.entries(tokens)) connections.track({ name }, t, (closes[name] = jest.fn()));

    revoked.add('a');
    connections.revoked({ kind: 'token', id: 'a', expiresAt: NOW + 60 });
    expect(closes.a).toHaveBeenCalledWith('token_revoked');

    // The view decides: a session revocation that does not cover the token (iat after it, say) closes nothing.
    connections.revoked({ kind: 'session', id: 's2', expiresAt: NOW + 60 });
    expect(closes.b).not.toHaveBeenCalled();
    revoked.add('b');
    connections.revoked({ kind: 'session', id: 's2', expiresAt: NOW + 60 });
    expect(closes.b).toHaveBeenCalledTimes(1);

    revoked.add('c').add('d');
    connections.revoked({ kind: 'user', id: 'bob', expiresAt: NOW + 60 });
    connections.revoked({ kind: 'user', id: 'nobody', expiresAt: NOW + 60, sessionIds: ['s4'] });
    expect(closes.c).toHaveBeenCalledTimes(1);
    expect(closes.d).toHaveBeenCalledTimes(1);
    expect(connections.size).toBe(0);
  });

  it('forgets a closed socket: no timer, no index entry left', () => {
    jest.useFakeTimers({ now: NOW * 1000 });
    const connections = new SocketConnections(() => true);
    const socket = {};
    const close = jest.fn();
    connections.track(socket, token({ exp: NOW + 1 }), close);
    connections.forget(socket);
    jest.advanceTimersByTime(5000);
    connections.revoked({ kind: 'token', id: 'j1', expiresAt: NOW + 60 });
    expect(close).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});
