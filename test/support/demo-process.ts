import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnChild, stopChild } from './child-processes.js';
import { sparePort } from './redis.js';
import { STARTUP_BUDGET_MS, TEST_SECRET } from './test-env.js';

const MAIN = fileURLToPath(new URL('../../dist/apps/demo/main.js', import.meta.url));
/** Start-ups tried before a port race is reported. */
export const PORT_ATTEMPTS = 5;
/** The line the demo prints once it listens: its readiness signal. */
export const READY_LINE = 'Listening on';

/** Whether a demo's start-up output says its port was taken between the probe and the listen. */
export function isPortTaken(output: string): boolean {
  return output.includes('EADDRINUSE');
}

/** The built demo's main.js, or an error that says to build it. */
export function demoMain(): string {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  return MAIN;
}

/** Spawns the built demo on `port` with the test secret and `env` (tracked: see spawnChild). */
export function spawnDemo(port: number, env: Record<string, string>): ChildProcess {
  return spawnChild(process.execPath, [demoMain()], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      JWT_SECRET_KEY: TEST_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A line of a demo's output, with when this process read it (performance.now()). */
interface OutputLine {
  text: string;
  at: number;
}

/** The built demo app in a process of its own, as a second instance of a deployment would run. */
export class DemoProcess {
  /** stdout and stderr so far, interleaved. */
  private output = '';
  /** The end of the output after its last newline: the start of a line still to come. */
  private partial = '';
  private readonly watchers = new Set<(line: OutputLine) => void>();
  /** Settles once the demo has exited and its output has been read to the end. */
  private readonly closed: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    // Read for as long as the demo runs: a pipe nobody reads fills up, and the demo would block on its next log line.
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => this.read(text));
    }
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /**
   * Starts the demo on a spare port and resolves once it prints {@link READY_LINE}, within {@link STARTUP_BUDGET_MS};
   * a demo that exits first, or does not get there in time, is killed (and waited for) and the start rejects with
   * its output. Suites run in parallel workers, so a port found free can be taken before the demo binds it: that
   * start-up (EADDRINUSE) is retried on another port.
   */
  static async start(env: Record<string, string>): Promise<DemoProcess> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await DemoProcess.startOnce(env);
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !isPortTaken(error instanceof Error ? error.message : '')) throw error;
      }
    }
  }

  private static async startOnce(env: Record<string, string>): Promise<DemoProcess> {
    const port = await sparePort();
    const demo = new DemoProcess(spawnDemo(port, env), `http://127.0.0.1:${port}`);
    try {
      await demo.ready(STARTUP_BUDGET_MS);
    } catch (error) {
      await stopChild(demo.child, 'SIGKILL');
      throw error;
    }
    return demo;
  }

  /** stdout and stderr so far, interleaved. */
  get log(): string {
    return this.output;
  }

  /**
   * Resolves with the time (performance.now(), in this process) at which the demo printed the next line matching
   * `pattern`; rejects if it exits first or prints none within `timeoutMs`. Call it before the action that should
   * make the demo print it: only lines read after the call count.
   */
  nextLine(pattern: RegExp, timeoutMs: number): Promise<number> {
    if (hasExited(this.child)) return Promise.reject(new Error(`the demo has exited:\n${this.output}`));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        this.child.removeListener('exit', onExit);
      };
      const watch = (line: OutputLine) => {
        if (!pattern.test(line.text)) return;
        done();
        resolve(line.at);
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`the demo exited with ${code} before printing ${pattern}:\n${this.output}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the demo printed no line matching ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      this.watchers.add(watch);
      this.child.once('exit', onExit);
    });
  }

  /** Stops the demo (SIGTERM, then SIGKILL if it has not exited after a grace period) and waits for it to exit. */
  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  private async ready(timeoutMs: number): Promise<void> {
    try {
      await this.nextLine(new RegExp(READY_LINE), timeoutMs);
    } catch {
      if (!hasExited(this.child)) throw new Error(`demo did not start within ${timeoutMs} ms:\n${this.output}`);
      await this.closed; // the output is complete once its pipes are
      throw new Error(`demo exited with ${this.child.exitCode ?? this.child.signalCode}:\n${this.output}`);
    }
  }

  private read(text: string): void {
    this.output += text;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    const at = performance.now();
    for (const line of lines) for (const watch of [...this.watchers]) watch({ text: line, at });
  }
}
