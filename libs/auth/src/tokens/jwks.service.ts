import type { JsonWebKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TokenVerifier } from './token-verifier.js';

/** A JWKS document (RFC 7517 section 5). */
export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

/**
 * The public keys this module verifies with (the signing key's and every `verificationKeys` entry's), as a JWKS
 * document for other services to verify our tokens. Each key carries `kid`, `alg` and `use: "sig"`. HMAC secrets are
 * never published, so with an HS algorithm the set is empty. Built once: keys do not change while the app runs.
 *
 * @example
 * ```ts
 * @Public()
 * @Controller('.well-known')
 * export class JwksController {
 *   constructor(private readonly jwks: JwksService) {}
 *
 *   @Get('jwks.json')
 *   keys(): JsonWebKeySet {
 *     return this.jwks.getJwks();
 *   }
 * }
 * ```
 */
@Injectable()
export class JwksService {
  private readonly jwks: JsonWebKeySet;

  constructor(verifier: TokenVerifier) {
    this.jwks = verifier.keys.toJwks();
  }

  /** The key set; a copy, so callers cannot change what later requests get. */
  getJwks(): JsonWebKeySet {
    return structuredClone(this.jwks);
  }

  /** Whether there is anything to publish (an asymmetric algorithm). */
  hasPublicKeys(): boolean {
    return this.jwks.keys.length > 0;
  }
}
