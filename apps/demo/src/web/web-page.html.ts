/**
 * The demo's browser page (`GET /`): plain HTML, no inline script or style, so the page's Content-Security-Policy can
 * forbid both. The behaviour is in {@link WEB_PAGE_SCRIPT} (`GET /app.js`). Every element the browser test reads or
 * clicks has a stable id.
 */
export const WEB_PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>nest-jwt-extended: browser session</title>
    <link rel="stylesheet" href="/app.css">
    <script src="/app.js" defer></script>
  </head>
  <body>
    <h1>Browser session</h1>
    <p>
      The tokens travel in HttpOnly cookies that this page's script cannot read. Every POST carries the
      <code>X-CSRF-TOKEN</code> header, copied from the readable <code>csrf_access_token</code> or
      <code>csrf_refresh_token</code> cookie: another site can make the browser send the cookies, not the header.
    </p>

    <section>
      <h2>Who is logged in</h2>
      <p>Logged in as: <strong id="user" data-seq="0">(checking)</strong></p>
      <p>Cookies this script can see: <code id="visible-cookies">(none)</code></p>
    </section>

    <section>
      <h2>Log in</h2>
      <form id="login-form">
        <label>Username <input id="username" name="username" autocomplete="username" required></label>
        <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
        <label><input id="remember" name="remember" type="checkbox"> Remember me (otherwise the cookies end with the browser)</label>
        <button id="login-button" type="submit">Log in</button>
      </form>
      <output id="login-result" data-seq="0"></output>
    </section>

    <section>
      <h2>Actions</h2>
      <p><button id="whoami-button" type="button">GET /protected</button> <output id="whoami-result" data-seq="0"></output></p>
      <p><button id="fresh-button" type="button">POST /protected-fresh (fresh only)</button> <output id="fresh-result" data-seq="0"></output></p>
      <p><button id="refresh-button" type="button">Refresh</button> <output id="refresh-result" data-seq="0"></output></p>
      <p><button id="logout-button" type="button">Log out</button> <output id="logout-result" data-seq="0"></output></p>
    </section>
  </body>
</html>
`;
