import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { noteInSummary } from './summary-notes.js';

/** Debian's Chromium, where `apt-get install -y chromium` puts it. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, and quiet: without the background-networking flags Chromium keeps trying hosts this machine cannot reach
 * (shared/notes/toolchain.md). The sandbox needs user namespaces, which containers running as root do not give.
 * @sparticuz/chromium's own `args` are not used: they turn off web security and site isolation, which the CSRF tests
 * rely on.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium to drive, first found: `CHROMIUM_PATH` (which must exist when set), Debian's `/usr/bin/chromium`, then
 * the one the dev dependency @sparticuz/chromium ships inside its npm package (unpacked to the temporary folder on first
 * use, about 2 s), so that `npm ci && npm test` needs nothing installed by hand.
 */
export async function findChromium(): Promise<{ path: string; source: string }> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH is ${chosen}, and no file is there.`);
    return { path: chosen, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: "Debian's chromium" };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
  } catch (error) {
    throw new Error(
      'No Chromium for the browser test: CHROMIUM_PATH is not set, /usr/bin/chromium is missing, and the dev ' +
        'dependency @sparticuz/chromium could not unpack its own (run `npm ci`, or `apt-get install -y chromium`).',
      { cause: error },
    );
  }
}

/**
 * Starts Chromium through playwright-core (which downloads no browser). Playwright gives every launch a fresh,
 * temporary user-data directory, removed on close. A missing browser is a failure that says how to get one, never a
 * skipped test; the run's summary names the browser used.
 */
export async function launchChromium(): Promise<Browser> {
  const { path, source } = await findChromium();
  const browser = await chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
  noteInSummary(`browser suite: Chromium ${browser.version()} from ${source}`);
  return browser;
}

/** A one-page web site on a spare port of 127.0.0.1: another origin than the app under test. */
export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/** Serves `html` at every path, from a port of its own. */
export async function serveStaticSite(html: string): Promise<StaticSite> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
