import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askRedisOnce, PrivateRedis, sparePort } from './redis.js';

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

  static async start(name = 'nje-main'): Promise<LocalSentinel> {
    const master = await PrivateRedis.start();
    const port = await sparePort();
    const dir = mkdtempSync(join(tmpdir(), `nje-sentinel-${port}-`));
    const config = join(dir, 'sentinel.conf');
    // Sentinel rewrites its configuration file: it must be writable, hence the private directory.
    writeFileSync(
      config,
      [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`, ''].join(
        '\n',
      ),
    );
    const child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    const sentinel = new LocalSentinel(master, port, name, child, dir);
    try {
      await sentinel.waitForMaster();
    } catch (error) {
      await sentinel.stop();
      throw error;
    }
    return sentinel;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    await this.master.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForMaster(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const address = await askRedisOnce(
        this.port,
        (client) => client.call('SENTINEL', 'get-master-addr-by-name', this.name) as Promise<string[] | null>,
        500,
      );
      if (address && Number(address[1]) === this.master.port) return;
      await sleep(50); // not up yet
    }
    throw new Error(`redis-server --sentinel did not come up on port ${this.port}`);
  }
}
