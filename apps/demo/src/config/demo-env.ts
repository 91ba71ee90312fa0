import { plainToInstance } from 'class-transformer';
import type { JwtAlgorithm } from 'nest-jwt-extended';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** The demo's environment, checked once at start-up (the @nestjs/config `validate` hook). */
export class DemoEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @MinLength(1)
  HOST: string = '127.0.0.1';

  /** HS256/384/512 use JWT_SECRET_KEY; RS*, PS*, ES* and EdDSA use JWT_PRIVATE_KEY / JWT_PUBLIC_KEY. */
  @IsIn([
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ])
  JWT_ALGORITHM: JwtAlgorithm = 'HS256';

  @IsOptional()
  @IsString()
  JWT_SECRET_KEY?: string;

  /** PEM text or the path of a PEM file; when unset with an asymmetric algorithm, a random key pair (with a warning). */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  /** PEM text or a file path; checked against JWT_PRIVATE_KEY. Default: derived from it. */
  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  /** Key id written in every token's header and published in the JWKS. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_KID?: string;

  /**
   * More keys that verify but never sign, as JSON: `[{"kid":"2026-05","key":"/keys/old.pub.pem"}]` (key: PEM text or a
   * file path; "algorithm" optional). The old key of a rotation goes here until its tokens have expired.
   */
  @IsOptional()
  @IsString()
  JWT_VERIFICATION_KEYS?: string;

  @IsInt()
  @Min(1)
  JWT_ACCESS_TOKEN_EXPIRES: number = 15 * 60;

  @IsInt()
  @Min(1)
  JWT_REFRESH_TOKEN_EXPIRES: number = 30 * 24 * 60 * 60;

  @IsIn(['express', 'fastify'])
  HTTP_ADAPTER: 'express' | 'fastify' = 'express';

  /** With it, revocations and rotation state live in Redis and are shared by every instance. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of the demo's Redis keys, so several apps (or test runs) can share one Redis. */
  @IsString()
  @MinLength(1)
  REDIS_KEY_PREFIX: string = 'nest-jwt-extended:';

  @IsBoolean()
  JWT_ROTATE_REFRESH_TOKENS: boolean = false;

  @IsInt()
  @Min(0)
  JWT_REFRESH_GRACE_SECONDS: number = 0;

  @IsInt()
  @Min(1)
  REVOCATION_TIMEOUT_MS: number = 1000;

  /** How long guards answer from the last revocations after Redis drops (revocationMaxStaleness); 0: none. */
  @IsNumber()
  @Min(0)
  @Max(3600)
  REVOCATION_MAX_STALENESS_SECONDS: number = 30;

  /** Where tokens are read from, in order: `headers`, `cookies`, `query_string`, `json` (comma list). */
  @Matches(/^(headers|cookies|query_string|json)(,(headers|cookies|query_string|json))*$/, {
    message: 'JWT_TOKEN_LOCATION must be a comma list of headers, cookies, query_string, json',
  })
  JWT_TOKEN_LOCATION: string = 'headers,cookies';

  /**
   * The `Secure` cookie attribute. Off by default here because the demo serves plain HTTP on 127.0.0.1; turn it on
   * behind HTTPS (the library's own default is on).
   */
  @IsBoolean()
  JWT_COOKIE_SECURE: boolean = false;

  /** Seconds before expiry within which a cookie-borne access token is renewed (default: half its lifetime). */
  @IsOptional()
  @IsInt()
  @Min(1)
  JWT_IMPLICIT_REFRESH_SECONDS?: number;

  /** `flask`: refusals answered as Flask-JWT-Extended does (statuses and `{ "msg": ... }` bodies). */
  @IsIn(['default', 'flask'])
  JWT_ERROR_FORMAT: 'default' | 'flask' = 'default';

  /** `production` turns GraphQL introspection off. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** GraphQL's document limits (token, alias, depth and cost caps); `false` only to measure the library without them. */
  @IsBoolean()
  GRAPHQL_LIMITS: boolean = true;

  /** Failed logins per username within JWT_LOGIN_WINDOW_SECONDS before 429 (loginThrottle.maxFailures). */
  @IsInt()
  @Min(1)
  JWT_LOGIN_MAX_FAILURES: number = 5;

  /** Login attempts per client address within the window, any username (loginThrottle.maxFailuresPerAddress). */
  @IsInt()
  @Min(1)
  JWT_LOGIN_MAX_FAILURES_PER_ADDRESS: number = 100;

  /** The login throttle's window and first lockout, in seconds (loginThrottle.window). */
  @IsInt()
  @Min(1)
  JWT_LOGIN_WINDOW_SECONDS: number = 15 * 60;

  /** Origins trusted for cookie-authenticated unsafe requests besides the demo's own (csrf.trustedOrigins), comma list. */
  @IsOptional()
  @IsString()
  JWT_TRUSTED_ORIGINS?: string;

  /** `alice:secret,bob:pw`; replaces the default `test` / `test` user. */
  @IsOptional()
  @IsString()
  DEMO_USERS?: string;
}

const OPTIONAL_VARIABLES = [
  'JWT_SECRET_KEY',
  'JWT_PRIVATE_KEY',
  'JWT_PUBLIC_KEY',
  'JWT_KID',
  'JWT_VERIFICATION_KEYS',
  'DEMO_USERS',
  'REDIS_URL',
  'JWT_IMPLICIT_REFRESH_SECONDS',
  'NODE_ENV',
  'JWT_TRUSTED_ORIGINS',
];

/** Turns `process.env` into a {@link DemoEnv}, or stops the app with every bad variable named. */
export function validateDemoEnv(raw: Record<string, unknown>): DemoEnv {
  const known = Object.fromEntries(
    Object.keys(new DemoEnv())
      .concat(OPTIONAL_VARIABLES)
      .filter((key) => raw[key] !== undefined && raw[key] !== '')
      .map((key) => [key, raw[key]]),
  );
  // Implicit conversion would read the string 'false' as true.
  for (const flag of ['JWT_ROTATE_REFRESH_TOKENS', 'JWT_COOKIE_SECURE', 'GRAPHQL_LIMITS']) {
    const value = known[flag];
    if (typeof value === 'string') known[flag] = { true: true, false: false }[value] ?? value;
  }
  const env = plainToInstance(DemoEnv, known, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid environment: ${details.join('; ')}`);
  }
  return env;
}
