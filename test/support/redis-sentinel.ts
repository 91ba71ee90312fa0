import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasExited, spawnChild, stopChild } from './child-processes.js';
import { askRedisOnce, PrivateRedis, sparePort } from './redis.js';
import { STARTUP_BUDGET_MS } from './test-env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A private redis-server watched by one Sentinel (`redis-server <conf> --sentinel`) on a spare port, both child
 * processes of the test. `name` is the monitored master's name.
 */
export class LocalSentinel {
  private constructor(
    readonly master: PrivateRedis,
    readonly port: number,
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /**
   * Starts the master, then the Sentinel, and resolves once the Sentinel names the master: two start-ups, each within
   * {@link STARTUP_BUDGET_MS}. When either fails or gives up, both are stopped before this rejects.
   */
  static async start(name = 'nje-main'): Promise<LocalSentinel> {
    const master = await PrivateRedis.start();
    let dir: string | undefined;
    try {
      const port = await sparePort();
      dir = mkdtempSync(join(tmpdir(), `nje-sentinel-${port}-`));
      const config = join(dir, 'sentinel.conf');
      // Sentinel rewrites its configuration file: it must be writable, hence the private directory.
      writeFileSync(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
          '',
        ].join('\n'),
      );
      const child = spawnChild('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
      const sentinel = new LocalSentinel(master, port, name, child, dir);
      try {
        await sentinel.waitForMaster();
      } catch (error) {
        await sentinel.stop();
        throw error;
      }
      return sentinel;
    } catch (error) {
      await master.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Kills the Sentinel and its master, waits for both to exit, and removes the Sentinel's directory. */
  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGKILL');
    await this.master.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForMaster(): Promise<void> {
    const deadline = performance.now() + STARTUP_BUDGET_MS;
    for (;;) {
      const address = await askRedisOnce(
        this.port,
        (client) => client.call('SENTINEL', 'get-master-addr-by-name', this.name) as Promise<string[] | null>,
        500,
      );
      if (address && Number(address[1]) === this.master.port) return;
      if (hasExited(this.child)) throw new Error(`redis-server --sentinel exited on port ${this.port}`);
      if (performance.now() > deadline)
        throw new Error(`redis-server --sentinel did not name its master within ${STARTUP_BUDGET_MS} ms`);
      await sleep(50); // not up yet
    }
  }
}
