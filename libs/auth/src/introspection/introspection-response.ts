/**
 * An RFC 7662 introspection answer: exactly `{ "active": false }` for any token that would not be accepted (expired,
 * forged, wrong audience, revoked, unparseable), or the live token's claims. Never the token.
 *
 * @example
 * ```ts
 * const answer: IntrospectionResponse = { active: true, sub: 'alice', exp: 1767312900, iat: 1767312000,
 *   jti: '5f0c...', sid: '9a1b...', token_type: 'access' };
 * ```
 */
export type IntrospectionResponse = { active: false } | ActiveTokenIntrospection;

/** What an active token's introspection tells (RFC 7662 section 2.2). Claims the token lacks are left out. */
export interface ActiveTokenIntrospection {
  active: true;
  /** The identity (`sub`, or the configured `identityClaim`). */
  sub: string;
  exp: number;
  iat: number;
  iss?: string;
  aud?: string | string[];
  jti: string;
  sid?: string;
  token_type: 'access' | 'refresh';
  /** Space-separated scopes, from the token's `scope` claim (a string, or a list of strings). */
  scope?: string;
}
