import type { Type } from '@nestjs/common';
import type { JwtGuard } from '../guards/jwt-guard.js';
import { anyConfigurationGuard } from './any-configuration-guard.js';
import { assertConfigurationName, DEFAULT_CONFIGURATION } from './configuration-name.js';
import { configuredGuard, type GuardClass } from './configured-guard.js';

// One class per guard and list of names: `@UseGuards(JwtAuthGuard.for('partner'))` on ten routes is one guard
// instance per module, as `@UseGuards(JwtAuthGuard)` is. Bound by the names an application writes in its code.
const made = new WeakMap<GuardClass, Map<string, Type<JwtGuard>>>();

/**
 * The guard class `base` on one configuration (`'partner'`), or on the first of several that accepts the token
 * (`['default', 'partner']`). `'default'` alone is `base` itself, so the unnamed configuration's guard is unchanged.
 * Names are checked here, when the decorator is applied; whether the configuration exists, when the guard is created
 * at start-up. Internal: `JwtAuthGuard.for`, `FreshJwtGuard.for` and `RefreshJwtGuard.for` call it.
 */
export function guardFor(base: GuardClass, configurations: string | readonly string[]): Type<JwtGuard> {
  const option = `${base.name}.for`;
  const names = typeof configurations === 'string' ? [configurations] : configurations;
  if (!Array.isArray(names) || names.length === 0) {
    throw new TypeError(`nest-jwt-extended: ${option} takes a configuration name or a non-empty list of them`);
  }
  for (const name of names) assertConfigurationName(name, option);
  if (new Set(names).size !== names.length) {
    throw new TypeError(`nest-jwt-extended: ${option} lists a configuration more than once`);
  }
  if (names.length === 1 && names[0] === DEFAULT_CONFIGURATION) return base;
  let byNames = made.get(base);
  if (byNames === undefined) made.set(base, (byNames = new Map()));
  const key = names.join('\n');
  let guard = byNames.get(key);
  if (guard === undefined) {
    guard = names.length === 1 ? configuredGuard(base, names[0]) : anyConfigurationGuard(base, names);
    byNames.set(key, guard);
  }
  return guard;
}
