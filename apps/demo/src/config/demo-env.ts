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

  /**
   * DPoP (RFC 9449): `optional` (default) binds the tokens of a login or refresh that carries a `DPoP` proof and leaves
   * the others bearer tokens; `required` refuses logins without a proof and unbound tokens; `off` reads no proof.
   */
  @IsIn(['off', 'optional', 'required'])
  DPOP: 'off' | 'optional' | 'required' = 'optional';

  /** The origin clients call the demo at (`https://api.example.com`) when it runs behind a proxy: `htu` is checked on it. */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#]+$/, { message: 'DPOP_ORIGIN must be an origin such as https://api.example.com' })
  DPOP_ORIGIN?: string;

  /** Server nonces for DPoP proofs (`use_dpop_nonce`, `DPoP-Nonce`). */
  @IsBoolean()
  DPOP_NONCE: boolean = false;
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

  /**
   * Base32 TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s) every demo user has as a second factor for `POST /step-up`;
   * at least 16 bytes (26 base32 characters). Unset: no second factor, a step-up reaches `acr: "pwd"` only.
   */
  @IsOptional()
  @Matches(/^[A-Z2-7]{26,}=*$/i, { message: 'DEMO_TOTP_SECRET must be base32 of at least 16 bytes (26 characters)' })
  DEMO_TOTP_SECRET?: string;

  /** How recent (seconds) the authentication must be for `GET /account/recent-auth` (`@RequireAuth({ maxAge })`). */
  @IsInt()
  @Min(1)
  STEP_UP_MAX_AGE_SECONDS: number = DEFAULT_STEP_UP_MAX_AGE_SECONDS;

  /** `id:secret,id2:secret2`: the clients allowed to call `POST /introspect` (HTTP Basic). Unset: none. */
  @IsOptional()
  @Matches(/^[^:,\s]+:[^,]+(,[^:,\s]+:[^,]+)*$/, {
    message: 'INTROSPECTION_CLIENTS must be a comma list of id:secret',
  })
  INTROSPECTION_CLIENTS?: string;

  /**
   * With PARTNER_ISSUER and PARTNER_AUDIENCE: the JWKS of a partner's identity provider, whose access tokens the
   * verify-only configuration `partner` accepts (RS256, ES256) on /partner/* and /any/whoami. Unset: no partner.
   */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'PARTNER_JWKS_URL must be an http:// or https:// URL' })
  PARTNER_JWKS_URL?: string;

  /** The `iss` of the partner's tokens, compared exactly. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_ISSUER?: string;

  /** The `aud` the partner's tokens must name. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PARTNER_AUDIENCE?: string;
}

/** The three variables of the partner configuration: all of them, or none. */
export const PARTNER_VARIABLES = ['PARTNER_JWKS_URL', 'PARTNER_ISSUER', 'PARTNER_AUDIENCE'] as const;

/** `STEP_UP_MAX_AGE_SECONDS` when unset. */
export const DEFAULT_STEP_UP_MAX_AGE_SECONDS = 300;

/**
 * `STEP_UP_MAX_AGE_SECONDS` as `@RequireAuth()` needs it, when the controller's module is loaded (a decorator's
 * argument is fixed then, before @nestjs/config runs). A bad value gives the default here; {@link validateDemoEnv}
 * then stops the app naming the variable.
 */
export function stepUpMaxAgeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.STEP_UP_MAX_AGE_SECONDS);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_STEP_UP_MAX_AGE_SECONDS;
}

/** `INTROSPECTION_CLIENTS` as AuthModule's `introspection.clients`; a secret may itself contain `:`. */
export function parseIntrospectionClients(spec: string): Array<{ id: string; secret: string }> {
  return spec.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    if (colon < 1 || colon === entry.length - 1)
      throw new Error('INTROSPECTION_CLIENTS: each entry must be id:secret, separated by commas');
    return { id: entry.slice(0, colon), secret: entry.slice(colon + 1) };
  });
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
  'DEMO_TOTP_SECRET',
  'INTROSPECTION_CLIENTS',
  'DPOP_ORIGIN',
  'NODE_ENV',
  'JWT_TRUSTED_ORIGINS',
  ...PARTNER_VARIABLES,
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
  for (const flag of ['JWT_ROTATE_REFRESH_TOKENS', 'JWT_COOKIE_SECURE', 'DPOP_NONCE', 'GRAPHQL_LIMITS']) {
    const value = known[flag];
    if (typeof value === 'string') known[flag] = { true: true, false: false }[value] ?? value;
  }
  const env = plainToInstance(DemoEnv, known, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid environment: ${details.join('; ')}`);
  }
  const partner = PARTNER_VARIABLES.filter((name) => env[name] !== undefined);
  if (partner.length > 0 && partner.length < PARTNER_VARIABLES.length) {
    const missing = PARTNER_VARIABLES.filter((name) => env[name] === undefined);
    throw new Error(`Invalid environment: ${missing.join(', ')} must be set with ${partner.join(', ')}`);
  }
  return env;
}
