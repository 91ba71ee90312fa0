import { HttpStatus } from '@nestjs/common';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { RequestWithHeaders } from './header-token.extractor.js';

/**
 * Refuses (403 `untrusted_origin`) a request from another site: an `Origin` that is neither one of `trusted` nor the
 * request's own host (`Host`, or HTTP/2's `:authority`), an opaque `Origin: null`, or, when the browser sent no
 * `Origin`, `Sec-Fetch-Site: cross-site`. A request with neither header (a client that is not a browser) passes: the
 * CSRF double submit still judges it. Called only for a cookie-borne token on a checked method: a token in a header is
 * sent by the page's own script, never by the browser on another site's behalf.
 *
 * @example
 * ```ts
 * assertTrustedOrigin(request.headers, new Set(['https://app.example.com']));
 * ```
 */
export function assertTrustedOrigin(headers: RequestWithHeaders['headers'], trusted: ReadonlySet<string>): void {
  const origin = headers.origin;
  if (typeof origin === 'string') {
    if (trusted.has(origin) || isOwnOrigin(origin, headers.host ?? headers[':authority'])) return;
    throw untrustedOrigin('Cross-site request refused: its origin is not trusted');
  }
  if (headers['sec-fetch-site'] === 'cross-site') throw untrustedOrigin('Cross-site request refused');
}

/** Whether `origin` (`scheme://host[:port]`) names the host the request was sent to. */
function isOwnOrigin(origin: string, host: string | string[] | undefined): boolean {
  if (typeof host !== 'string' || host === '') return false;
  const start = origin.indexOf('://');
  return start > 0 && origin.slice(start + 3).toLowerCase() === host.toLowerCase();
}

function untrustedOrigin(message: string): AuthError {
  return new AuthError(AuthErrorCode.UntrustedOrigin, message, undefined, HttpStatus.FORBIDDEN);
}
