import { Logger } from '@nestjs/common';
import { type ConfigService } from '@nestjs/config';
import { type AuthModuleOptions, MemoryRevocationStore, type TokenLocation } from 'nest-jwt-extended';
import type { UserStore } from '../users/user-store.service.js';
import { RedisDpopReplayStore, RedisRevocationStore } from 'nest-jwt-extended/redis';
import { type DemoEnv, parseIntrospectionClients } from './demo-env.js';
import { keyOptionsFromEnv } from './key-options.factory.js';

const securityLog = new Logger('SecurityEvents');

/** AuthModule options from the environment; a random key (with a warning) when none is given. */
export function authOptionsFromEnv(config: ConfigService<DemoEnv, true>, users: UserStore): AuthModuleOptions {
  const redisUrl = config.get('REDIS_URL', { infer: true });
  const timeoutMs = config.get('REVOCATION_TIMEOUT_MS', { infer: true });
  const introspectionClients = config.get('INTROSPECTION_CLIENTS', { infer: true });
  return {
    ...keyOptionsFromEnv(config),
    accessTokenExpiresIn: config.get('JWT_ACCESS_TOKEN_EXPIRES', { infer: true }),
    refreshTokenExpiresIn: config.get('JWT_REFRESH_TOKEN_EXPIRES', { infer: true }),
    // One process: memory is enough. Several instances: Redis, so a logout on one is enforced by all.
    revocationStore: redisUrl
      ? new RedisRevocationStore({
          url: redisUrl,
          keyPrefix: config.get('REDIS_KEY_PREFIX', { infer: true }),
          commandTimeoutMs: timeoutMs,
        })
      : new MemoryRevocationStore(),
    revocationTimeoutMs: timeoutMs,
    revocationMaxStaleness: config.get('REVOCATION_MAX_STALENESS_SECONDS', { infer: true }),
    rotateRefreshTokens: config.get('JWT_ROTATE_REFRESH_TOKENS', { infer: true }),
    refreshTokenGracePeriod: config.get('JWT_REFRESH_GRACE_SECONDS', { infer: true }),
    // Headers for API clients, then cookies for the browser page (GET /); cookie-borne tokens pass the CSRF check.
    tokenLocation: config.get('JWT_TOKEN_LOCATION', { infer: true }).split(',') as TokenLocation[],
    cookies: { secure: config.get('JWT_COOKIE_SECURE', { infer: true }) },
    // A cookie-authenticated unsafe request from another site is refused (403 untrusted_origin) beside double submit.
    csrf: { trustedOrigins: config.get('JWT_TRUSTED_ORIGINS', { infer: true })?.split(',') ?? [] },
    // POST /login and /web/login (@ThrottleLogin()): counted in Redis with REDIS_URL, so every instance counts together.
    loginThrottle: {
      maxFailures: config.get('JWT_LOGIN_MAX_FAILURES', { infer: true }),
      maxFailuresPerAddress: config.get('JWT_LOGIN_MAX_FAILURES_PER_ADDRESS', { infer: true }),
      window: config.get('JWT_LOGIN_WINDOW_SECONDS', { infer: true }),
    },
    // A browser that keeps using the page gets a new access cookie before the old one expires.
    implicitRefresh: { within: config.get('JWT_IMPLICIT_REFRESH_SECONDS', { infer: true }) },
    // Every access token carries the user's roles; the loader runs again on each refresh, so they stay current.
    additionalClaims: (identity, { type }) => (type === 'access' ? { roles: users.rolesOf(identity) } : {}),
    // @CurrentUser() (GET /me): the user of the token's identity, or 401 user_not_found.
    loadUser: (identity) => users.findUser(identity),
    errorFormat: config.get('JWT_ERROR_FORMAT', { infer: true }) === 'flask' ? 'flask-jwt-extended' : 'default',
    // POST /introspect (RFC 7662) for the clients listed; without any, every introspection request is 401.
    ...(introspectionClients && { introspection: { clients: parseIntrospectionClients(introspectionClients) } }),
    dpop: dpopOptionsFromEnv(config, redisUrl, timeoutMs),
    // Events name users and sessions, never tokens: safe to log as they are.
    onEvent: (event) => securityLog.log(JSON.stringify(event)),
  };
}

/**
 * DPoP from the environment: on (optional) unless DPOP=off. With REDIS_URL, used proofs are remembered in Redis, so a
 * proof accepted by one instance is refused by every other.
 */
function dpopOptionsFromEnv(
  config: ConfigService<DemoEnv, true>,
  redisUrl: string | undefined,
  timeoutMs: number,
): AuthModuleOptions['dpop'] {
  const mode = config.get('DPOP', { infer: true });
  if (mode === 'off') return false;
  const origin = config.get('DPOP_ORIGIN', { infer: true });
  return {
    required: mode === 'required',
    ...(origin && { origin }),
    ...(config.get('DPOP_NONCE', { infer: true }) && { nonce: true }),
    ...(redisUrl && {
      replayStore: new RedisDpopReplayStore({
        url: redisUrl,
        keyPrefix: config.get('REDIS_KEY_PREFIX', { infer: true }),
        commandTimeoutMs: timeoutMs,
      }),
    }),
  };
}
