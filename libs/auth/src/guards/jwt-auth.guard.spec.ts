import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplicationContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { Public } from '../decorators/public.decorator.js';
import { AuthError } from '../errors/auth-error.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { verifiedTokenOfRequest } from '../request/verified-tokens.js';
import { TokenService } from '../tokens/token.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { thrownBy } from '../testing/thrown-by.js';

@Controller()
class RoutesController {
  @Get('guarded')
  guarded(): void {}

  @Public()
  @Get('open')
  open(): void {}
}

/** One handler, inherited by an open and a guarded controller: each controller's metadata decides for it. */
class InheritedRoutes {
  @Get('inherited')
  inherited(): void {}
}

@Public()
@Controller('open-inherited')
class OpenInheritedController extends InheritedRoutes {}

@Controller('guarded-inherited')
class GuardedInheritedController extends InheritedRoutes {}

interface FakeResponse {
  headers: Record<string, string>;
  header(name: string, value: string): void;
}

function httpContext(handler: keyof RoutesController, authorization?: string) {
  const request = { headers: authorization === undefined ? {} : { authorization } } as {
    headers: Record<string, string>;
    user?: unknown;
  };
  const response: FakeResponse = {
    headers: {},
    header(name, value) {
      this.headers[name.toLowerCase()] = value;
    },
  };
  const context = new ExecutionContextHost([request, response], RoutesController, RoutesController.prototype[handler]);
  context.setType('http');
  return { context, request, response };
}

describe('JwtAuthGuard.canActivate', () => {
  let app: INestApplicationContext | undefined;

  async function start(options: Partial<AuthModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32), ...options })],
      providers: [JwtAuthGuard],
    }).compile();
    app = await moduleRef.init();
    return { guard: app.get(JwtAuthGuard), tokens: app.get(TokenService) };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses with 503 and a Retry-After header once the revocation view is stale past its bound', async () => {
    const { guard, tokens } = await start({ revocationMaxStaleness: '50ms' });
    const token = tokens.createAccessToken('alice');
    app!.get(RevocationView).connectionChanged(false);
    const { context, response } = httpContext('guarded', `Bearer ${token}`);
    expect(guard.canActivate(context)).toBe(true); // within the bound: the last view answers
    await new Promise((resolve) => setTimeout(resolve, 80));
    const error = thrownBy(() => guard.canActivate(context)) as AuthError;
    expect([error.getStatus(), error.code]).toEqual([503, 'revocation_unavailable']);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('answers true synchronously for a good token with local keys, first sight and cache hit alike', async () => {
    const { guard, tokens } = await start();
    const token = tokens.createAccessToken('alice');
    for (const sight of ['first', 'cached']) {
      const { context, request } = httpContext('guarded', `Bearer ${token}`);
      expect([sight, guard.canActivate(context)]).toEqual([sight, true]);
      expect(request.user).toMatchObject({ sub: 'alice', type: 'access' });
      expect(verifiedTokenOfRequest(request)?.identity).toBe('alice');
    }
  });

  it('decides an inherited handler by the controller it runs under, alternately', async () => {
    const { guard } = await start();
    const under = (controller: object) => {
      const request = { headers: {} };
      const context = new ExecutionContextHost(
        [request, { header() {} }],
        controller as never,
        InheritedRoutes.prototype.inherited,
      );
      context.setType('http');
      return context;
    };
    for (let round = 0; round < 2; round += 1) {
      expect(guard.canActivate(under(OpenInheritedController))).toBe(true);
      expect((thrownBy(() => guard.canActivate(under(GuardedInheritedController))) as AuthError).code).toBe(
        'authorization_required',
      );
    }
  });

  it('answers true synchronously on a @Public() route, and reads no header there', async () => {
    const { guard } = await start();
    const { context, request } = httpContext('open', 'Bearer not-a-token');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBeUndefined();
  });

  it('throws the refusal synchronously, with its challenge set on the response', async () => {
    const { guard, tokens } = await start();
    const refresh = tokens.createRefreshToken('alice');
    const { context, request, response } = httpContext('guarded', `Bearer ${refresh}`);
    const error = thrownBy(() => guard.canActivate(context));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('wrong_token_type');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(request.user).toBeUndefined();
  });

  it('takes the same headers as before on the general path: any scheme case, spaces around the token', async () => {
    const { guard, tokens } = await start();
    const token = tokens.createAccessToken('alice');
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `  Bearer   ${token}  `, `Bearer\t${token}`]) {
      const { context, request } = httpContext('guarded', header);
      expect(guard.canActivate(context)).toBe(true);
      expect(request.user).toMatchObject({ sub: 'alice' });
    }
    for (const header of [`Bearer ${token} ${token}`, 'Bearer ', `Basic ${token}`, `Bearer${token}`]) {
      const { context } = httpContext('guarded', header);
      expect((thrownBy(() => guard.canActivate(context)) as AuthError).code).toBe('invalid_authorization_header');
    }
  });

  it('returns a promise only while an asynchronous revocation check runs, and refuses through it', async () => {
    const revoked = new Set<string>();
    const { guard, tokens } = await start({ isTokenRevoked: async (claims) => revoked.has(claims.sub!) });
    const alice = httpContext('guarded', `Bearer ${tokens.createAccessToken('alice')}`);
    const pending = guard.canActivate(alice.context);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe(true);
    expect(alice.request.user).toMatchObject({ sub: 'alice' });

    revoked.add('mallory');
    const mallory = httpContext('guarded', `Bearer ${tokens.createAccessToken('mallory')}`);
    const refusal = await Promise.resolve(guard.canActivate(mallory.context)).catch((error: unknown) => error);
    expect((refusal as AuthError).code).toBe('token_revoked');
    expect(mallory.response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(mallory.request.user).toBeUndefined();
  });
});
