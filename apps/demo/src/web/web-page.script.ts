/**
 * The script of the demo's browser page (`GET /app.js`), served as a file of its own so the page's
 * Content-Security-Policy can allow `script-src 'self'` and nothing inline.
 *
 * The part worth copying is `csrfHeader`: the double-submit value is read from the readable CSRF cookie and sent as
 * `X-CSRF-TOKEN` on every POST; the token cookies themselves are HttpOnly and never reach this script. Each result
 * element gets `data-status` and `data-code` and then a bumped `data-seq`, so a test can wait for an answer.
 */
export const WEB_PAGE_SCRIPT = `'use strict';

/** The value of a cookie this script can read, or undefined (HttpOnly cookies never appear here). */
function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The double-submit header for a POST authenticated by the cookie whose CSRF twin is csrfCookie. */
function csrfHeader(csrfCookie) {
  const value = readCookie(csrfCookie);
  return value === undefined ? {} : { 'X-CSRF-TOKEN': value };
}

/** Sends a request with the cookies of this origin and shows its answer in the element with id resultId. */
async function call(resultId, method, path, headers, body) {
  const output = document.getElementById(resultId);
  let status = 0;
  let answer;
  try {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: Object.assign({ Accept: 'application/json' }, body === undefined ? {} : { 'Content-Type': 'application/json' }, headers),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    status = response.status;
    answer = await response.json().catch(() => ({}));
  } catch (error) {
    answer = { message: String(error) };
  }
  output.dataset.status = String(status);
  output.dataset.code = (answer && answer.code) || '';
  output.textContent = status + ' ' + JSON.stringify(answer);
  showVisibleCookies();
  output.dataset.seq = String(Number(output.dataset.seq) + 1);
  return { status, answer };
}

/** Names only: the CSRF values are not for display. */
function showVisibleCookies() {
  const names = document.cookie
    .split(';')
    .map((part) => part.split('=')[0].trim())
    .filter((name) => name !== '');
  document.getElementById('visible-cookies').textContent = names.length === 0 ? '(none)' : names.join(', ');
}

async function whoAmI() {
  const { status, answer } = await call('whoami-result', 'GET', '/protected', {});
  const user = document.getElementById('user');
  user.textContent = status === 200 ? answer.logged_in_as + (answer.fresh ? ' (fresh)' : ' (not fresh)') : 'nobody';
  user.dataset.seq = String(Number(user.dataset.seq) + 1);
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = document.getElementById('username').value;
  const password = document.getElementById('password').value;
  // Unchecked, the field is left out: session cookies. Checked, the refresh cookie outlives the browser.
  const remember = document.getElementById('remember').checked ? { remember: true } : {};
  document.getElementById('password').value = '';
  await call('login-result', 'POST', '/web/login', {}, Object.assign({ username, password }, remember));
  await whoAmI();
});
document.getElementById('whoami-button').addEventListener('click', whoAmI);
document.getElementById('fresh-button').addEventListener('click', () =>
  call('fresh-result', 'POST', '/protected-fresh', csrfHeader('csrf_access_token')),
);
document.getElementById('refresh-button').addEventListener('click', async () => {
  await call('refresh-result', 'POST', '/web/refresh', csrfHeader('csrf_refresh_token'));
  await whoAmI();
});
document.getElementById('logout-button').addEventListener('click', async () => {
  await call('logout-result', 'POST', '/web/logout', csrfHeader('csrf_access_token'));
  await whoAmI();
});

whoAmI();
`;
