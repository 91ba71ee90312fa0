import type { RequestWithHeaders } from '../extractors/header-token.extractor.js';

/**
 * The parts of a request that say which URL it was sent to: Express' `originalUrl`, `protocol` and `host` (which
 * follow its `trust proxy` setting), Fastify's `url`, `protocol` and `host` (which follow `trustProxy`), or a bare Node
 * request's `url`, its `Host` header and its socket.
 *
 * @example
 * ```ts
 * @Post('login')
 * async login(@Req() request: DpopRequest) {
 *   return this.sessions.start('alice', { dpopJkt: await this.dpop.keyOf(request) });
 * }
 * ```
 */
export interface DpopRequest extends RequestWithHeaders {
  method?: string;
  url?: string;
  originalUrl?: string;
  protocol?: unknown;
  host?: unknown;
  socket?: { encrypted?: boolean };
}

/** A URL cut down to what `htu` is compared on (RFC 9449 section 4.3): origin and path, no query, no fragment. */
export interface HttpTarget {
  readonly origin: string;
  readonly path: string;
}

/**
 * Parses a proof's `htu`: an absolute `http` or `https` URL. Its scheme and host are lower-cased and a default port
 * dropped (RFC 3986 section 6.2.2 and 6.2.3, as WHATWG URL parsing does); query and fragment are ignored.
 * `undefined` for anything else.
 */
export function parseHtu(htu: string): HttpTarget | undefined {
  let url: URL;
  try {
    url = new URL(htu);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return { origin: url.origin, path: url.pathname };
}

/**
 * Where `request` was sent as its client saw it, or `undefined` when it cannot tell. `origins` (the `dpop.origin`
 * option) are the external origins of a server behind a proxy: then only the path is read from the request, and the
 * origin is the proof's own when it is one of them. Without it, the origin is the request's scheme (`protocol`, else
 * TLS on the socket) and `Host`, and the path its URL's, normalised as a `htu` is.
 */
export function requestTarget(
  request: DpopRequest,
  origins: ReadonlySet<string> | undefined,
  proofOrigin: string,
): HttpTarget | undefined {
  const raw = typeof request.originalUrl === 'string' ? request.originalUrl : request.url;
  if (typeof raw !== 'string' || !raw.startsWith('/')) return undefined;
  const cut = raw.search(/[?#]/);
  let path: string;
  try {
    // Parsed as a htu is, so that both sides are normalised alike ('/a/../b' is '/b', '%7e' stays as sent).
    path = new URL(cut === -1 ? raw : raw.slice(0, cut), 'http://localhost').pathname;
  } catch {
    return undefined;
  }
  if (origins !== undefined) return origins.has(proofOrigin) ? { origin: proofOrigin, path } : undefined;
  const host = typeof request.host === 'string' && request.host !== '' ? request.host : request.headers.host;
  if (typeof host !== 'string' || host === '') return undefined;
  const scheme =
    request.protocol === 'https' || request.protocol === 'http'
      ? request.protocol
      : request.socket?.encrypted === true
        ? 'https'
        : 'http';
  const origin = parseHtu(`${scheme}://${host}/`)?.origin;
  return origin === undefined ? undefined : { origin, path };
}
