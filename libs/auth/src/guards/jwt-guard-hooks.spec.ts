import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplicationContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import type { AuthError } from '../errors/auth-error.js';
import type { SecurityEvent } from '../events/security-event.interface.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { thrownBy } from '../testing/thrown-by.js';
import { TokenService } from '../tokens/token.service.js';
import { AccessOrRefreshJwtGuard } from './any-token-type.guard.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { TokenTypeGuard } from './token-type.guard.js';

@Controller()
class RoutesController {
  @Get('guarded')
  guarded(): void {}
}

function httpContext(token: string) {
  const request = { headers: { authorization: `Bearer ${token}` } } as {
    headers: Record<string, string>;
    user?: unknown;
  };
  const headers: Record<string, string> = {};
  const response = { header: (name: string, value: string) => (headers[name.toLowerCase()] = value) };
  const context = new ExecutionContextHost([request, response], RoutesController, RoutesController.prototype.guarded);
  context.setType('http');
  return { context, request, headers };
}

describe('JwtGuard with verifyClaims, events and other token types', () => {
  let app: INestApplicationContext | undefined;

  async function start(options: Partial<AuthModuleOptions> = {}) {
    const PasswordReset = TokenTypeGuard.for('password_reset');
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32), tokenTypes: ['password_reset'], ...options })],
      providers: [JwtAuthGuard, PasswordReset],
    }).compile();
    app = await moduleRef.init();
    return {
      guard: app.get(JwtAuthGuard),
      either: app.get(AccessOrRefreshJwtGuard),
      reset: app.get(PasswordReset),
      tokens: app.get(TokenService),
    };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('stays synchronous with a synchronous verifyClaims, accepting and refusing', async () => {
    const { guard, tokens } = await start({ verifyClaims: (claims) => claims.tenant === 'eu' });
    const good = httpContext(tokens.createAccessToken('alice', { additionalClaims: { tenant: 'eu' } }));
    expect(guard.canActivate(good.context)).toBe(true);
    expect(good.request.user).toMatchObject({ sub: 'alice' });
    const bad = httpContext(tokens.createAccessToken('alice', { additionalClaims: { tenant: 'us' } }));
    const error = thrownBy(() => guard.canActivate(bad.context)) as AuthError;
    expect([error.getStatus(), error.code, error.token?.identity]).toEqual([
      401,
      'claims_verification_failed',
      'alice',
    ]);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(bad.request.user).toBeUndefined();
  });

  it('waits for an async verifyClaims, calling it once', async () => {
    let calls = 0;
    const { guard, tokens } = await start({
      verifyClaims: async (claims) => {
        calls += 1;
        return claims.sub === 'alice' || { code: 'not_alice', message: 'Only Alice' };
      },
    });
    const alice = httpContext(tokens.createAccessToken('alice'));
    const pending = guard.canActivate(alice.context);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe(true);
    const bob = httpContext(tokens.createAccessToken('bob'));
    const refusal = (await Promise.resolve(guard.canActivate(bob.context)).catch(
      (error: unknown) => error,
    )) as AuthError;
    expect([refusal.code, refusal.message]).toEqual(['not_alice', 'Only Alice']);
    expect(calls).toBe(2);
  });

  it('reports each refusal once as a security event, with no token in it', async () => {
    const events: SecurityEvent[] = [];
    const { guard, tokens } = await start({ onEvent: (event) => events.push(event) });
    const refresh = tokens.createRefreshToken('alice');
    thrownBy(() => guard.canActivate(httpContext(refresh).context));
    expect(events).toEqual([{ type: 'refused', code: 'wrong_token_type', status: 401, at: expect.any(Number) }]);
    expect(JSON.stringify(events)).not.toContain(refresh.split('.')[1]);
  });

  it('accepts access or refresh at AccessOrRefreshJwtGuard, and a custom type only at its own guard', async () => {
    const { guard, either, reset, tokens } = await start();
    const access = tokens.createAccessToken('alice');
    const refresh = tokens.createRefreshToken('alice');
    const resetToken = tokens.createToken('password_reset', 'alice');
    // A refresh token outlives the access window, so its revocation is also asked of the store: a promise.
    await expect(Promise.resolve(either.canActivate(httpContext(access).context))).resolves.toBe(true);
    await expect(Promise.resolve(either.canActivate(httpContext(refresh).context))).resolves.toBe(true);
    expect(reset.canActivate(httpContext(resetToken).context)).toBe(true);
    for (const [which, token] of [
      [either, resetToken],
      [guard, resetToken],
      [reset, access],
      [reset, refresh],
    ] as const) {
      expect((thrownBy(() => which.canActivate(httpContext(token).context)) as AuthError).code).toBe(
        'wrong_token_type',
      );
    }
    expect(TokenTypeGuard.for('password_reset')).toBe(TokenTypeGuard.for('password_reset'));
    expect(() => TokenTypeGuard.for('access')).toThrow(/use JwtAuthGuard or RefreshJwtGuard/);
  });
});
