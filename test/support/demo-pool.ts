import { exitOf, stopChild } from './child-processes.js';
import { DemoProcess, isPortTaken, PORT_ATTEMPTS, READY_LINE, spawnDemo } from './demo-process.js';
import { sparePort } from './redis.js';
import { STARTUP_BUDGET_MS, startUpTimeout } from './test-env.js';

/** The key variables the demo reads. */
const KEY_VARIABLES = [
  'JWT_ALGORITHM',
  'JWT_PRIVATE_KEY',
  'JWT_PUBLIC_KEY',
  'JWT_KID',
  'JWT_VERIFICATION_KEYS',
] as const;

/**
 * Demo processes inherit this process's environment (DemoProcess spreads it), and an empty variable is not the same
 * as an absent one to @nestjs/config: so the key variables are removed here, and each demo gets only those it names.
 */
export function clearInheritedKeyVariables(): void {
  for (const name of KEY_VARIABLES) delete process.env[name];
}

/** A demo environment for `adapter`. */
export function demoEnv(adapter: 'express' | 'fastify', env: Record<string, string>): Record<string, string> {
  return { HTTP_ADAPTER: adapter, ...env };
}

/**
 * Every demo a test file needs, started up front and in the order given, at most `concurrency` at a time: start-up is
 * CPU-bound (Nest, argon2), so the whole file's demos start while its first tests already run. A demo that fails to
 * start fails only the tests that ask for it, with its output.
 */
export class DemoFleet {
  private readonly demos = new Map<string, Promise<DemoProcess>>();
  private readonly outcomes = new Map<string, Promise<StartUpOutcome>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  /** stopAll() was called: a start-up still queued never begins. */
  private stopped = false;

  constructor(private readonly concurrency = 3) {}

  /** Queues a demo that should start. */
  start(name: string, env: Record<string, string>): void {
    const demo = this.limited(() => DemoProcess.start(env));
    demo.catch(() => undefined); // reported by demo(name), in the test that needs it
    this.demos.set(name, demo);
  }

  /** Queues a demo whose configuration should stop it at start-up. */
  startExpectingFailure(name: string, env: Record<string, string>): void {
    const outcome = this.limited(() => startUpOutcome(env));
    outcome.catch(() => undefined);
    this.outcomes.set(name, outcome);
  }

  /** The started demo; rejects with the demo's output when it did not start. */
  demo(name: string): Promise<DemoProcess> {
    const demo = this.demos.get(name);
    if (demo === undefined) throw new Error(`no demo named "${name}" was queued`);
    return demo;
  }

  /** How the start-up of a demo queued with startExpectingFailure ended. */
  outcome(name: string): Promise<StartUpOutcome> {
    const outcome = this.outcomes.get(name);
    if (outcome === undefined) throw new Error(`no start-up named "${name}" was queued`);
    return outcome;
  }

  /**
   * The jest timeout of a hook that waits for demos of this fleet: every start-up queued so far, `concurrency` at a
   * time, each within its budget (the last demo queued may wait for all the others).
   */
  startUpTimeout(): number {
    return startUpTimeout(Math.ceil((this.demos.size + this.outcomes.size) / this.concurrency));
  }

  /** Stops every demo that started, once those still starting have settled; start-ups still queued never begin. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    const settled = await Promise.allSettled([...this.demos.values()]);
    await Promise.allSettled([...this.outcomes.values()]);
    await Promise.all(
      settled.map((result) => (result.status === 'fulfilled' ? result.value.stop() : Promise.resolve())),
    );
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      if (this.stopped) throw new Error('the fleet was stopped before this demo could start');
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** How a start-up attempt ended. */
export interface StartUpOutcome {
  /** True when the demo got as far as listening (it is then stopped at once). */
  listening: boolean;
  exitCode: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
}

/**
 * Starts the built demo as DemoProcess.start does (same variables) and waits for it to either listen or exit: for a
 * configuration that must stop it at start-up. A demo that listens is stopped at once; one that does neither within
 * `timeoutMs` is killed. Either way it has exited when this settles, and no timer is left behind.
 */
export async function startUpOutcome(
  env: Record<string, string>,
  timeoutMs = STARTUP_BUDGET_MS,
): Promise<StartUpOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await startUpOutcomeOnce(env, timeoutMs);
    // A port taken between the probe and the listen says nothing of the configuration: try another port.
    if (outcome.listening || attempt >= PORT_ATTEMPTS || !isPortTaken(outcome.output)) return outcome;
  }
}

async function startUpOutcomeOnce(env: Record<string, string>, timeoutMs: number): Promise<StartUpOutcome> {
  const child = spawnDemo(await sparePort(), env);
  let output = '';
  let listening = false;
  // 'close', not 'exit': the output is complete once the pipes are.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (!listening && output.includes(READY_LINE)) {
      listening = true;
      void stopChild(child);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const first = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (first === 'timeout') {
    await stopChild(child, 'SIGKILL');
    throw new Error(`the demo neither listened nor exited within ${timeoutMs} ms:\n${output}`);
  }
  await exitOf(child);
  return { listening, exitCode: child.exitCode, output };
}
