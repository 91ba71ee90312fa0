import { type DynamicModule, Inject, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, ModulesContainer } from '@nestjs/core';
import { markAuthModulePresent } from '../auth-module-presence.js';
import { AUTH_TESTING_OPTIONS } from '../auth.internal-constants.js';
import { AuthErrorResponder } from '../errors/auth-error-responder.js';
import { AuthCookies } from '../cookies/auth-cookies.service.js';
import { HeaderTokenExtractor } from '../extractors/header-token.extractor.js';
import { TokenExtractor } from '../extractors/token-extractor.js';
import { RequestVerifier } from '../guards/request-verifier.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { ImplicitRefresh } from '../sessions/implicit-refresh.js';
import { SessionService } from '../sessions/session.service.js';
import { StepUpService } from '../sessions/step-up.service.js';
import { passportStrategiesProvider } from '../strategies/passport-strategies.provider.js';
import { JwksService } from '../tokens/jwks.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { TokenService } from '../tokens/token.service.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import {
  assertConfigurationName,
  CONFIGURATION_NAME,
  configurationToken,
  declareConfigurationName,
} from './configuration-name.js';
import { ConfiguredVerificationPipeline } from './configured-verification-pipeline.js';

/** What a named configuration offers under its name (`configurationToken(name, Kind)`); the rest stays inside it. */
const OFFERED: readonly Type<unknown>[] = [
  VerificationPipeline,
  TokenExtractor,
  HeaderTokenExtractor,
  ImplicitRefresh,
  TokenVerifier,
  TokenService,
  SessionService,
  StepUpService,
  RequestVerifier,
  RevocationService,
  RevocationView,
  AuthCookies,
  JwksService,
  IntrospectionService,
  AuthErrorResponder,
];

// One module class per name: Nest keeps each configuration's providers apart (their class tokens are private to their
// module), and two modules of the same class are two configurations given the same name.
const moduleClasses = new Map<string, Type<unknown>>();

/**
 * Turns `AuthModule.forRoot` / `forRootAsync`'s definition into a named configuration's: the same providers as the
 * unnamed configuration (`providers`, AuthModule's own list), each private to a module of its own, and offered to the
 * application under names of their own (`configurationToken('partner', TokenService)`), so nothing collides with the
 * unnamed configuration's. The module is global: guards and `Inject...` decorators reach it from any module. Left out:
 * the app-wide exception filter (the unnamed configuration's answers every refusal, in the `errorFormat` of the
 * configuration that refused) and the passport strategies (passport has one registry per process; use the guards);
 * AuthTestingModule's rewrite of keys and store applies to the unnamed configuration only (its clock to all).
 * Internal: `AuthModule.forRoot` calls it when given a `name`.
 */
export function namedConfiguration(
  definition: DynamicModule,
  name: unknown,
  providers: readonly Provider[],
): DynamicModule {
  assertConfigurationName(name, 'name', true);
  declareConfigurationName(name);
  const own = providers
    .filter((provider) => provider !== passportStrategiesProvider && !isProviderOf(provider, APP_FILTER))
    .map((provider) =>
      provider === VerificationPipeline
        ? { provide: VerificationPipeline, useClass: ConfiguredVerificationPipeline }
        : provider,
    );
  const offered = OFFERED.map((kind) => ({ provide: configurationToken(name, kind) as string, useExisting: kind }));
  return {
    module: moduleClassOf(name),
    global: true,
    imports: definition.imports ?? [],
    providers: [
      ...own,
      ...(definition.providers ?? []),
      { provide: CONFIGURATION_NAME, useValue: name },
      // AuthTestingModule rewrites the unnamed configuration's keys and store (a random HS256 secret): a named one keeps
      // its own, since an external one cannot take a secret, and AuthTesting mints for the unnamed one only.
      { provide: AUTH_TESTING_OPTIONS, useValue: undefined },
      ...offered,
    ],
    exports: offered.map((provider) => provider.provide),
  };
}

function isProviderOf(provider: Provider, token: unknown): boolean {
  return typeof provider === 'object' && provider !== null && 'provide' in provider && provider.provide === token;
}

function moduleClassOf(name: string): Type<unknown> {
  let moduleClass = moduleClasses.get(name);
  if (moduleClass !== undefined) return moduleClass;
  class NamedAuthConfiguration {
    constructor(@Inject(ModulesContainer) modules: ModulesContainer) {
      const same = [...modules.values()].filter((module) => module.metatype === moduleClass).length;
      if (same > 1) {
        throw new Error(
          `nest-jwt-extended: ${same} AuthModule configurations have the name "${name}" (the name option). Give each ` +
            'configuration a name of its own.',
        );
      }
      markAuthModulePresent();
    }
  }
  Object.defineProperty(NamedAuthConfiguration, 'name', { value: `AuthModule(${name})` });
  moduleClasses.set(name, (moduleClass = NamedAuthConfiguration));
  return moduleClass;
}
