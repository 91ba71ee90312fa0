/** Now, in whole seconds since the epoch: the unit of `iat`, `exp`, `nbf` and every revocation expiry. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
