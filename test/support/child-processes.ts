import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { afterAll } from '@jest/globals';

/** How long a process stopped with SIGTERM has to exit before it gets SIGKILL. */
const GRACE_MS = 10_000;

/** Every process spawned through {@link spawnChild} (in this test file) that has not exited yet. */
const running = new Set<ChildProcess>();
/** The test file is over: nothing would stop a process spawned now. */
let over = false;

/**
 * `spawn` for a process of the test's own (the built demo, a redis-server, ...). It is tracked until it exits, and
 * whatever its owner did (a start-up that threw after the spawn, a hook that timed out while it was starting, an
 * afterAll that never got a handle on it), it is killed at the end of the test file: no process outlives its suite,
 * and jest is never kept waiting after its summary.
 *
 * Only the end of the test file: `process.on('exit')` in a jest test file listens on jest's copy of `process`, which
 * never emits it.
 */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  if (over) throw new Error(`not spawning ${command}: its test file is over (a start-up nobody waited for?)`);
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  // A spawn that fails (no such binary) emits 'error' and no 'exit'; the owner learns it from exitCode/pid.
  child.on('error', () => running.delete(child));
  return child;
}

/** Whether `child` has exited (or never ran). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Resolves when `child` exits (at once if it has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Stops `child` and resolves once it has exited: `signal` first, then SIGKILL if it is still running after
 * {@link GRACE_MS}.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hasExited(child)) return;
  const exited = exitOf(child);
  child.kill(signal);
  if (signal === 'SIGKILL') return exited;
  const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Kills every process of this test file still running and waits for each to exit; spawns nothing from then on. */
export async function stopAllChildren(): Promise<void> {
  over = true;
  await Promise.all([...running].map((child) => stopChild(child, 'SIGKILL')));
}

// Registered when a test file first imports this module, before its own hooks: it runs after the file's describe-level
// afterAll hooks (and before its top-level ones), and kills what they left running, start-ups still in flight included.
afterAll(stopAllChildren);
