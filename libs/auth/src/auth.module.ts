import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, ModulesContainer } from '@nestjs/core';
import { markAuthModulePresent } from './auth-module-presence.js';
import { AUTH_TESTING_OPTIONS, RESOLVED_AUTH_OPTIONS } from './auth.internal-constants.js';
import { AuthClock, nowOf } from './util/auth-clock.js';
import type { AuthModuleOptions } from './options/auth-module-options.interface.js';
import {
  AUTH_MODULE_OPTIONS,
  type AuthModuleAsyncOptions,
  type AuthModuleForRootOptions,
  ConfigurableAuthModule,
} from './auth.module-definition.js';
import { namedConfiguration } from './configurations/named-configuration.module.js';
import { AuthErrorFilter } from './errors/auth-error.filter.js';
import { AuthErrorResponder } from './errors/auth-error-responder.js';
import { SecurityEvents } from './events/security-events.js';
import { RequestVerifier } from './guards/request-verifier.js';
import { AccessOrRefreshJwtGuard } from './guards/any-token-type.guard.js';
import { HeaderTokenExtractor } from './extractors/header-token.extractor.js';
import { TokenExtractor } from './extractors/token-extractor.js';
import { AuthCookies } from './cookies/auth-cookies.service.js';
import { ImplicitRefresh } from './sessions/implicit-refresh.js';
import { FreshJwtGuard } from './guards/fresh-jwt.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RefreshJwtGuard } from './guards/refresh-jwt.guard.js';
import { resolveAuthOptions } from './options/resolved-auth-options.js';
import { passportStrategiesProvider } from './strategies/passport-strategies.provider.js';
import { TokenService } from './tokens/token.service.js';
import { TokenVerifier } from './tokens/token-verifier.js';
import { RequestSlot } from './request/request-slot.js';
import { VerifiedTokenCache } from './tokens/verified-token.cache.js';
import { JwksService } from './tokens/jwks.service.js';
import { MemoryRevocationStore } from './revocation/memory-revocation.store.js';
import { RevocationStore } from './revocation/revocation-store.interface.js';
import { RevocationView } from './revocation/revocation-view.js';
import { RevocationService } from './revocation/revocation.service.js';
import { SessionService } from './sessions/session.service.js';
import { StepUpService } from './sessions/step-up.service.js';
import { IntrospectionService } from './introspection/introspection.service.js';
import { TOKEN_REVOCATION_CHECK } from './tokens/token-revocation-check.js';
import type { VerifiedToken } from './tokens/jwt-claims.interface.js';
import { VerificationPipeline } from './verification/verification-pipeline.js';
import { DpopService } from './dpop/dpop.service.js';
import { DpopReplayStore } from './dpop/dpop-replay-store.interface.js';
import { MemoryDpopReplayStore } from './dpop/memory-dpop-replay.store.js';
import type { ResolvedAuthOptions } from './options/resolved-auth-options.js';
import { hasLoginAttemptStore, LoginAttemptStore } from './throttling/login-attempt-store.interface.js';
import { LoginThrottle } from './throttling/login-throttle.service.js';
import { MemoryLoginAttemptStore } from './throttling/memory-login-attempt.store.js';
import { ThrottleLoginInterceptor } from './throttling/throttle-login.interceptor.js';

/**
 * Access, refresh and fresh JWTs for a Nest app. Import it once; the guards, decorators and `TokenService`
 * are then ready to use. Options are checked at start-up, and a weak or missing one stops the app with an
 * error that names it.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     AuthModule.forRootAsync({
 *       isGlobal: true,
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({ secret: config.getOrThrow('JWT_SECRET_KEY') }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    // AuthTestingModule (nest-jwt-extended/testing) provides AUTH_TESTING_OPTIONS globally to swap keys and store.
    {
      provide: RESOLVED_AUTH_OPTIONS,
      inject: [AUTH_MODULE_OPTIONS, { token: AUTH_TESTING_OPTIONS, optional: true }],
      useFactory: (options: AuthModuleOptions, testing?: (options: AuthModuleOptions) => AuthModuleOptions) =>
        resolveAuthOptions(testing ? testing(options) : options),
    },
    {
      provide: RevocationStore,
      inject: [RESOLVED_AUTH_OPTIONS, { token: AuthClock, optional: true }],
      useFactory: (options: ResolvedAuthOptions, clock?: AuthClock) =>
        options.revocationStore ?? new MemoryRevocationStore({ clock }),
    },
    // Built only with DPoP on; with it off no proof is read, so no cache is needed.
    {
      provide: DpopReplayStore,
      inject: [RESOLVED_AUTH_OPTIONS],
      useFactory: (options: ResolvedAuthOptions) =>
        options.dpop?.replayStore ?? new MemoryDpopReplayStore(options.dpop?.replayCacheSize),
    },
    DpopService,
    // Login attempts are counted where revocations live: in Redis every instance counts together.
    {
      provide: LoginAttemptStore,
      inject: [RESOLVED_AUTH_OPTIONS, RevocationStore],
      useFactory: (options: ResolvedAuthOptions, revocations: RevocationStore) =>
        options.loginThrottle.store ??
        (hasLoginAttemptStore(revocations) ? revocations.loginAttemptStore() : new MemoryLoginAttemptStore()),
    },
    // Shared by the verifier and the header extractor: one lookup per request, one bound (verifiedTokenCacheSize).
    {
      provide: VerifiedTokenCache,
      inject: [RESOLVED_AUTH_OPTIONS, { token: AuthClock, optional: true }],
      useFactory: (options: ResolvedAuthOptions, clock?: AuthClock) =>
        new VerifiedTokenCache(
          options.verifiedTokenCacheSize,
          undefined,
          options.headerScheme === '' ? '' : `${options.headerScheme} `,
          nowOf(clock),
        ),
    },
    // TokenService.verifyTokenAsync({ checkRevocation }) asks the store through the view, a layer above tokens/.
    {
      provide: TOKEN_REVOCATION_CHECK,
      inject: [RevocationView],
      useFactory: (view: RevocationView) => (token: VerifiedToken) => view.assertNotRevokedInStore(token),
    },
    // Only AuthError: sends its WWW-Authenticate challenge when it is thrown outside a guard.
    { provide: APP_FILTER, useClass: AuthErrorFilter },
    AuthErrorResponder,
    RequestSlot,
    SecurityEvents,
    RequestVerifier,
    VerificationPipeline,
    RevocationView,
    RevocationService,
    SessionService,
    StepUpService,
    IntrospectionService,
    TokenVerifier,
    TokenService,
    JwksService,
    HeaderTokenExtractor,
    TokenExtractor,
    AuthCookies,
    ImplicitRefresh,
    // AuthGuard('jwt-access'), 'jwt-fresh' and 'jwt-refresh' from @nestjs/passport, when the app has installed it.
    passportStrategiesProvider,
    JwtAuthGuard,
    FreshJwtGuard,
    RefreshJwtGuard,
    AccessOrRefreshJwtGuard,
    LoginThrottle,
    ThrottleLoginInterceptor,
  ],
  exports: [
    LoginAttemptStore,
    LoginThrottle,
    ThrottleLoginInterceptor,
    AuthErrorResponder,
    DpopService,
    DpopReplayStore,
    RequestVerifier,
    VerificationPipeline,
    AccessOrRefreshJwtGuard,
    TokenService,
    JwksService,
    SessionService,
    StepUpService,
    IntrospectionService,
    RevocationService,
    RevocationStore,
    RevocationView,
    TokenVerifier,
    HeaderTokenExtractor,
    TokenExtractor,
    AuthCookies,
    ImplicitRefresh,
    JwtAuthGuard,
    FreshJwtGuard,
    RefreshJwtGuard,
  ],
})
export class AuthModule extends ConfigurableAuthModule {
  /**
   * The unnamed configuration, or with `name` a named one beside it (its own keys, issuer, lifetimes, store and error
   * format; see docs/named-configurations.md).
   */
  static override forRoot(options: AuthModuleForRootOptions): DynamicModule {
    const definition = super.forRoot(options);
    return options?.name === undefined ? definition : namedConfiguration(definition, options.name, ownProviders());
  }

  /** {@link forRoot} with options from a factory; `name` goes beside `useFactory`, not in what it returns. */
  static override forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    const definition = super.forRootAsync(options);
    return options?.name === undefined ? definition : namedConfiguration(definition, options.name, ownProviders());
  }

  constructor(modules: ModulesContainer) {
    super();
    // One configuration per application: the guards, the decorators and the passport strategies share it, and a
    // second one would silently win for some of them (passport keeps one registry of strategies per process).
    const configured = [...modules.values()].filter((module) => module.metatype === AuthModule).length;
    if (configured > 1) {
      throw new Error(
        `nest-jwt-extended: AuthModule is configured ${configured} times in this application. Configure it once ` +
          '(AuthModule.forRoot or forRootAsync, with isGlobal: true to reach every module) and import that module ' +
          'where it is needed; a second configuration beside it takes a name (AuthModule.forRoot({ name, ... })).',
      );
    }
    markAuthModulePresent();
  }
}

// The providers above, as @Module recorded them (under 'providers': @nestjs/common keeps the key in its constants file,
// which its exports map does not expose): a named configuration gets the same ones, in a module of its own.
function ownProviders(): Provider[] {
  return Reflect.getMetadata('providers', AuthModule) as Provider[];
}
