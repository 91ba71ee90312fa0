import { Injectable, Logger } from '@nestjs/common';
import { type ExtractableRequest, type ExtractedToken, JwtAuthGuard, type TokenLocation } from 'nest-jwt-extended';

/**
 * The global guard, extended through one of its protected hooks: it notes which requests come without a token, then
 * lets `JwtAuthGuard` decide as usual.
 */
@Injectable()
export class AuditedJwtGuard extends JwtAuthGuard {
  private readonly logger = new Logger(AuditedJwtGuard.name);

  protected override extractToken(
    request: ExtractableRequest,
    locations?: readonly TokenLocation[],
  ): ExtractedToken | undefined {
    const found = super.extractToken(request, locations);
    if (found === undefined) this.logger.debug('request without a token');
    return found;
  }
}
