import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import type { TokenSettings } from '../tokens/token-settings.js';
import type { RevocationSettings } from '../revocation/revocation-settings.js';
import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import type { SessionSettings } from '../sessions/session-settings.js';
import type { ErrorSettings } from '../errors/error-settings.js';
import type { EventSettings } from '../events/event-settings.js';
import type { GuardSettings } from '../guards/guard-settings.js';
import type { IntrospectionSettings } from '../introspection/introspection-settings.js';
import type { DpopSettings } from '../dpop/dpop-settings.js';
import type { ThrottleSettings } from '../throttling/throttle-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { assertKnownOptions } from './known-options.js';
import { resolveBrowserOptions } from './resolve-browser-options.js';
import { resolveDpopOptions } from './resolve-dpop-options.js';
import { resolveExternalOptions } from './resolve-external-options.js';
import { resolveHookOptions } from './resolve-hook-options.js';
import { resolveIntrospectionOptions } from './resolve-introspection-options.js';
import { resolveKeyOptions } from './resolve-key-options.js';
import { resolveRevocationOptions } from './resolve-revocation-options.js';
import { resolveSessionOptions } from './resolve-session-options.js';
import { resolveThrottleOptions } from './resolve-throttle-options.js';
import { resolveTokenOptions } from './resolve-token-options.js';

/**
 * Options after validation: keys built once, durations in seconds, defaults filled in. What the module provides under
 * `RESOLVED_AUTH_OPTIONS`: every feature's settings composed, so that each service can take just the settings its own
 * folder declares while one object, resolved once, serves them all.
 */
export interface ResolvedAuthOptions
  extends
    TokenSettings,
    RevocationSettings,
    SessionSettings,
    ExtractionSettings,
    ErrorSettings,
    EventSettings,
    GuardSettings,
    IntrospectionSettings,
    DpopSettings,
    ThrottleSettings {
  /** The signing algorithm, and the one the signing key verifies with. */
  readonly algorithm: JwtAlgorithm;
  /** Undefined here: the module provides the default store. */
  readonly revocationStore?: RevocationStore;
}

/**
 * Validates the user's options once, at start-up, and builds the key objects. Each feature's options are resolved
 * (checked, defaults filled in) by a resolver of its own, in the order their settings depend on one another: the
 * lifetimes bound the session and the revocation window, and the error format names the header and identity claim.
 */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidAuthOptionError('options', 'must be an object');
  }
  assertKnownOptions(options);
  // Not external (the app's own tokens). First: an external configuration given a signing key is told so, by name.
  const external = resolveExternalOptions(options);
  // algorithm HS256; secret, or privateKey and/or publicKey; kid; verificationKeys; jwks (cached 10 min).
  const keys = resolveKeyOptions(options);
  // identityClaim sub; access tokens 15 min, refresh tokens 30 days; leeway 0; no issuer, no audience (a token with
  // aud refused), accepted ones as minted; string identities; nbf written; tokens up to 8192 characters; 10,000 verified tokens remembered; tokenTypes access and refresh.
  const tokens = resolveTokenOptions(options);
  // sessionMaxAge the refresh-token lifetime; no rotation, no grace period; claims carried on refresh.
  const sessions = resolveSessionOptions(options, tokens.refreshTokenTtl);
  // The module's store; 1 s per store call; fail closed; a view at most 30 s stale.
  const revocation = resolveRevocationOptions(options, { ...tokens, ...sessions });
  // Authorization: Bearer; headers only; cookies Secure, SameSite=Lax; CSRF on for cookies; no implicit refresh.
  const browser = resolveBrowserOptions(options, tokens.accessTokenTtl);
  // Implicit refresh mints a new token from the identity of the one it renews, and we mint string identities only.
  if (!tokens.verifySub && browser.implicitRefreshWithin !== false) {
    throw new InvalidAuthOptionError(
      'verifySub',
      'false cannot go with implicitRefresh: renewing a token whose identity is not a string would mint one that is',
    );
  }
  // No hooks; errors answered as Nest answers them.
  const hooks = resolveHookOptions(options, { headerName: browser.headerName, identityClaim: tokens.identityClaim });
  // No introspection client: every introspection request 401.
  const introspection = resolveIntrospectionOptions(options);
  // DPoP off; with `dpop: true`, proofs of ES256, Ed25519, EdDSA, PS256 or RS256, at most 60 s old, in memory.
  const dpop = resolveDpopOptions(options, browser.headerScheme);
  // 5 failed logins per username and 100 per address in 15 minutes; lockouts doubling up to 24 hours.
  const throttle = resolveThrottleOptions(options);
  return {
    ...keys,
    ...tokens,
    ...sessions,
    ...revocation,
    ...browser,
    ...hooks,
    ...introspection,
    ...dpop,
    ...throttle,
    ...(external !== undefined && { external }),
  };
}
