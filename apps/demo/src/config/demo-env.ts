import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';

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

  /** `alice:secret,bob:pw`; replaces the default `test` / `test` user. */
  @IsOptional() @IsString()
  DEMO_USERS?: string;
}

/** Turns `process.env` into a {@link DemoEnv}, or stops the app with every bad variable named. */
export function validateDemoEnv(raw: Record<string, unknown>): DemoEnv {
  const known = Object.fromEntries(Object.keys(new DemoEnv()).concat('JWT_SECRET_KEY', 'DEMO_USERS')
    .filter((key) => raw[key] !== undefined && raw[key] !== '')
    .map((key) => [key, raw[key]]));
  const env = plainToInstance(DemoEnv, known, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid environment: ${details.join('; ')}`);
  }
  return env;
}
