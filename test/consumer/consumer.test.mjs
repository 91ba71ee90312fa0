// The consumer tests: packs the library once, as npm would publish it, and installs the tarball into two separate
// apps, each with its own package.json, type-checked with skipLibCheck off, started, and taken through login ->
// protected -> fresh -> refresh -> logout over HTTP:
// - examples/consumer, the README quick start: ES modules, module nodenext, and no passport installed;
// - examples/consumer-cjs, a classic `nest new` app: CommonJS, moduleResolution node, TypeScript 5.9, with
//   @nestjs/passport, passport and passport-jwt, and a route guarded by AuthGuard('jwt-access').
// Then the README: its file blocks equal the quick start's files, and its install lines name its dependencies.
// Run by `npm run test:consumer`.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nje-consumer-'));
const secret = randomBytes(32).toString('base64url');
/** How long an app may take to answer its first request: generous, for a busy 2-core machine. */
const START_BUDGET_MS = 60_000;
/** The optional peers an app installs only for AuthGuard('jwt-access'). */
const PASSPORT_PACKAGES = ['@nestjs/passport', 'passport', 'passport-jwt'];
const library = JSON.parse(readFileSync(join(root, 'libs/auth/package.json'), 'utf8'));

/** Runs a command (in `env`, default this process's); on failure, the error carries what it printed. */
function run(command, args, cwd, env = process.env) {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error }));
      else done(stdout);
    });
  });
}

function sparePort() {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

/** Stops a spawned app and waits for it to be gone (SIGKILL if SIGTERM was not enough). */
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

// One tarball for both apps: what `npm publish` would upload (prepack builds the library and copies README, LICENSE
// and CHANGELOG), made when a test first needs it. Both apps' copies and `npm install`s then start at once and run
// side by side; each describe awaits its own. The README checks need neither.
let packing;
const installs = {};

function pack() {
  packing ??= (async () => {
    await run('npm', ['pack', '-w', 'libs/auth', '--pack-destination', work, '--silent'], root);
    const file = readdirSync(work).find((name) => name.endsWith('.tgz'));
    assert.ok(file, 'npm pack made no tarball');
    return join(work, file);
  })();
  return packing;
}

/** Copies examples/NAME out of the repository and installs the tarball into it. */
async function install(name) {
  const tarball = await pack();
  const app = join(work, name);
  cpSync(join(root, 'examples', name), app, { recursive: true, filter: (path) => !/(node_modules|dist)$/.test(path) });
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], app);
  return app;
}

/** The installed app examples/NAME, once both installs have been started. */
function installed(name) {
  for (const app of ['consumer', 'consumer-cjs']) {
    if (installs[app]) continue;
    installs[app] = install(app);
    installs[app].catch(() => undefined); // reported by the describe that awaits it
  }
  return installs[name];
}

after(() => rmSync(work, { recursive: true, force: true }));

it('packs README, LICENSE, CHANGELOG and the built entry points, without source maps', async () => {
  const files = (await run('tar', ['-tzf', await pack()], work)).split('\n');
  for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts']) {
    assert.ok(files.includes(`package/${file}`), `the tarball lacks ${file}`);
  }
  for (const entry of ['redis', 'websockets']) {
    assert.ok(files.includes(`package/dist/${entry}.d.ts`), `the tarball lacks dist/${entry}.d.ts`);
  }
  for (const file of ['dist/testing/index.js', 'dist/testing/index.d.ts']) {
    assert.ok(files.includes(`package/${file}`), `the tarball lacks ${file} (nest-jwt-extended/testing)`);
  }
  assert.ok(!files.includes('package/dist/testing/thrown-by.js'), 'the tarball ships a helper of the unit specs');
  assert.ok(!files.some((file) => file.endsWith('.map')), 'the tarball ships source maps without their sources');
});

/**
 * An installed app, type-checked, built and started on a spare port; `stop()` ends it. Gives up (and kills the app)
 * when it exits or has not answered within START_BUDGET_MS.
 */
async function startApp(app) {
  await run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  const port = await sparePort();
  const { REDIS_URL: _ignored, ...env } = process.env; // memory revocation store: no Redis needed
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    env: { ...env, PORT: String(port), JWT_SECRET_KEY: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_BUDGET_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app in ${app} exited:\n${output}`);
    try {
      await fetch(base);
      return { base, stop: () => stop(child) };
    } catch {
      if (Date.now() > deadline) {
        await stop(child);
        throw new Error(`the app in ${app} did not answer within ${START_BUDGET_MS / 1000} s:\n${output}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

/** A client of a started app: `call(method, path, token?)` answers `{ status, body, headers }`. */
function client(server) {
  return async (method, path, token) => {
    const login = path === '/login';
    const response = await fetch(`${server.base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(login ? { 'content-type': 'application/json' } : {}),
      },
      ...(login ? { body: JSON.stringify({ username: 'test', password: 'test' }) } : {}),
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  };
}

/**
 * Installs, builds and starts examples/NAME for the tests of the describe it is called in, runs the quick start's
 * flow against it, then `extra(call, tokens)` for what this app adds; the app is stopped in `after`.
 */
function consumerApp(name, extra = () => undefined) {
  const context = {};
  const call = (...args) => client(context.server)(...args);
  const tokens = {};
  before(async () => {
    context.app = await installed(name);
    context.server = await startApp(context.app);
  });
  after(() => context.server?.stop());

  // The app's own tests (examples/NAME/test): AuthTestingModule from nest-jwt-extended/testing, its clock moved
  // instead of waiting, run with no secret and no Redis in the environment.
  it('passes its own tests, written with AuthTestingModule and its clock', async () => {
    // Without NODE_TEST_CONTEXT, which this runner sets: the app's node --test would report to it, not print.
    const { JWT_SECRET_KEY: _secret, REDIS_URL: _redis, NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const printed = await run('npm', ['test', '--silent'], context.app, env);
    // Node 22 prints its TAP summary (`# fail 0`) when not on a terminal, Node 24 its spec one (`ℹ fail 0`).
    assert.match(printed, /^(?:#|ℹ) fail 0$/m, printed);
    assert.match(printed, /^(?:#|ℹ) pass [1-9]\d*$/m, printed);
  });

  it('logs in with 200 and a token pair', async () => {
    const { status, body } = await call('POST', '/login');
    assert.equal(status, 200);
    assert.equal(typeof body.access_token, 'string');
    assert.equal(typeof body.refresh_token, 'string');
    Object.assign(tokens, { access: body.access_token, refresh: body.refresh_token });
  });

  it('serves the protected route with the fresh access token', async () => {
    assert.deepEqual((await call('GET', '/protected', tokens.access)).body, { logged_in_as: 'test', fresh: true });
  });

  it('refuses the protected route without a token: 401, a code and a challenge', async () => {
    const { status, body, headers } = await call('GET', '/protected');
    assert.equal(status, 401);
    assert.equal(body.code, 'authorization_required');
    assert.match(headers.get('www-authenticate') ?? '', /^Bearer/);
  });

  it('accepts the fresh access token at the fresh-only route', async () => {
    assert.equal((await call('POST', '/protected-fresh', tokens.access)).status, 200);
  });

  extra(call, tokens);

  it('refreshes into a non-fresh access token, refused at the fresh-only route', async () => {
    const refreshed = await call('POST', '/refresh', tokens.refresh);
    assert.equal(refreshed.status, 200);
    tokens.nonFresh = refreshed.body.access_token;
    assert.deepEqual((await call('GET', '/protected', tokens.nonFresh)).body, { logged_in_as: 'test', fresh: false });
    const refused = await call('POST', '/protected-fresh', tokens.nonFresh);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'fresh_token_required');
  });

  it('logs out, then refuses the session tokens', async () => {
    const loggedOut = await call('POST', '/logout', tokens.nonFresh);
    assert.equal(loggedOut.status, 200);
    assert.deepEqual(loggedOut.body, { logged_out: 'session' });
    assert.equal((await call('GET', '/protected', tokens.access)).body.code, 'token_revoked');
    assert.equal((await call('POST', '/refresh', tokens.refresh)).body.code, 'token_revoked');
  });

  return context;
}

const hasPackage = (app, name) => existsSync(join(app, 'node_modules', name, 'package.json'));

describe('examples/consumer: the README quick start, ES modules, without passport', () => {
  const context = consumerApp('consumer');

  it('has none of the passport packages and no ioredis installed', () => {
    for (const name of [...PASSPORT_PACKAGES, 'ioredis'])
      assert.ok(!hasPackage(context.app, name), `${name} is installed`);
  });

  it('is given no published type that names a passport package', () => {
    const dist = join(context.app, 'node_modules/nest-jwt-extended/dist');
    const naming = new RegExp(`(?:from |import |import\\(|types=)['"](?:${PASSPORT_PACKAGES.join('|')})['"]`);
    const offending = readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.d.ts') && naming.test(readFileSync(join(dist, file), 'utf8')))
      .sort();
    assert.deepEqual(offending, []);
  });

  it('fails at nest-jwt-extended/redis without ioredis with an error that says to install it', async () => {
    // Either importing the entry or building the store may throw; both must name the install.
    const probe = `
      try {
        const { RedisRevocationStore } = await import('nest-jwt-extended/redis');
        new RedisRevocationStore({ url: 'redis://127.0.0.1:6379' });
        console.log('built a RedisRevocationStore without ioredis');
      } catch (error) {
        console.log(String(error?.message ?? error));
      }
      process.exit(0);`;
    const printed = await run(process.execPath, ['--input-type=module', '-e', probe], context.app);
    assert.match(printed, /npm install ioredis/, `the error does not name the install:\n${printed}`);
  });
});

describe('examples/consumer-cjs: a classic CommonJS app (moduleResolution node), with passport', () => {
  const context = consumerApp('consumer-cjs', (call, tokens) => {
    it("serves a route guarded by @nestjs/passport's AuthGuard('jwt-access'), registered by the library", async () => {
      const served = await call('GET', '/passport', tokens.access);
      assert.equal(served.status, 200);
      assert.deepEqual(served.body, { logged_in_as: 'test', guard: 'passport' });
      // The library's refusals, not passport's bare {"message":"Unauthorized","statusCode":401}.
      const refresh = await call('GET', '/passport', tokens.refresh);
      assert.equal(refresh.status, 401);
      assert.equal(refresh.body.code, 'wrong_token_type');
      const missing = await call('GET', '/passport');
      assert.equal(missing.status, 401);
      assert.equal(missing.body.code, 'authorization_required');
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    });
  });

  it('is CommonJS, resolved the node10 way', () => {
    const pkg = JSON.parse(readFileSync(join(context.app, 'package.json'), 'utf8'));
    assert.notEqual(pkg.type, 'module');
    const built = readFileSync(join(context.app, 'dist/app.module.js'), 'utf8');
    assert.match(built, /require\("nest-jwt-extended\/redis"\)/, 'the build does not require the redis entry');
    for (const name of PASSPORT_PACKAGES) assert.ok(hasPackage(context.app, name), `${name} is not installed`);
  });
});

/**
 * The packages named by the `npm install` lines of a bash block: `{ dependencies, devDependencies, tarballs }`, each
 * package as `[name, range]` (range undefined when the line names none).
 */
function installedBy(block) {
  const named = { dependencies: [], devDependencies: [], tarballs: [] };
  for (const line of block.split('\n')) {
    const command = /^\s*npm (?:install|i)\s+([^#]*)/.exec(line);
    if (!command) continue;
    const words = command[1].trim().split(/\s+/);
    const dev = words.some((word) => word === '-D' || word === '--save-dev');
    for (const word of words.filter((w) => !w.startsWith('-'))) {
      if (word.endsWith('.tgz')) named.tarballs.push(word);
      else named[dev ? 'devDependencies' : 'dependencies'].push(/^(@?[^@]+)(?:@(.+))?$/.exec(word).slice(1));
    }
  }
  return named;
}

/** What differs between the packages a README block installs and those a package.json lists, as sentences. */
function differences(label, readme, listed) {
  const names = readme.map(([name]) => name);
  const missing = Object.keys(listed).filter((name) => !names.includes(name));
  const extra = names.filter((name) => !(name in listed));
  const ranges = readme.filter(([name, range]) => range !== undefined && name in listed && listed[name] !== range);
  return [
    ...(missing.length ? [`${label}: the README does not install ${missing.join(', ')}`] : []),
    ...(extra.length ? [`${label}: the README installs ${extra.join(', ')}, which the app does not list`] : []),
    ...ranges.map(([name, range]) => `${label}: the README installs ${name}@${range}, the app lists ${listed[name]}`),
  ];
}

describe('the README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const consumer = JSON.parse(readFileSync(join(root, 'examples/consumer/package.json'), 'utf8'));

  // A block that follows `<!-- file: PATH -->` claims to be that file of the consumer app, which the tests above
  // type-check and run: the text must match exactly.
  it('shows the consumer app files exactly as they compile', () => {
    const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\s*```(?:ts|json)\n([\s\S]*?)```/g)];
    const shown = blocks.map(([, path]) => path);
    for (const file of readdirSync(join(root, 'examples/consumer/src'))) {
      assert.ok(
        shown.includes(`examples/consumer/src/${file}`),
        `the README does not show examples/consumer/src/${file}`,
      );
    }
    for (const [, path, code] of blocks) {
      assert.equal(code, readFileSync(join(root, path), 'utf8'), `README block for ${path} differs from the file`);
    }
  });

  // The block after `<!-- install: examples/consumer/package.json -->` is what a newcomer types: it must install
  // exactly what the quick start app lists (a range, where it names one, as the app lists it), and the library's
  // tarball under its current version.
  it('installs exactly the packages the quick start app lists', () => {
    const marked = /<!-- install: examples\/consumer\/package\.json -->\s*```bash\n([\s\S]*?)```/.exec(readme);
    assert.ok(marked, 'the README has no block marked <!-- install: examples/consumer/package.json -->');
    const named = installedBy(marked[1]);
    assert.deepEqual(
      [
        ...differences('dependencies', named.dependencies, consumer.dependencies ?? {}),
        ...differences('devDependencies', named.devDependencies, consumer.devDependencies ?? {}),
      ],
      [],
    );
    assert.deepEqual(
      named.tarballs.map((path) => path.split('/').pop()),
      [`${library.name}-${library.version}.tgz`],
      'the README installs another tarball than npm run pack:lib writes',
    );
  });

  it('says "type": "module", as the quick start app has it (its main.ts awaits at the top level)', () => {
    assert.equal(consumer.type, 'module');
    assert.match(readme, /"type": "module"/);
  });
});
