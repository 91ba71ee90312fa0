import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';

/**
 * The name of the unnamed configuration (`AuthModule.forRoot({ ... })` without `name`), as guards list it
 * (`JwtAuthGuard.for(['default', 'partner'])`) and `@CurrentConfig()` reports it.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard.for([DEFAULT_CONFIGURATION, 'partner']))
 * @Get('any/whoami')
 * whoami(@CurrentConfig() config: string) { return { config }; }
 * ```
 */
export const DEFAULT_CONFIGURATION = 'default';

// Printable and short: it ends up in injection tokens, class names and error messages.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** The named configurations this process has declared (`forRoot` / `forRootAsync` with `name`): for error messages. */
const declared = new Set<string>();

/**
 * Checks a configuration name where it is given (`option` names the place: `name`, or `JwtAuthGuard.for`). `default`
 * is the unnamed configuration's and cannot be declared again.
 */
export function assertConfigurationName(name: unknown, option: string, declaring = false): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidAuthOptionError(
      option,
      `must be a configuration name: a letter or digit, then up to 63 letters, digits, "_", ".", ":" or "-" (got ${JSON.stringify(name)})`,
    );
  }
  if (declaring && name === DEFAULT_CONFIGURATION) {
    throw new InvalidAuthOptionError(option, `"${DEFAULT_CONFIGURATION}" is the unnamed configuration's name`);
  }
}

/** Records a declared name (for the message of a guard naming a configuration that does not exist). Internal. */
export function declareConfigurationName(name: string): void {
  declared.add(name);
}

/** The named configurations declared so far, for error messages. Internal. */
export function declaredConfigurationNames(): string[] {
  return [...declared];
}

/**
 * The injection token of a configuration's `kind` of service: the class itself for the default configuration, a
 * string naming both for a named one. For `moduleRef.get(...)` and `@Inject(...)`; the `Inject...` decorators wrap it.
 *
 * @example
 * ```ts
 * const partnerTokens = moduleRef.get<TokenService>(configurationToken('partner', TokenService), { strict: false });
 * ```
 */
export function configurationToken<T>(name: string, kind: abstract new (...args: never[]) => T): string | typeof kind {
  if (name === DEFAULT_CONFIGURATION) return kind;
  return `nest-jwt-extended:${kind.name}(${name})`;
}

/** The injection token of the configuration's own name, inside a named configuration's module. Internal. */
export const CONFIGURATION_NAME = Symbol('nest-jwt-extended:configuration-name');
