import { type ChildProcess, execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe } from '@jest/globals';
import { spawnChild, stopChild } from './child-processes.js';
import { askRedisOnce, sparePort, waitForRedis } from './redis.js';
import { noteInSummary } from './summary-notes.js';
import { STARTUP_BUDGET_MS } from './test-env.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One master of a {@link LocalRedisCluster}. */
export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/**
 * A Redis Cluster of three masters (no replicas) of the test's own: `redis-server --cluster-enabled yes` child
 * processes on spare ports, each in a temporary directory, joined with `redis-cli --cluster create`.
 */
export class LocalRedisCluster {
  private readonly processes = new Map<number, ChildProcess>();

  private constructor(
    readonly nodes: ClusterNodeAddress[],
    private readonly dirs: Map<number, string>,
  ) {}

  /**
   * Starts three masters, joins them, and waits for `cluster_state:ok` on every node: three steps, each within
   * {@link STARTUP_BUDGET_MS}. A step that fails or gives up stops every node before this rejects.
   */
  static async start(): Promise<LocalRedisCluster> {
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await sparePort();
      // The cluster bus listens on port + 10000: it must be free too, and below 65536.
      if (port + 10000 < 65536 && !ports.includes(port)) ports.push(port);
    }
    const dirs = new Map(ports.map((port) => [port, mkdtempSync(join(tmpdir(), `nje-cluster-${port}-`))]));
    const cluster = new LocalRedisCluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      dirs,
    );
    try {
      await Promise.all(ports.map((port) => cluster.startNode(port)));
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...ports.map((port) => `127.0.0.1:${port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: STARTUP_BUDGET_MS, killSignal: 'SIGKILL' },
      );
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Kills one node (as a crash would) and starts it again on the same port and directory: it rejoins from nodes.conf. */
  async restartNode(port: number, downForMs = 0): Promise<void> {
    await this.killNode(port);
    if (downForMs > 0) await sleep(downForMs);
    await this.startNode(port);
    await this.waitUntilOk();
  }

  /** Kills every node and removes their directories. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((port) => this.killNode(port)));
    for (const dir of this.dirs.values()) rmSync(dir, { recursive: true, force: true });
  }

  /** Resolves once every node reports `cluster_state:ok` (and agrees the slots are all served). */
  async waitUntilOk(timeoutMs = STARTUP_BUDGET_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.nodes.map((node) => clusterState(node.port)));
      if (states.every((state) => state === 'ok')) return;
      if (Date.now() > deadline) throw new Error(`cluster not ok within ${timeoutMs} ms: ${states.join(', ')}`);
      await sleep(100);
    }
  }

  /** Starts one node and resolves once it answers; one that exits first or gives up is killed before this rejects. */
  private async startNode(port: number): Promise<void> {
    const child = spawnChild(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '2000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.dirs.get(port)!,
      ],
      { stdio: 'ignore' },
    );
    this.processes.set(port, child);
    try {
      await waitForRedis(`redis://127.0.0.1:${port}`, child, 'redis-server --cluster-enabled');
    } catch (error) {
      await this.killNode(port);
      throw error;
    }
  }

  private async killNode(port: number): Promise<void> {
    const child = this.processes.get(port);
    this.processes.delete(port);
    if (child) await stopChild(child, 'SIGKILL');
  }
}

async function clusterState(port: number): Promise<string> {
  const info = await askRedisOnce(port, (client) => client.call('CLUSTER', 'INFO') as Promise<string>);
  return info === undefined ? 'down' : (/cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown');
}

/** Whether `redis-server` and `redis-cli` can be run here. */
export function redisBinariesPresent(): boolean {
  return ['redis-server', 'redis-cli'].every(
    (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

/**
 * `describe` when `redis-server` can be started. Otherwise a loud skip on a developer's machine, and a failure under
 * CI=true, where a missing cluster must never pass for a green run (as {@link describeWithRedis}).
 */
export function describeWithRedisServer(): typeof describe {
  if (redisBinariesPresent()) return describe;
  const message = 'redis-server / redis-cli cannot be run: the Redis Cluster and Sentinel suites cannot run';
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true makes this a failure)`);
  noteInSummary(`SKIPPED: ${message}. Install Redis 7 (apt-get install -y redis-server).`);
  return describe.skip as typeof describe;
}
