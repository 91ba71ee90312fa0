import type { TokenSettings } from '../tokens/token-settings.js';

/**
 * One client allowed to introspect tokens (RFC 7662), authenticating with HTTP Basic: a gateway, another service.
 *
 * @example
 * ```ts
 * const client: IntrospectionClient = { id: 'gateway', secret: process.env.GATEWAY_SECRET! };
 * ```
 */
export interface IntrospectionClient {
  /** The Basic user-id: non-empty, printable, without `:`. */
  readonly id: string;
  /** The Basic password: non-empty. Compared in constant time. */
  readonly secret: string;
}

/** The resolved settings introspection reads. Declared beside the code that reads them. */
export interface IntrospectionSettings extends Pick<TokenSettings, 'identityClaim'> {
  /** The clients allowed to introspect, by id; empty: every request is refused with 401 `invalid_client`. */
  readonly introspectionClients: ReadonlyMap<string, string>;
}
