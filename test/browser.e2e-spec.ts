import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveStaticSite } from './support/browser.js';
import { DemoProcess } from './support/demo-process.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

/**
 * The demo's page (GET /) in a real Chromium: the cookie session as a browser front end lives it, and a cross-site
 * form that the CSRF double submit must stop.
 */
const TOKEN_COOKIES = ['access_token_cookie', 'refresh_token_cookie'];
const CSRF_COOKIES = ['csrf_access_token', 'csrf_refresh_token'];

/** The part of the page's globals these functions touch, typed here since the tests compile without the DOM library. */
interface PageGlobals {
  document: { cookie: string; getElementById(id: string): { dataset: Record<string, string | undefined> } };
}

/** What a result element of the page shows after an answer. */
interface Shown {
  status: number;
  code: string;
  body: Record<string, unknown>;
}

/** Clicks `button` and waits until the page has shown the answer in `result` (its `data-seq` moves on). */
async function press(page: Page, button: string, result: string): Promise<Shown> {
  const before = await page.getAttribute(`#${result}`, 'data-seq');
  await page.click(`#${button}`);
  await waitForSeqChange(page, result, before);
  return shown(page, result);
}

async function waitForSeqChange(page: Page, id: string, before: string | null): Promise<void> {
  await page.waitForFunction(
    ([elementId, seq]) => (globalThis as unknown as PageGlobals).document.getElementById(elementId).dataset.seq !== seq,
    [id, before] as const,
  );
}

async function shown(page: Page, id: string): Promise<Shown> {
  const element = page.locator(`#${id}`);
  const text = (await element.textContent()) ?? '';
  return {
    status: Number(await element.getAttribute('data-status')),
    code: (await element.getAttribute('data-code')) ?? '',
    body: JSON.parse(text.slice(text.indexOf(' ') + 1)),
  };
}

/** Waits until the page has asked who is logged in once, as it does when it loads. */
async function waitForFirstCheck(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.getElementById('user').dataset.seq !== '0',
  );
}

/** Who the page says is logged in, once its latest check has come back. */
async function loggedInAs(page: Page, before: string | null): Promise<string> {
  await waitForSeqChange(page, 'user', before);
  return (await page.textContent('#user')) ?? '';
}

/** The cookie names the page's own script can see. */
async function scriptVisibleCookies(page: Page): Promise<string[]> {
  const cookies = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie);
  return cookies
    .split(';')
    .map((part) => part.split('=')[0]!.trim())
    .filter((name) => name !== '')
    .sort();
}

/** Logs in through the page's form (ticking "remember me" when told) and waits until it shows the user. */
async function logInThroughPage(page: Page, demoUrl: string, { remember = false } = {}): Promise<void> {
  await page.goto(`${demoUrl}/`);
  await waitForFirstCheck(page);
  const userSeq = await page.getAttribute('#user', 'data-seq');
  await page.fill('#username', 'test');
  await page.fill('#password', 'test');
  if (remember) await page.check('#remember');
  const before = await page.getAttribute('#login-result', 'data-seq');
  await page.click('#login-button');
  await waitForSeqChange(page, 'login-result', before);
  expect(await shown(page, 'login-result')).toMatchObject({ status: 200, body: { login: true } });
  expect(await loggedInAs(page, userSeq)).toBe('test (fresh)');
}

async function cookieValue(context: BrowserContext, url: string, name: string): Promise<string | undefined> {
  return (await context.cookies(url)).find((cookie) => cookie.name === name)?.value;
}

describe.each(ADAPTERS)('the demo page in Chromium, on %s', (adapter) => {
  let demo: DemoProcess;
  let browser: Browser;

  beforeAll(async () => {
    // The browser first: without it the suite fails at once, and no demo process is left behind.
    browser = await launchChromium();
    // Plain HTTP on 127.0.0.1: a Secure cookie would never be sent back.
    demo = await DemoProcess.start({ HTTP_ADAPTER: adapter, JWT_COOKIE_SECURE: 'false' });
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.stop()]);
  });

  it('logs in, acts fresh, refreshes, hides the token cookies from scripts and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    try {
      const response = await page.goto(`${demo.url}/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await waitForFirstCheck(page);
      expect(await page.textContent('#user')).toBe('nobody');

      await logInThroughPage(page, demo.url);
      // The token cookies are HttpOnly: the browser holds them, the page's script cannot read them.
      expect(await scriptVisibleCookies(page)).toEqual(CSRF_COOKIES);
      const cookies = await context.cookies(demo.url);
      for (const name of TOKEN_COOKIES) {
        expect(cookies.find((cookie) => cookie.name === name)).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      }
      for (const name of CSRF_COOKIES) {
        expect(cookies.find((cookie) => cookie.name === name)).toMatchObject({ httpOnly: false });
      }

      // The fresh-only action, authenticated by the cookie and the X-CSRF-TOKEN header the script copies.
      expect(await press(page, 'fresh-button', 'fresh-result')).toMatchObject({
        status: 200,
        body: { logged_in_as: 'test', fresh: true },
      });

      const firstAccess = await cookieValue(context, demo.url, 'access_token_cookie');
      let userSeq = await page.getAttribute('#user', 'data-seq');
      expect(await press(page, 'refresh-button', 'refresh-result')).toMatchObject({
        status: 200,
        body: { refresh: true },
      });
      expect(await loggedInAs(page, userSeq)).toBe('test (not fresh)');
      const refreshedAccess = await cookieValue(context, demo.url, 'access_token_cookie');
      expect(refreshedAccess).toBeDefined();
      expect(refreshedAccess).not.toBe(firstAccess);
      expect(await scriptVisibleCookies(page)).toEqual(CSRF_COOKIES);
      // A refreshed token is not fresh: the critical action now wants the password again.
      expect(await press(page, 'fresh-button', 'fresh-result')).toMatchObject({
        status: 401,
        code: 'fresh_token_required',
      });
      expect(await press(page, 'whoami-button', 'whoami-result')).toMatchObject({
        status: 200,
        body: { logged_in_as: 'test', fresh: false },
      });

      userSeq = await page.getAttribute('#user', 'data-seq');
      expect(await press(page, 'logout-button', 'logout-result')).toMatchObject({ status: 200 });
      expect(await loggedInAs(page, userSeq)).toBe('nobody');
      const left = (await context.cookies(demo.url)).map((cookie) => cookie.name);
      expect(left.filter((name) => TOKEN_COOKIES.includes(name) || CSRF_COOKIES.includes(name))).toEqual([]);
      expect(await scriptVisibleCookies(page)).toEqual([]);
      expect(await press(page, 'whoami-button', 'whoami-result')).toMatchObject({ status: 401 });
      expect(await press(page, 'fresh-button', 'fresh-result')).toMatchObject({ status: 401 });

      // The server ended the session too: the last access cookie, put back by hand, is refused as revoked.
      await context.addCookies([{ name: 'access_token_cookie', value: refreshedAccess!, url: demo.url }]);
      expect(await press(page, 'whoami-button', 'whoami-result')).toMatchObject({
        status: 401,
        code: 'token_revoked',
      });
      expect(consoleErrors.filter((text) => !/status of 401/.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each([false, true])('keeps session cookies unless "remember me" is ticked (ticked: %s)', async (remember) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const isLogin = (response: { url(): string }) => response.url() === `${demo.url}/web/login`;
      const [response] = await Promise.all([
        page.waitForResponse(isLogin),
        logInThroughPage(page, demo.url, { remember }),
      ]);
      const lines = (await response.headersArray())
        .filter((header) => header.name.toLowerCase() === 'set-cookie')
        .map((header) => header.value);
      const byName = new Map((await context.cookies(demo.url)).map((cookie) => [cookie.name, cookie]));
      if (remember) {
        // The refresh cookie lives as long as the refresh token (the demo's 30 days), so it outlives the browser.
        expect(lines.find((line) => line.startsWith('refresh_token_cookie='))).toMatch(/; Max-Age=2592000;/);
        expect(byName.get('refresh_token_cookie')!.expires).toBeGreaterThan(0);
      } else {
        // No Max-Age, no Expires: Chromium keeps them for this browser session only (expires -1).
        expect(lines.join('\n')).not.toMatch(/Max-Age|Expires/);
        for (const name of [...TOKEN_COOKIES, ...CSRF_COOKIES]) expect(byName.get(name)!.expires).toBe(-1);
      }
    } finally {
      await context.close();
    }
  });

  it('refuses a form that another origin posts with the session cookies (untrusted_origin)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // 127.0.0.1 on another port is the same site, so SameSite=Lax sends the cookies: the origin check refuses it before
    // the double submit (which would refuse it too: the form carries no CSRF header).
    const attacker = await serveStaticSite(
      `<!doctype html><html><body>
        <form id="attack" method="POST" action="${demo.url}/protected-fresh"><input name="amount" value="1000"></form>
        <script>document.getElementById('attack').submit();</script>
      </body></html>`,
    );
    try {
      await logInThroughPage(page, demo.url);
      const isAttack = (response: { url(): string; request(): { method(): string } }) =>
        response.url() === `${demo.url}/protected-fresh` && response.request().method() === 'POST';
      const [response] = await Promise.all([page.waitForResponse(isAttack), page.goto(attacker.url)]);

      const cookieHeader = (await response.request().headerValue('cookie')) ?? '';
      expect(cookieHeader).toContain('access_token_cookie=');
      expect(await response.request().headerValue('origin')).toBe(attacker.url);
      expect(response.status()).toBe(403);
      expect(await response.json()).toMatchObject({ statusCode: 403, code: 'untrusted_origin' });

      // The session itself was good: the page's own request, with the header, passes.
      await page.goto(`${demo.url}/`);
      await waitForFirstCheck(page);
      expect(await press(page, 'fresh-button', 'fresh-result')).toMatchObject({ status: 200 });
    } finally {
      await context.close();
      await attacker.close();
    }
  });
});
