import { Inject, Injectable, Optional, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenExtractor } from '../extractors/token-extractor.js';
import type { JwtGuard } from '../guards/jwt-guard.js';
import { ImplicitRefresh } from '../sessions/implicit-refresh.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import { configurationToken, declaredConfigurationNames } from './configuration-name.js';

/** A guard class as `JwtAuthGuard.for` extends it: the library's guards, or a subclass taking the same arguments. */
export type GuardClass = new (
  reflector: Reflector,
  pipeline?: VerificationPipeline,
  extractor?: TokenExtractor,
  implicitRefresh?: ImplicitRefresh,
) => JwtGuard;

/**
 * `base` (`JwtAuthGuard`, `FreshJwtGuard`, ...) on the named configuration `name`: the same class, given that
 * configuration's pipeline, extractor and implicit refresh instead of the default ones. Everything per route is
 * decided once per handler, as for the default guard; a request does the same work on it. A configuration that does
 * not exist stops the app when the guard is created, naming it. Internal: see `JwtAuthGuard.for`.
 */
export function configuredGuard(base: GuardClass, name: string): Type<JwtGuard> {
  const label = `${base.name}.for('${name}')`;

  @Injectable()
  class ConfiguredGuard extends base {
    // The base's own (a concrete guard's); declared so that the compiler knows it is there.
    declare protected readonly policy: TokenPolicy;

    constructor(
      reflector: Reflector,
      @Optional() @Inject(configurationToken(name, VerificationPipeline)) pipeline?: VerificationPipeline,
      @Optional() @Inject(configurationToken(name, TokenExtractor)) extractor?: TokenExtractor,
      @Optional() @Inject(configurationToken(name, ImplicitRefresh)) implicitRefresh?: ImplicitRefresh,
    ) {
      if (pipeline === undefined) throw unknownConfiguration(label, name);
      super(reflector, pipeline, extractor, implicitRefresh);
    }
  }
  Object.defineProperty(ConfiguredGuard, 'name', { value: label });
  return ConfiguredGuard;
}

/** The start-up error of a guard that names a configuration no module declares. */
export function unknownConfiguration(guard: string, name: string): Error {
  const known = declaredConfigurationNames();
  return new Error(
    `nest-jwt-extended: ${guard} names the configuration "${name}", which is not configured. Declare it with ` +
      `AuthModule.forRoot({ name: '${name}', ... }) (or forRootAsync) in the application` +
      (known.length > 0 ? `; the named configurations declared are: ${known.join(', ')}` : '') +
      '. The unnamed configuration is "default".',
  );
}
