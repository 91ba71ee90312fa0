import { describe, expect, it, jest } from '@jest/globals';

// Nothing in this file imports the store statically: node:module is mocked before the entry point is loaded, so
// require('ioredis') fails inside it as it does in an app that has not installed ioredis.
const IOREDIS_MISSING = 'nest-jwt-extended/redis needs ioredis: npm install ioredis';

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`), {
    code: 'MODULE_NOT_FOUND',
  });
}

describe('nest-jwt-extended/redis without ioredis', () => {
  it('imports, and a store built from a URL throws the error that names npm install ioredis', async () => {
    jest.unstable_mockModule('node:module', () => ({
      createRequire: () => (name: string) => {
        throw notFound(name);
      },
    }));
    const { RedisRevocationStore } = await import('../../redis.js');
    expect(() => new RedisRevocationStore({ url: 'redis://127.0.0.1:6379' })).toThrow(IOREDIS_MISSING);
    expect(() => new RedisRevocationStore({ cluster: [{ host: '127.0.0.1', port: 7000 }] })).toThrow(IOREDIS_MISSING);
  });
});
