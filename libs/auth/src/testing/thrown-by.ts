/**
 * What `fn` throws; fails the test when it returns instead. For the unit specs only (not built into the package).
 *
 * @example
 * ```ts
 * expect((thrownBy(() => verifier.verify('x')) as AuthError).code).toBe('invalid_token');
 * ```
 */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
