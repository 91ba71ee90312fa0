import { Inject, Injectable } from '@nestjs/common';
import { parseCookie } from 'cookie';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { constantTimeEqual } from '../util/constant-time-equal.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { assertTokenSize } from '../tokens/token-size.js';
import type { ExtractionSettings } from './extraction-settings.js';
import type { ExtractedToken } from './extracted-token.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from './header-token.extractor.js';
import { assertTrustedOrigin } from './origin-check.js';
import type { TokenLocation } from '../request/token-location.js';

/**
 * The parts of a request the extractor reads. Express and Fastify both expose `headers`, `method`, the parsed `query`
 * and the parsed `body` under these names.
 */
export interface ExtractableRequest extends RequestWithHeaders {
  method?: string;
  query?: unknown;
  body?: unknown;
}

/**
 * Finds the token of a request in the configured locations, in order (Flask-JWT-Extended's `JWT_TOKEN_LOCATION`). Only
 * "no token here" moves on to the next location: a malformed header, a bad value or a missing CSRF header stops the
 * search, so a request is never judged by a weaker location than the one it used. For a cookie-borne token on an
 * unsafe method it refuses a request from another site (`csrf.checkOrigin`, 403 `untrusted_origin`) and reads the
 * CSRF value the request sent, which {@link assertCsrf} compares with the token's claim once the token is verified.
 *
 * @example
 * ```ts
 * const found = extractor.extract(request, 'access', ['cookies']);
 * if (found) {
 *   const claims = tokens.verifyToken(found.token, { type: 'access' });
 *   extractor.assertCsrf(found, claims);
 * }
 * ```
 */
@Injectable()
export class TokenExtractor {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: ExtractionSettings,
    private readonly header: HeaderTokenExtractor,
  ) {}

  /** `headers` plus the configured header carrying `token` (a socket's `auth.token` goes through the same checks). */
  headersCarrying(token: string, headers?: RequestWithHeaders['headers']): RequestWithHeaders['headers'] {
    return this.header.headersCarrying(token, headers);
  }

  /** True when `headers` hold the configured header. */
  hasTokenHeader(headers: RequestWithHeaders['headers']): boolean {
    return this.header.hasTokenHeader(headers);
  }

  /** The locations searched on a route without `@TokenLocation()`. */
  get defaultLocations(): readonly TokenLocation[] {
    return this.settings.tokenLocation;
  }

  /**
   * The token of `request`, or `undefined` when no location holds one. `type` picks the cookie, the CSRF header and
   * the JSON key: the refresh ones for `'refresh'`, the access ones for every other type.
   */
  extract(
    request: ExtractableRequest,
    type: string = 'access',
    locations?: readonly TokenLocation[],
  ): ExtractedToken | undefined {
    const searched = locations ?? this.settings.tokenLocation;
    // The common case, kept to the one call it was before token locations existed.
    if (searched.length === 1 && searched[0] === 'headers') return this.header.find(request);
    const several = searched.length > 1;
    // Indexed: an iterator costs every request more than the search itself when the header holds the token.
    for (let index = 0; index < searched.length; index += 1) {
      const found = this.from(searched[index]!, request, type, several);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Refuses a cookie-borne token whose CSRF value (header or form field) is not its `csrf` claim. Does nothing for a
   * token from any other location, or on a method that is not checked.
   */
  assertCsrf(found: ExtractedToken, claims: JwtClaims): void {
    if (found.csrf === undefined) return;
    const claim = claims.csrf;
    if (typeof claim !== 'string' || claim.length === 0) {
      throw new AuthError(
        AuthErrorCode.CsrfTokenMismatch,
        'Token has no csrf claim: list "cookies" in the tokenLocation option of the module that mints it',
      );
    }
    if (!constantTimeEqual(found.csrf, claim)) {
      throw new AuthError(AuthErrorCode.CsrfTokenMismatch, 'CSRF double submit tokens do not match');
    }
  }

  /**
   * What a refusal for a missing token says: where the guard looked. One location: its own message; several:
   * Flask-JWT-Extended's form, `Missing JWT in headers or cookies (...; ...)`.
   */
  missingMessage(type: string = 'access', locations?: readonly TokenLocation[], request?: ExtractableRequest): string {
    const searched = locations ?? this.settings.tokenLocation;
    const details = searched.map((location) => this.absentFrom(location, type, request));
    if (searched.length === 1) return details[0]!;
    return `Missing JWT in ${searched.slice(0, -1).join(', ')} or ${searched.at(-1)} (${details.join('; ')})`;
  }

  private from(
    location: TokenLocation,
    request: ExtractableRequest,
    type: string,
    several: boolean,
  ): ExtractedToken | undefined {
    switch (location) {
      case 'headers':
        return this.header.find(request, several ? 'ignore' : 'refuse');
      case 'cookies':
        return this.fromCookie(request, type);
      case 'query_string':
        return this.fromQuery(request);
      case 'json':
        return this.fromJson(request, type);
    }
  }

  private fromCookie(request: ExtractableRequest, type: string): ExtractedToken | undefined {
    const header = request.headers.cookie;
    if (typeof header !== 'string' || header === '') return undefined;
    const refresh = type === 'refresh';
    const cookies = this.settings.cookies;
    const token = parseCookie(header)[refresh ? cookies.refreshName : cookies.accessName];
    if (token === undefined || token === '') return undefined;
    assertTokenSize(token, this.settings.maxTokenLength);
    const csrf = this.settings.csrf;
    if (!csrf.methods.has((request.method ?? 'GET').toUpperCase())) return { token, location: 'cookies' };
    // Before the CSRF value: a cross-site request is refused as such, whatever it carries.
    if (csrf.checkOrigin) assertTrustedOrigin(request.headers, csrf.trustedOrigins);
    if (!csrf.enabled) return { token, location: 'cookies' };
    const value = this.csrfValue(request, refresh);
    if (value === undefined) throw new AuthError(AuthErrorCode.CsrfTokenMissing, 'Missing CSRF token');
    return { token, location: 'cookies', csrf: value };
  }

  private csrfValue(request: ExtractableRequest, refresh: boolean): string | undefined {
    const csrf = this.settings.csrf;
    const header = request.headers[refresh ? csrf.refreshHeaderName : csrf.accessHeaderName];
    if (typeof header === 'string' && header !== '') return header;
    if (!csrf.checkForm || !isRecord(request.body)) return undefined;
    const field = request.body[refresh ? csrf.refreshFieldName : csrf.accessFieldName];
    return typeof field === 'string' && field !== '' ? field : undefined;
  }

  private fromQuery(request: ExtractableRequest): ExtractedToken | undefined {
    const { name, valuePrefix } = this.settings.queryString;
    const value = isRecord(request.query) ? request.query[name] : undefined;
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !value.startsWith(valuePrefix) || value.length === valuePrefix.length) {
      throw AuthError.invalid(
        AuthErrorCode.InvalidToken,
        `Bad "${name}" query parameter. Expected '${name}=${valuePrefix}<JWT>' once`,
      );
    }
    const token = value.slice(valuePrefix.length);
    assertTokenSize(token, this.settings.maxTokenLength);
    return { token, location: 'query_string' };
  }

  private fromJson(request: ExtractableRequest, type: string): ExtractedToken | undefined {
    if (!isRecord(request.body) || !isJson(request.headers['content-type'])) return undefined;
    const key = type === 'refresh' ? this.settings.json.refreshKey : this.settings.json.accessKey;
    const value = request.body[key];
    if (value === undefined || value === '' || value === null) return undefined;
    if (typeof value !== 'string') {
      throw AuthError.invalid(AuthErrorCode.InvalidToken, `Bad "${key}" key in the JSON body: expected a string`);
    }
    assertTokenSize(value, this.settings.maxTokenLength);
    return { token: value, location: 'json' };
  }

  private absentFrom(location: TokenLocation, type: string, request: ExtractableRequest | undefined): string {
    const refresh = type === 'refresh';
    switch (location) {
      case 'headers':
        // The header is there with another scheme (`Basic ...`): say so, as a lone header location would.
        return request?.headers[this.header.headerKey]
          ? this.header.otherSchemeMessage
          : `Missing ${this.settings.headerName} Header`;
      case 'cookies':
        return `Missing cookie "${refresh ? this.settings.cookies.refreshName : this.settings.cookies.accessName}"`;
      case 'query_string':
        return `Missing "${this.settings.queryString.name}" query parameter`;
      case 'json':
        return `Missing "${refresh ? this.settings.json.refreshKey : this.settings.json.accessKey}" key in a JSON body`;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJson(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);
}
