import { describe, expect, it } from '@jest/globals';
import { IOREDIS_MISSING, loadIoredis } from './ioredis-loader.js';

/** What require() throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`), {
    code: 'MODULE_NOT_FOUND',
  });
}

describe('loadIoredis', () => {
  it('loads ioredis when it is installed', () => {
    const ioredis = loadIoredis();
    expect(typeof ioredis.Redis).toBe('function');
    expect(typeof ioredis.Cluster).toBe('function');
  });

  it('names the package to install when ioredis is missing, with the loader error as cause', () => {
    const missing = notFound('ioredis');
    let thrown: unknown;
    try {
      loadIoredis(() => {
        throw missing;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('nest-jwt-extended/redis needs ioredis: npm install ioredis');
    expect((thrown as Error).message).toBe(IOREDIS_MISSING);
    expect((thrown as Error).cause).toBe(missing);
  });

  it('passes on any other failure as it is, a missing dependency of ioredis included', () => {
    const inner = notFound('denque');
    expect(() =>
      loadIoredis(() => {
        throw inner;
      }),
    ).toThrow(inner);
    const broken = new TypeError('boom');
    expect(() =>
      loadIoredis(() => {
        throw broken;
      }),
    ).toThrow(broken);
  });
});
