import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { spawnChild, stopChild } from './support/child-processes.js';
import { ADAPTERS, STARTUP_BUDGET_MS, startUpTimeout } from './support/test-env.js';

const APP = fileURLToPath(new URL('./support/http-only-app.mjs', import.meta.url));
const LIB = fileURLToPath(new URL('../libs/auth/dist/index.js', import.meta.url));

/** Packages an HTTP-only app must not load: the optional GraphQL and WebSocket peers and what they bring. */
const OPTIONAL = [
  '@nestjs/graphql',
  '@nestjs/apollo',
  '@apollo/server',
  'graphql',
  'graphql-ws',
  '@nestjs/platform-socket.io',
  'socket.io',
  'engine.io',
  'ws',
];
/** What the library's main entry may import: its own peers and dependencies. */
const LIBRARY_IMPORTS = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/passport',
  'cookie',
  'jose',
  'ms',
  'passport',
  'passport-jwt',
  // A required peer (as it is @nestjs/common's): the login throttle's interceptor returns an Observable.
  'rxjs',
];

interface Outcome {
  served: unknown;
  modules: string[];
  libraryImports: string[];
}

/** Runs the app to its end: a start-up, one request, a report. Killed (and waited for) if it runs past the budget. */
function run(adapter: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [APP], {
      env: { ...process.env, HTTP_ADAPTER: adapter },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child, 'SIGKILL');
    }, STARTUP_BUDGET_MS);
    // 'close', not 'exit': the report is complete once the pipes are.
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`http-only app killed after ${STARTUP_BUDGET_MS} ms:\n${err}`));
      if (code !== 0) return reject(new Error(`http-only app exited with ${code}:\n${err}`));
      resolve(JSON.parse(out) as Outcome);
    });
  });
}

describe.each(ADAPTERS)('an HTTP-only app on %s', (adapter) => {
  it(
    'serves a guarded route without loading GraphQL, socket.io or ws',
    async () => {
      if (!existsSync(LIB)) throw new Error(`${LIB} is missing: run "npm run build" first (npm test does)`);
      const { served, modules, libraryImports } = await run(adapter);
      expect(served).toEqual({ refused: 'authorization_required', identity: 'alice' });
      // The probe sees the library itself, so an empty list would mean it saw nothing.
      expect(modules.some((path) => path.includes('/libs/auth/dist/'))).toBe(true);
      const loaded = modules.filter((path) => OPTIONAL.some((name) => path.includes(`/node_modules/${name}/`)));
      expect(loaded).toEqual([]);
      // @nestjs/core loads @nestjs/websockets by itself when it is installed (it is, here); the library never does.
      expect(libraryImports.filter((name) => !LIBRARY_IMPORTS.includes(name))).toEqual([]);
      expect(libraryImports).toContain('@nestjs/common');
    },
    startUpTimeout(),
  );
});
