import { Injectable, Logger } from '@nestjs/common';
import { JwtAuthGuard, type RequestWithHeaders } from 'nest-jwt-extended';

/**
 * The global guard, extended through one of its protected hooks: it notes which requests come without a token, then
 * lets `JwtAuthGuard` decide as usual.
 */
@Injectable()
export class AuditedJwtGuard extends JwtAuthGuard {
  private readonly logger = new Logger(AuditedJwtGuard.name);

  protected override extractToken(request: RequestWithHeaders): string | undefined {
    const token = super.extractToken(request);
    if (token === undefined) this.logger.debug('request without a token');
    return token;
  }
}
