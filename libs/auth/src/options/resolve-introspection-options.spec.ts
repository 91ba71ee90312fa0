import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { resolveIntrospectionOptions } from './resolve-introspection-options.js';

const resolve = (introspection: unknown) =>
  resolveIntrospectionOptions({ secret: 'x', introspection } as AuthModuleOptions);

describe('resolveIntrospectionOptions', () => {
  it('maps the clients by id; none without the option', () => {
    expect(resolve(undefined).introspectionClients.size).toBe(0);
    expect([...resolve({ clients: [{ id: 'gw', secret: 's' }] }).introspectionClients]).toEqual([['gw', 's']]);
  });

  it.each([
    [null, '"introspection"'],
    [{ client: [] }, '"introspection.client"'],
    [{ clients: [] }, '"introspection.clients"'],
    [{ clients: [{ id: 'a:b', secret: 's' }] }, '"introspection.clients[0].id"'],
    [{ clients: [{ id: 'gw', secret: '' }] }, '"introspection.clients[0].secret"'],
    [
      {
        clients: [
          { id: 'gw', secret: 's' },
          { id: 'gw', secret: 't' },
        ],
      },
      '"introspection.clients[1].id"',
    ],
  ])('refuses %j naming the option', (introspection, option) => {
    expect(() => resolve(introspection)).toThrow(option);
  });
});
