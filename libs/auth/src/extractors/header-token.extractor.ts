import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { assertTokenSize } from '../tokens/token-size.js';
import { VerifiedTokenCache } from '../tokens/verified-token.cache.js';
import type { ExtractedToken } from './extracted-token.js';
import type { ExtractionSettings } from './extraction-settings.js';
import type { DpopSettings } from '../dpop/dpop-settings.js';

const WHITESPACE = /\s/;
/** `DPoP <token>`: the scheme of a DPoP-bound token (RFC 9449 section 7.1), in any case, as schemes are matched. */
const DPOP_SCHEME = /^\s*dpop(?:\s|$)/i;

/** The part of a request the extractor reads: Express and Fastify both expose lower-cased `headers`. */
export interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Reads the token from the configured header (`Authorization: Bearer <JWT>` by default, the scheme matched
 * case-insensitively). Returns `undefined` when the header is absent, so optional routes can stay anonymous;
 * a header that is present but malformed is refused, never ignored.
 */
@Injectable()
export class HeaderTokenExtractor {
  private readonly header: string;
  private readonly scheme: string;
  // Schemes accepted besides `scheme` (headerScheme: ['Bearer', 'JWT']): looked at only off the canonical fast path.
  private readonly otherSchemes: readonly string[];
  private readonly expected: string;
  /** `Bearer ` as configured: what nearly every request starts with. */
  private readonly canonicalPrefix: string;

  // The verifier's cache of verified tokens: a token found there needs no whitespace scan, and the hit travels to
  // verification in the ExtractedToken, so a request looks the cache up once.
  private readonly cache: VerifiedTokenCache;
  private readonly framedCache: boolean;
  // Decided at start-up: with DPoP off, `DPoP <token>` is another scheme, refused as before.
  private readonly acceptsDpop: boolean;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: ExtractionSettings & DpopSettings,
    @Optional() cache?: VerifiedTokenCache,
  ) {
    this.header = settings.headerName.toLowerCase();
    this.scheme = settings.headerScheme.toLowerCase();
    this.otherSchemes = settings.otherHeaderSchemes ?? [];
    this.canonicalPrefix = settings.headerScheme ? `${settings.headerScheme} ` : '';
    this.cache = cache ?? new VerifiedTokenCache(0, undefined, this.canonicalPrefix);
    this.framedCache = this.cache.frame === this.canonicalPrefix;
    this.acceptsDpop = settings.dpop !== undefined && this.scheme !== '' && this.scheme !== 'dpop';
    this.expected = `Expected '${settings.headerName}: ${settings.headerScheme ? `${settings.headerScheme} ` : ''}<JWT>'`;
  }

  /** The lower-case header name requests are read under. */
  get headerKey(): string {
    return this.header;
  }

  /** What a refusal says of a header that carries another scheme than the configured one. */
  get otherSchemeMessage(): string {
    return `Missing '${this.settings.headerScheme}' type in '${this.settings.headerName}' header. ${this.expected}`;
  }

  /** The token of the header, or `undefined` when there is none. */
  extract(request: RequestWithHeaders, otherSchemes: 'refuse' | 'ignore' = 'refuse'): string | undefined {
    return this.find(request, otherSchemes)?.token;
  }

  /**
   * The token of the header with what the verified-token cache knows of it (`verified`: the entry, or `null` when it
   * holds none), or `undefined` when there is no header.
   */
  find(request: RequestWithHeaders, otherSchemes: 'refuse' | 'ignore' = 'refuse'): ExtractedToken | undefined {
    const value = request.headers[this.header];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw this.badHeader(`Bad ${this.settings.headerName} header. ${this.expected}`);
    // A token the verifier has accepted is found from the header value itself (`Bearer <token>` as configured): it
    // holds no whitespace and has the right size, so nothing is cut out or scanned. An unknown token in the canonical
    // form needs no trimming or case folding; anything else (other case, extra spaces) takes the general path, which
    // accepts the same headers.
    const known = this.cache.getFramed(value);
    if (known !== undefined) return { token: known.token, location: 'headers', verified: known.verified };
    if (this.canonicalPrefix !== '' && value.startsWith(this.canonicalPrefix)) {
      const token = value.slice(this.canonicalPrefix.length);
      if (token.length !== 0 && !WHITESPACE.test(token)) {
        assertTokenSize(token, this.settings.maxTokenLength);
        // The miss above is the verifier's miss too when the cache frames tokens as this header does.
        return { token, location: 'headers', verified: this.framedCache ? null : undefined };
      }
    }
    // After the canonical Bearer form, so that a bearer token's path is what it was before DPoP.
    if (this.acceptsDpop && DPOP_SCHEME.test(value)) return this.dpopToken(value);
    const token = this.scheme === '' ? value.trim() : this.afterScheme(value, otherSchemes);
    // Another scheme (`Basic ...`) carries no token of ours: with other locations to try, it is not an error.
    if (token === undefined) return undefined;
    if (token.length === 0 || WHITESPACE.test(token)) {
      throw this.badHeader(`Bad ${this.settings.headerName} header. ${this.expected}`);
    }
    assertTokenSize(token, this.settings.maxTokenLength);
    return { token, location: 'headers' };
  }

  /**
   * `headers` plus the header this extractor reads, carrying `token`: how a token handed over apart from headers (a
   * socket.io handshake's `auth.token`, a graphql-ws `connectionParams.token`) goes through the same checks.
   */
  headersCarrying(token: string, headers: RequestWithHeaders['headers'] = {}): RequestWithHeaders['headers'] {
    return { ...headers, [this.header]: `${this.canonicalPrefix}${token}` };
  }

  /** True when `headers` hold the header this extractor reads. */
  hasTokenHeader(headers: RequestWithHeaders['headers']): boolean {
    const value = headers[this.header];
    return value !== undefined && value !== '';
  }

  private dpopToken(value: string): ExtractedToken {
    const token = value.trim().slice(4).trim();
    if (token.length === 0 || WHITESPACE.test(token)) {
      throw this.badHeader(
        `Bad ${this.settings.headerName} header. Expected '${this.settings.headerName}: DPoP <JWT>'`,
      );
    }
    assertTokenSize(token, this.settings.maxTokenLength);
    return { token, location: 'headers', dpop: true };
  }

  private afterScheme(value: string, otherSchemes: 'refuse' | 'ignore'): string | undefined {
    const trimmed = value.trimStart();
    const space = trimmed.search(WHITESPACE);
    const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
    const lower = scheme.toLowerCase();
    if (lower !== this.scheme && !this.otherSchemes.includes(lower)) {
      if (otherSchemes === 'ignore') return undefined;
      // No Bearer credentials were sent at all, so the challenge carries no error (RFC 6750 section 3).
      throw new AuthError(AuthErrorCode.InvalidAuthorizationHeader, this.otherSchemeMessage);
    }
    return space === -1 ? '' : trimmed.slice(space).trim();
  }

  private badHeader(message: string): AuthError {
    return new AuthError(AuthErrorCode.InvalidAuthorizationHeader, message, 'invalid_request');
  }
}
