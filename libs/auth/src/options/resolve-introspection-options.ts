import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { IntrospectionSettings } from '../introspection/introspection-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { assertKnownNestedOptions } from './known-options.js';

/** The settings resolved here: who may introspect. */
export type IntrospectionOptionSettings = Pick<IntrospectionSettings, 'introspectionClients'>;

// RFC 7617: the user-id is printable and has no colon (the first colon ends it).
const CLIENT_ID = /^[\x21-\x39\x3B-\x7E]{1,128}$/;

/** Resolves `introspection.clients` into a map of id to secret; no option, no client (every request 401). */
export function resolveIntrospectionOptions(options: AuthModuleOptions): IntrospectionOptionSettings {
  const { introspection } = options;
  const introspectionClients = new Map<string, string>();
  if (introspection === undefined) return { introspectionClients };
  if (introspection === null || typeof introspection !== 'object' || Array.isArray(introspection)) {
    throw new InvalidAuthOptionError('introspection', 'must be an object: { clients: [{ id, secret }] }');
  }
  assertKnownNestedOptions('introspection', introspection, ['clients']);
  const { clients } = introspection;
  if (!Array.isArray(clients) || clients.length === 0) {
    throw new InvalidAuthOptionError('introspection.clients', 'must list at least one client: [{ id, secret }]');
  }
  clients.forEach((client: unknown, index) => {
    const { id, secret } = (client ?? {}) as Record<string, unknown>;
    const name = `introspection.clients[${index}]`;
    if (typeof id !== 'string' || !CLIENT_ID.test(id)) {
      throw new InvalidAuthOptionError(`${name}.id`, 'must be 1 to 128 printable ASCII characters without ":"');
    }
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 1024) {
      throw new InvalidAuthOptionError(`${name}.secret`, 'must be a non-empty string (at most 1024 characters)');
    }
    if (introspectionClients.has(id)) throw new InvalidAuthOptionError(`${name}.id`, `"${id}" is listed twice`);
    introspectionClients.set(id, secret);
  });
  return { introspectionClients };
}
