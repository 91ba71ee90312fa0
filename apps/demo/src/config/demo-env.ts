import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** The demo's environment, checked once at start-up (the @nestjs/config `validate` hook). */
export class DemoEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  @IsString() @MinLength(1)
  HOST: string = '127.0.0.1';

  @IsOptional() @IsString()
  JWT_SECRET_KEY?: string;

  @IsInt() @Min(1)
  JWT_ACCESS_TOKEN_EXPIRES: number = 15 * 60;

  @IsInt() @Min(1)
  JWT_REFRESH_TOKEN_EXPIRES: number = 30 * 24 * 60 * 60;

  @IsIn(['express', 'fastify'])
  HTTP_ADAPTER: 'express' | 'fastify' = 'express';

  /** With it, revocations and rotation state live in Redis and are shared by every instance. */
  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of the demo's Redis keys, so several apps (or test runs) can share one Redis. */
  @IsString() @MinLength(1)
  REDIS_KEY_PREFIX: string = 'nest-jwt-extended:';

  @IsBoolean()
  JWT_ROTATE_REFRESH_TOKENS: boolean = false;

  @IsInt() @Min(0)
  JWT_REFRESH_GRACE_SECONDS: number = 0;

  @IsInt() @Min(1)
  REVOCATION_TIMEOUT_MS: number = 1000;

  /** `alice:secret,bob:pw`; replaces the default `test` / `test` user. */
  @IsOptional() @IsString()
  DEMO_USERS?: string;
}

/** Turns `process.env` into a {@link DemoEnv}, or stops the app with every bad variable named. */
export function validateDemoEnv(raw: Record<string, unknown>): DemoEnv {
  const known = Object.fromEntries(Object.keys(new DemoEnv()).concat('JWT_SECRET_KEY', 'DEMO_USERS', 'REDIS_URL')
    .filter((key) => raw[key] !== undefined && raw[key] !== '')
    .map((key) => [key, raw[key]]));
  // Implicit conversion would read the string 'false' as true.
  if (typeof known.JWT_ROTATE_REFRESH_TOKENS === 'string') {
    known.JWT_ROTATE_REFRESH_TOKENS = { true: true, false: false }[known.JWT_ROTATE_REFRESH_TOKENS] ?? known.JWT_ROTATE_REFRESH_TOKENS;
  }
  const env = plainToInstance(DemoEnv, known, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid environment: ${details.join('; ')}`);
  }
  return env;
}
