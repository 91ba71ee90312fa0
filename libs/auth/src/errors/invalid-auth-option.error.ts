/**
 * Thrown at start-up when an {@link AuthModuleOptions} value is missing or weak. `option` names the field.
 *
 * @example
 * ```ts
 * // AuthModule.forRoot({ secret: 'short' }) stops the app with:
 * // InvalidAuthOptionError: nest-jwt-extended: option "secret" must be at least 32 bytes for HS256 (got 5)
 * ```
 */
export class InvalidAuthOptionError extends Error {
  constructor(
    /** The name of the option at fault. */
    readonly option: string,
    reason: string,
  ) {
    super(`nest-jwt-extended: option "${option}" ${reason}`);
    this.name = 'InvalidAuthOptionError';
  }
}
