import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sparePort } from './redis.js';
import { TEST_SECRET } from './test-env.js';

const MAIN = fileURLToPath(new URL('../../dist/apps/demo/main.js', import.meta.url));
/** Start-ups tried before a port race is reported. */
export const PORT_ATTEMPTS = 5;

/** Whether a demo's start-up output says its port was taken between the probe and the listen. */
export function isPortTaken(output: string): boolean {
  return output.includes('EADDRINUSE');
}

/** The built demo app in a process of its own, as a second instance of a deployment would run. */
export class DemoProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Starts the demo on a spare port. Suites run in parallel workers, so a port found free can be taken before the demo
   * binds it: that start-up (EADDRINUSE) is retried on another port.
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
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    const port = await sparePort();
    const child = spawn(process.execPath, [MAIN], {
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
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 15000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`demo exited with ${code}:\n${output}`));
      });
    });
    return new DemoProcess(child, `http://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
