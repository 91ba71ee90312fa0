import { type FactoryProvider, Logger, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/** The passport strategies registered by `AuthModule`; an empty list when the passport packages are not installed. */
export const PASSPORT_STRATEGIES = Symbol('nest-jwt-extended:passport-strategies');

/** The optional peers the strategies load, in the order an app installs them. */
const PASSPORT_PACKAGES = ['@nestjs/passport', 'passport', 'passport-jwt'] as const;

/** Loads the strategy classes; fails as `import()` does when a package is missing. */
export type StrategiesLoader = () => Promise<readonly Type<unknown>[]>;

const loadStrategies: StrategiesLoader = async () => (await import('./jwt-strategies.js')).JWT_STRATEGIES;
const loadsNestPassport = (): Promise<boolean> =>
  import('@nestjs/passport').then(
    () => true,
    () => false,
  );

/**
 * Registers the passport strategies `jwt-access`, `jwt-fresh` and `jwt-refresh` when @nestjs/passport, passport and
 * passport-jwt are installed, so `AuthGuard('jwt-access')` works with nothing more than `npm install`; without them,
 * registers nothing and loads none of them (the library's guards never need passport). A dynamic `import()` in an
 * async provider rather than a top-level await: CommonJS apps load the library through `require(esm)`, which refuses
 * modules with top-level await.
 */
export async function registerPassportStrategies(
  moduleRef: ModuleRef,
  load: StrategiesLoader = loadStrategies,
  nestPassportLoads: () => Promise<boolean> = loadsNestPassport,
): Promise<readonly unknown[]> {
  let strategies: readonly Type<unknown>[];
  try {
    strategies = await load();
  } catch (error) {
    const missing = missingPassportPackage(error);
    if (missing === undefined) throw error;
    // Half installed: the app can write AuthGuard('jwt-access') but would get "Unknown authentication strategy".
    if (missing !== '@nestjs/passport' && (await nestPassportLoads())) {
      new Logger('AuthModule').warn(
        `nest-jwt-extended: @nestjs/passport is installed but ${missing} is not, so the passport strategies ` +
          `'jwt-access', 'jwt-fresh' and 'jwt-refresh' are not registered: npm install passport passport-jwt`,
      );
    }
    return [];
  }
  // Each constructor registers its strategy with passport (PassportStrategy's mixin calls passport.use).
  return Promise.all(strategies.map((strategy) => moduleRef.create(strategy)));
}

/** The passport package whose absence `error` reports, if that is what it reports. */
export function missingPassportPackage(error: unknown): (typeof PASSPORT_PACKAGES)[number] | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  // ERR_MODULE_NOT_FOUND from import(); MODULE_NOT_FOUND from a CommonJS loader (and jest's).
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  return PASSPORT_PACKAGES.find((name) => error.message.includes(`'${name}'`));
}

/** `AuthModule`'s provider of the passport strategies: resolved at start-up, before the first request. */
export const passportStrategiesProvider: FactoryProvider<Promise<readonly unknown[]>> = {
  provide: PASSPORT_STRATEGIES,
  inject: [ModuleRef],
  useFactory: (moduleRef: ModuleRef) => registerPassportStrategies(moduleRef),
};
