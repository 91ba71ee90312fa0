import type { TokenType } from './jwt-claims.interface.js';

/** What a route or a caller demands of a token beyond validity. */
export interface TokenPolicy {
  /** The only type accepted. */
  readonly type: TokenType;
  /** Demand a fresh access token. */
  readonly fresh?: boolean;
}

/** `fresh === true`, or a fresh-until epoch second that has not passed. */
export function isFresh(fresh: unknown, nowSeconds: number): boolean {
  return fresh === true || (typeof fresh === 'number' && nowSeconds <= fresh);
}
