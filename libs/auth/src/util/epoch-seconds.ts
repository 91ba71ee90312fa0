/**
 * Now, in whole seconds since the epoch: the unit of `iat`, `exp`, `nbf` and every revocation expiry. `now` is the
 * injected clock's (see `nowOf`); `Date.now` when none is.
 */
export function epochSeconds(now: () => number = Date.now): number {
  return Math.floor(now() / 1000);
}
