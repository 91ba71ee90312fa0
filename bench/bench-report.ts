/**
 * What every bench report states: the machine, the versions and the exact command (with the environment it ran in),
 * plus writing an output file whose directory may not exist yet.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file with node_modules/@nestjs/core. */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'node_modules', '@nestjs', 'core', 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
})();

/** E.g. "2 x AMD EPYC 7B13, 7.8 GiB, linux 6.1 x64". */
export function machine(): string {
  const cores = cpus();
  const model = (cores[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${cores.length} x ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()} ${arch()}`;
}

/** Installed version of a package, read from node_modules/<name>/package.json. */
export function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'not installed';
  }
}

/** "Node v20.x, @nestjs/core 12.5.1, ..." for the given packages. */
export function versions(packages: readonly string[]): string {
  return [`Node ${process.version}`, ...packages.map((name) => `${name} ${packageVersion(name)}`)].join(', ');
}

const ENV_PATTERN = /^(BENCH_|VERIFY_|INSTR_|SCALE_|ABUSE_|REDIS_URL$)/;

/**
 * The exact command: the bench's environment variables as this process saw them, then `node <script>`; and the npm
 * script it ran under, if any.
 */
export function commandLine(): string {
  const env = Object.keys(process.env)
    .filter((key) => ENV_PATTERN.test(key))
    .sort()
    .map((key) => `${key}=${shellQuote(process.env[key]!)}`);
  const script = relative(process.cwd(), process.argv[1] ?? '') || process.argv[1] || '';
  const node = [...env, 'node', ...process.execArgv, script, ...process.argv.slice(2)].join(' ');
  const npm = process.env.npm_lifecycle_event ? ` (under \`npm run ${process.env.npm_lifecycle_event}\`)` : '';
  return `\`${node}\`${npm}`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Writes a file, creating its directory first. */
export function writeOutput(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
