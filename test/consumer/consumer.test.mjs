// The consumer test: packs the library as npm would publish it, installs the tarball into the separate app in
// examples/consumer (its own package.json, strict TypeScript, module nodenext), type-checks and starts that app, and
// runs the login -> protected -> fresh -> refresh -> logout flow over HTTP. Run by `npm run test:consumer`.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nje-consumer-'));
const app = join(work, 'app');
const secret = randomBytes(32).toString('base64url');
let server;
let base;

/** Runs a command; on failure, the error carries what it printed. */
function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`, {
      cause: error,
    });
  }
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

async function call(method, path, token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(method === 'POST' && path === '/login' ? { 'content-type': 'application/json' } : {}),
    },
    ...(path === '/login' ? { body: JSON.stringify({ username: 'test', password: 'test' }) } : {}),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

before(async () => {
  // What `npm publish` would upload: prepack builds the library and copies README, LICENSE and CHANGELOG.
  run('npm', ['pack', '-w', 'libs/auth', '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  const files = run('tar', ['-tzf', join(work, tarball)], work).split('\n');
  for (const file of [
    'package/README.md',
    'package/LICENSE',
    'package/CHANGELOG.md',
    'package/dist/index.js',
    'package/dist/index.d.ts',
  ]) {
    assert.ok(files.includes(file), `the tarball lacks ${file}`);
  }
  assert.ok(!files.some((file) => file.endsWith('.map')), 'the tarball ships source maps without their sources');
  cpSync(join(root, 'examples/consumer'), app, {
    recursive: true,
    filter: (path) => !/(node_modules|dist)$/.test(path),
  });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(work, tarball)], app);
  run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  const port = await sparePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    env: { ...process.env, PORT: String(port), JWT_SECRET_KEY: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the consumer app exited:\n${output}`);
    try {
      await fetch(base);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the consumer app did not listen within 30 s:\n${output}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
});

after(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('a separate app using the packed library as the README says', () => {
  const tokens = {};

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
});

describe('the README', () => {
  // A block that follows `<!-- file: PATH -->` claims to be that file of the consumer app, which the test above
  // type-checks and runs: the text must match exactly.
  it('shows the consumer app code exactly as it compiles', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\s*```ts\n([\s\S]*?)```/g)];
    assert.ok(blocks.length >= 2, 'the README shows no consumer app file');
    for (const [, path, code] of blocks) {
      assert.equal(code, readFileSync(join(root, path), 'utf8'), `README block for ${path} differs from the file`);
    }
  });
});
