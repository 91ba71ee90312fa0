import { invalidToken } from '../errors/auth-error.js';

// Header parameters registered by RFC 7515, 7516 and 7519: never legitimate in `crit` (RFC 7515 section 4.1.11).
const REGISTERED: ReadonlySet<string> = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
]);

/**
 * The JOSE header rules that do not depend on keys. `crit` names extensions the verifier must understand or refuse;
 * this library understands none, so any `crit` is refused, with a message saying which rule it broke. `typ`, when
 * present, must be a string. `jku`, `x5u`, `jwk` and `x5c` are left alone: they are never fetched nor trusted.
 */
export function assertHeaderUnderstood(header: Record<string, unknown>): void {
  const { crit, typ } = header;
  if (crit !== undefined) {
    if (
      !Array.isArray(crit) ||
      crit.length === 0 ||
      !crit.every((name) => typeof name === 'string' && name.length > 0)
    ) {
      throw invalidToken('Token header crit must be a non-empty array of names');
    }
    if (new Set(crit).size !== crit.length) throw invalidToken('Token header crit lists a name twice');
    if (crit.some((name: string) => REGISTERED.has(name)))
      throw invalidToken('Token header crit lists a registered header parameter');
    if (crit.some((name: string) => !Object.hasOwn(header, name)))
      throw invalidToken('Token header crit lists a parameter the header lacks');
    throw invalidToken('Token header crit lists an unsupported extension');
  }
  if (typ !== undefined && typeof typ !== 'string') throw invalidToken('Token header has an invalid typ');
}
