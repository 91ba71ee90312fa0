import { createRequire } from 'node:module';
import type { Cluster, Redis } from 'ioredis';

/** The parts of ioredis the Redis store builds its connections with. */
export interface IoredisModule {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

/** Loads a CommonJS module by name, synchronously, as `require` does (`MODULE_NOT_FOUND` when it is missing). */
export type ModuleRequire = (name: string) => unknown;

/** The message an app without ioredis gets when it builds a `RedisRevocationStore`. */
export const IOREDIS_MISSING = 'nest-jwt-extended/redis needs ioredis: npm install ioredis';

/**
 * ioredis, an optional peer, loaded when a store is built rather than when `nest-jwt-extended/redis` is imported: an
 * app without it then fails where it asks for Redis, with {@link IOREDIS_MISSING} (the loader's error as `cause`),
 * not with a bare module-not-found at start-up. ioredis is CommonJS, so `require` loads it synchronously inside a
 * constructor; no top-level await, since CommonJS apps load this library through `require(esm)`, which refuses
 * modules that have one.
 */
export function loadIoredis(load: ModuleRequire = createRequire(import.meta.url)): IoredisModule {
  try {
    return load('ioredis') as IoredisModule;
  } catch (error) {
    if (!isIoredisMissing(error)) throw error;
    throw new Error(IOREDIS_MISSING, { cause: error });
  }
}

/** Whether `error` says that ioredis itself is not installed (not one of its own dependencies). */
function isIoredisMissing(error: unknown): boolean {
  // Duck-typed: require's error comes from Node's realm, which is not a test runner's.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  // MODULE_NOT_FOUND from require(); ERR_MODULE_NOT_FOUND from import(), should a loader use it.
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String(message).includes(`'ioredis'`);
}
