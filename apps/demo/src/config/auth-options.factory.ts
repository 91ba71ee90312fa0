import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AuthModuleOptions, MemoryRevocationStore, RedisRevocationStore } from 'nest-jwt-extended';
import type { DemoEnv } from './demo-env.js';

/** AuthModule options from the environment; a random secret (with a warning) when JWT_SECRET_KEY is unset. */
export function authOptionsFromEnv(config: ConfigService<DemoEnv, true>): AuthModuleOptions {
  let secret = config.get('JWT_SECRET_KEY', { infer: true });
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    new Logger('Demo').warn('JWT_SECRET_KEY is not set: using a random secret, so tokens will not survive a restart');
  }
  const redisUrl = config.get('REDIS_URL', { infer: true });
  const timeoutMs = config.get('REVOCATION_TIMEOUT_MS', { infer: true });
  return {
    secret,
    accessTokenExpiresIn: config.get('JWT_ACCESS_TOKEN_EXPIRES', { infer: true }),
    refreshTokenExpiresIn: config.get('JWT_REFRESH_TOKEN_EXPIRES', { infer: true }),
    // One process: memory is enough. Several instances: Redis, so a logout on one is enforced by all.
    revocationStore: redisUrl ? new RedisRevocationStore({ url: redisUrl, keyPrefix: config.get('REDIS_KEY_PREFIX', { infer: true }), commandTimeoutMs: timeoutMs }) : new MemoryRevocationStore(),
    revocationTimeoutMs: timeoutMs,
    rotateRefreshTokens: config.get('JWT_ROTATE_REFRESH_TOKENS', { infer: true }),
    refreshTokenGracePeriod: config.get('JWT_REFRESH_GRACE_SECONDS', { infer: true }),
  };
}
