export { AuthModule } from './auth.module.js';
export {
  AUTH_MODULE_OPTIONS,
  type AuthModuleAsyncOptions,
  type AuthModuleForRootOptions,
} from './auth.module-definition.js';
export {
  IS_PUBLIC_KEY,
  JWT_ACCESS_STRATEGY,
  JWT_FRESH_STRATEGY,
  JWT_REFRESH_STRATEGY,
  OPTIONAL_AUTH_KEY,
  REQUIRE_AUTH_KEY,
  REQUIRE_SCOPES_KEY,
} from './auth.constants.js';
export type {
  AuthModuleOptions,
  CookieOptions,
  CsrfOptions,
  DpopOptions,
  ExternalTokenOptions,
  FeatureOptions,
  HmacAlgorithm,
  LoginThrottleOptions,
  RemoteJwksOptions,
  SessionOptions,
  TokenClaimOptions,
  VerificationKeyOptions,
} from './options/auth-module-options.interface.js';
export type { TokenLifetime } from './tokens/token-lifetime.js';
export type { JwtAlgorithm } from './jws/jws-algorithm.js';
export type { KeyInput } from './keys/key-input.js';
export { JwksService, type JsonWebKeySet } from './tokens/jwks.service.js';
export { InvalidAuthOptionError } from './errors/invalid-auth-option.error.js';
export { AuthError, type AuthErrorBody, type RefusalStatus } from './errors/auth-error.js';
export { AuthErrorCode } from './errors/auth-error-code.js';
export { AuthErrorFilter } from './errors/auth-error.filter.js';
export { AuthErrorResponder } from './errors/auth-error-responder.js';
export {
  flaskJwtExtendedErrorFormat,
  type AuthErrorFormat,
  type AuthErrorFormatter,
  type AuthErrorResponse,
} from './errors/auth-error-format.js';
export type { RefusedTokenDetails } from './errors/auth-error.js';
export {
  SECURITY_EVENT_PREFIX,
  type SecurityEvent,
  type SecurityEventType,
} from './events/security-event.interface.js';
export type { ClaimsLoader, HeadersLoader, TokenLoaderContext } from './tokens/token-loaders.js';
export type { ClaimsRefusal, ClaimsVerifier, LoadUser, LoadUserOn } from './verification/verification-settings.js';
export type { TokenRequest } from './request/token-request.js';
export { AuthClock } from './util/auth-clock.js';
export { UserLoader } from './guards/user-loader.interface.js';
export { RequestVerifier, type VerifyRequestOptions } from './guards/request-verifier.js';
export { VerificationPipeline } from './verification/verification-pipeline.js';
export type { TokenDemand } from './verification/token-demand.js';
export { AccessOrRefreshJwtGuard } from './guards/any-token-type.guard.js';
export { TokenTypeGuard } from './guards/token-type.guard.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export { GraphQLAuthError, type GraphQLAuthErrorExtensions } from './errors/graphql-auth-error.js';
export { TokenService } from './tokens/token.service.js';
export type { AnyTokenType, JwtClaims, JwtHeader, TokenType, VerifiedToken } from './tokens/jwt-claims.interface.js';
export { isFreshToken } from './tokens/token-policy.js';
export type {
  CreateAccessTokenOptions,
  CreateRefreshTokenOptions,
  CreateTokenOptions,
  VerifyTokenOptions,
} from './tokens/token-options.interface.js';
export { JwtAuthGuard } from './guards/jwt-auth.guard.js';
export { JwtGuard } from './guards/jwt-guard.js';
export type { TokenPolicy } from './tokens/token-policy.js';
export type { RequestWithHeaders } from './extractors/header-token.extractor.js';
export { TokenExtractor, type ExtractableRequest } from './extractors/token-extractor.js';
export {
  fastifyJsonBodyParser,
  type FastifyParserDone,
  type FastifyParserRequest,
} from './request/fastify-json-body.parser.js';
export type { ExtractedToken } from './extractors/extracted-token.js';
export { TokenLocation } from './decorators/token-location.decorator.js';
export { CurrentTokenLocation } from './decorators/current-token-location.decorator.js';
export { AuthCookies } from './cookies/auth-cookies.service.js';
export type { AuthCookieLifetime } from './cookies/cookie-lifetime.js';
export type { CookieResponse } from './cookies/set-cookie-header.js';
export { ImplicitRefresh } from './sessions/implicit-refresh.js';
export { FreshJwtGuard } from './guards/fresh-jwt.guard.js';
export { RefreshJwtGuard } from './guards/refresh-jwt.guard.js';
export { CurrentIdentity } from './decorators/current-identity.decorator.js';
export { CurrentClaims } from './decorators/current-claims.decorator.js';
export { CurrentTokenHeader } from './decorators/current-token-header.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { OptionalAuth } from './decorators/optional-auth.decorator.js';
export { SessionService } from './sessions/session.service.js';
export { StepUpService, type StepUpOptions } from './sessions/step-up.service.js';
export { RequireAuth } from './step-up/require-auth.decorator.js';
export type { RequireAuthOptions } from './step-up/step-up-requirement.js';
export { IntrospectionController } from './introspection/introspection.controller.js';
export { IntrospectionService } from './introspection/introspection.service.js';
export type { IntrospectionClient } from './introspection/introspection-settings.js';
export type { ActiveTokenIntrospection, IntrospectionResponse } from './introspection/introspection-response.js';
export type { StartSessionOptions } from './sessions/start-session-options.js';
export type { TokenPair } from './sessions/token-pair.interface.js';
export type { SessionTokenType } from './sessions/dpop-binding.js';
export { RevocationService } from './revocation/revocation.service.js';
export {
  MAX_LISTED_SESSIONS,
  RevocationStore,
  type Revocation,
  type RevocationFeed,
  type RevocationKind,
  type RevocationQuery,
  type RotationOutcome,
  type RotationRequest,
  type SessionRecord,
} from './revocation/revocation-store.interface.js';
export { sessionIdOf } from './revocation/token-session.js';
export { MemoryRevocationStore } from './revocation/memory-revocation.store.js';
export { DpopService } from './dpop/dpop.service.js';
export { DpopReplayStore } from './dpop/dpop-replay-store.interface.js';
export { MemoryDpopReplayStore } from './dpop/memory-dpop-replay.store.js';
export { jwkThumbprint } from './dpop/jwk-thumbprint.js';
export type { DpopAlgorithm } from './dpop/dpop-algorithm.js';
export type { DpopRequest } from './dpop/dpop-request-target.js';
export { LoginThrottle } from './throttling/login-throttle.service.js';
export { ThrottleLogin } from './throttling/throttle-login.decorator.js';
export { ThrottleLoginInterceptor } from './throttling/throttle-login.interceptor.js';
export {
  LoginAttemptStore,
  hasLoginAttemptStore,
  type AttemptCount,
  type LoginAttemptStoreSource,
} from './throttling/login-attempt-store.interface.js';
export { MemoryLoginAttemptStore } from './throttling/memory-login-attempt.store.js';
export { DEFAULT_CONFIGURATION, configurationToken } from './configurations/configuration-name.js';
export { configurationOf } from './configurations/token-configuration.js';
export { CurrentConfig } from './configurations/current-config.decorator.js';
export { InjectRequestVerifier, InjectSessionService, InjectTokenService } from './configurations/inject-configured.js';
export { RequireScopes } from './decorators/require-scopes.decorator.js';
export { scopesOf } from './tokens/token-scopes.js';
