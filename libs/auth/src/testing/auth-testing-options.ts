import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';

/**
 * Options of `AuthTestingModule.forRoot()`.
 *
 * @example
 * ```ts
 * AuthTestingModule.forRoot({ startAt: new Date('2030-01-01T00:00:00Z'), options: { accessTokenExpiresIn: '5m' } });
 * ```
 */
export interface AuthTestingOptions {
  /** Where the test clock starts: epoch milliseconds or a `Date`. Default: the real now, when the module is built. */
  startAt?: number | Date;
  /**
   * Options laid over the app's own for the test (lifetimes, rotation, loaders...). The keys (`secret`, `privateKey`,
   * `publicKey`, `kid`, `verificationKeys`, `jwks`, `algorithm`), the `revocationStore` and `onEvent` are always the
   * testing module's: a random HS256 secret, a memory store on the test clock, and a recorder (the app's `onEvent`
   * is still called).
   */
  options?: Partial<AuthModuleOptions>;
}
