import type { IntrospectionClient } from '../introspection/introspection-settings.js';
import type { DpopOptions } from './dpop-options.interface.js';
import type { ExternalTokenOptions } from './external-token-options.interface.js';
import type { LoginThrottleOptions } from './login-throttle-options.interface.js';

/**
 * The options of the features an app turns on one by one: introspection, DPoP, login throttling and verify-only
 * configurations. Part of `AuthModuleOptions` (which extends this interface); each is off, or at its default, when
 * left out.
 *
 * @example
 * ```ts
 * const features: FeatureOptions = { dpop: true, loginThrottle: { maxFailures: 10 } };
 * AuthModule.forRoot({ secret, ...features });
 * ```
 */
export interface FeatureOptions {
  /**
   * RFC 7662 token introspection (`IntrospectionController`, `IntrospectionService`): the clients allowed to ask, by
   * HTTP Basic. Without it every introspection request is refused with 401 `invalid_client`.
   *
   * @example
   * ```ts
   * introspection: { clients: [{ id: 'gateway', secret: process.env.GATEWAY_SECRET! }] },
   * ```
   */
  introspection?: { clients: readonly IntrospectionClient[] };
  /**
   * DPoP (RFC 9449, [DPoP](../../docs/dpop.md)): tokens bound to a key the client proves on every request. Default off.
   */
  dpop?: boolean | DpopOptions;
  /**
   * Limits of `@ThrottleLogin()` and `LoginThrottle`: failed logins per username and per client address, and how
   * lockouts grow. Default 5 per username and 100 per address in 15 minutes.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, loginThrottle: { maxFailures: 10, window: '30m' } });
   * ```
   */
  loginThrottle?: LoginThrottleOptions;
  /**
   * Verify-only, for an identity provider's access tokens (RFC 9068): no `type`, `jti` or `fresh` claim required, `typ`
   * `at+jwt` or `JWT`; needs keys, `issuer` and `audience`; refuses signing options. See docs/named-configurations.md.
   */
  external?: boolean | ExternalTokenOptions;
}
