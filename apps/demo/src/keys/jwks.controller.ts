import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { type JsonWebKeySet, JwksService, Public } from 'nest-jwt-extended';

/**
 * Publishes the public keys, so other services can verify this app's tokens (`jwks: { uri }` in their AuthModule).
 * With an HMAC algorithm there is nothing public to publish, and the route answers 404.
 */
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly jwks: JwksService) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  keys(): JsonWebKeySet {
    if (!this.jwks.hasPublicKeys()) throw new NotFoundException();
    return this.jwks.getJwks();
  }
}
