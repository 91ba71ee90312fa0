import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { describe } from '@jest/globals';
import { Redis } from 'ioredis';
import { hasExited, spawnChild, stopChild } from './child-processes.js';
import { noteInSummary } from './summary-notes.js';
import { STARTUP_BUDGET_MS } from './test-env.js';

/** The shared Redis the suites use: `REDIS_URL`, or the machine's own. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Connects once to the Redis at `target` (a URL, or a port on 127.0.0.1), asks, and disconnects; `undefined` when it
 * cannot connect or the question fails. No retry and no offline queue: a probe never waits longer than connectTimeoutMs
 * plus one command.
 */
export async function askRedisOnce<T>(
  target: string | number,
  ask: (client: Redis) => Promise<T>,
  connectTimeoutMs = 1000,
): Promise<T | undefined> {
  const options = {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  };
  const client = typeof target === 'number' ? new Redis(target, '127.0.0.1', options) : new Redis(target, options);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await ask(client);
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** Whether a Redis answers PING at `url` within a second. */
export async function redisAnswers(url = REDIS_URL): Promise<boolean> {
  return (await askRedisOnce(url, (client) => client.ping())) === 'PONG';
}

/**
 * `describe` when Redis answers. Otherwise a loud skip on a developer's machine, and a failure under CI=true,
 * where a missing Redis must never pass for a green run.
 */
export async function describeWithRedis(): Promise<typeof describe> {
  if (await redisAnswers()) return describe;
  const message = `No Redis answers at ${REDIS_URL}: the Redis suites cannot run`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true makes this a failure)`);
  noteInSummary(
    `SKIPPED: ${message}. Start one: redis-server --daemonize yes --port 6379 --save "" (or set REDIS_URL)`,
  );
  return describe.skip as typeof describe;
}

/** A key prefix no other run or suite uses. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${process.pid}:${Date.now()}:`;
}

/** Deletes every key under `prefix` in the shared Redis. */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = new Redis(url);
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** A free TCP port on the loopback. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** First starts of a {@link PrivateRedis} tried before giving up, when redis-server exits at once (its port taken). */
const REDIS_START_ATTEMPTS = 3;

/** The redis-server exited before it answered (a port taken between the probe and the listen, say). */
class RedisServerExited extends Error {}

/** Polls PING at `url` until it answers; throws when `child` exits first or after {@link STARTUP_BUDGET_MS}. */
export async function waitForRedis(url: string, child: ChildProcess, what = 'redis-server'): Promise<void> {
  const deadline = performance.now() + STARTUP_BUDGET_MS;
  while (!(await redisAnswers(url))) {
    if (hasExited(child))
      throw new RedisServerExited(`${what} exited (${child.exitCode ?? child.signalCode}) before answering at ${url}`);
    if (performance.now() > deadline)
      throw new Error(`${what} did not answer at ${url} within ${STARTUP_BUDGET_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A redis-server of the test's own, on a spare port, that the test may stop and start again. With `appendOnlyDir`, it
 * persists with AOF in that directory, so what it acknowledged survives a stop, as production Redis must.
 */
export class PrivateRedis {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly appendOnlyDir?: string,
  ) {}

  static async start(options: { appendOnlyDir?: string } = {}): Promise<PrivateRedis> {
    for (let attempt = 1; ; attempt += 1) {
      const redis = new PrivateRedis(await sparePort(), options.appendOnlyDir);
      try {
        await redis.start();
        return redis;
      } catch (error) {
        if (!(error instanceof RedisServerExited) || attempt >= REDIS_START_ATTEMPTS) throw error;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts redis-server (again) and resolves once it answers PING; one that exits first, or does not answer within
   * {@link STARTUP_BUDGET_MS}, is killed (and waited for) and this rejects.
   */
  async start(): Promise<void> {
    const child = spawnChild(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...(this.appendOnlyDir === undefined
          ? ['--appendonly', 'no']
          : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.appendOnlyDir]),
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    try {
      await waitForRedis(this.url, child);
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      throw error;
    }
  }

  /** Kills the server at once, as a crash would, and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.process) await stopChild(this.process, 'SIGKILL');
  }
}
