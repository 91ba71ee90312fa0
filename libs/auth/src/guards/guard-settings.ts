import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { VerificationSettings } from '../verification/verification-settings.js';

/** The user loader as an option: `loadUser(identity, claims)`; `undefined` or `null` when there is no such user. */
export type LoadUser = (identity: string, claims: JwtClaims) => unknown;

/** The resolved settings that the guards and `RequestVerifier` read. Declared beside the code that reads them. */
export interface GuardSettings extends VerificationSettings {
  /** The `loadUser` option. */
  readonly loadUser?: LoadUser;
}
