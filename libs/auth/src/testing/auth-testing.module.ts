import { type DynamicModule, Module } from '@nestjs/common';
import { AUTH_TESTING_OPTIONS } from '../auth.internal-constants.js';
import type { SecurityEvent } from '../events/security-event.interface.js';
import { AuthClock } from '../util/auth-clock.js';
import { AuthTesting } from './auth-testing.js';
import type { AuthTestingOptions } from './auth-testing-options.js';
import { TestClock } from './test-clock.js';
import { testingAuthOptions } from './testing-auth-options.js';
import { TESTING_EVENTS } from './testing-tokens.js';

/**
 * `AuthModule` for your own tests, from `nest-jwt-extended/testing` (never loaded by an app). Import it beside your
 * app's module in a Nest testing module: it keeps your `AuthModule` configuration (lifetimes, token locations,
 * loaders, checks) and replaces what a test should not need or wait for:
 * - keys: a random HS256 secret, so no key files, no JWKS and no secret to handle;
 * - the revocation store: a `MemoryRevocationStore`, so no Redis;
 * - the clock: a {@link TestClock} every service reads (verification, minting, revocation, sessions, events), so a
 *   token minted now answers `token_expired` once the clock is advanced past its lifetime, with no real waiting.
 *
 * {@link AuthTesting} (`moduleRef.get(AuthTesting)`) mints tokens and headers, advances the clock, revokes and lists
 * the security events emitted. The module is global; one per testing module.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule, AuthTestingModule.forRoot()] }).compile();
 * const app = moduleRef.createNestApplication();
 * await app.init();
 * const auth = moduleRef.get(AuthTesting);
 *
 * const header = auth.header('alice', { fresh: true, claims: { roles: ['admin'] } });
 * await request(app.getHttpServer()).get('/protected').set(header).expect(200);
 * auth.clock.advance('16m');
 * const expired = await request(app.getHttpServer()).get('/protected').set(header).expect(401);
 * expect(expired.body.code).toBe('token_expired');
 * ```
 */
@Module({})
export class AuthTestingModule {
  /** The module, with a clock starting at `startAt` (default now) and `options` laid over the app's. */
  static forRoot(testing: AuthTestingOptions = {}): DynamicModule {
    const clock = new TestClock(testing.startAt);
    const events: SecurityEvent[] = [];
    return {
      module: AuthTestingModule,
      global: true,
      providers: [
        { provide: AuthClock, useValue: clock },
        { provide: TESTING_EVENTS, useValue: events },
        { provide: AUTH_TESTING_OPTIONS, useValue: testingAuthOptions({ clock, events, overrides: testing.options }) },
        AuthTesting,
      ],
      exports: [AuthClock, AUTH_TESTING_OPTIONS, AuthTesting],
    };
  }
}
