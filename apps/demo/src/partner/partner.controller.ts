import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentConfig, CurrentIdentity, DEFAULT_CONFIGURATION, JwtAuthGuard, RequireScopes } from 'nest-jwt-extended';

/** What the demo calls its own configuration (the unnamed one) in answers. */
const APP_CONFIGURATION = 'app';

/**
 * Routes for a partner's access tokens, beside the demo's own. Each names its guard, so the global JwtAuthGuard (the
 * demo's own tokens) stands aside on them.
 */
@Controller()
export class PartnerController {
  /** Partner tokens only: the demo's own access token is refused (401 invalid_token). */
  @UseGuards(JwtAuthGuard.for('partner'))
  @Get('partner/whoami')
  whoAmI(@CurrentIdentity() identity: string) {
    return { config: 'partner', identity };
  }

  /** Partner tokens granting `reports:read`; others 403 insufficient_scope. */
  @UseGuards(JwtAuthGuard.for('partner'))
  @RequireScopes('reports:read')
  @Get('partner/reports')
  reports() {
    return { config: 'partner' };
  }

  /** The demo's own access tokens or the partner's: the answer says which configuration accepted it. */
  @UseGuards(JwtAuthGuard.for([DEFAULT_CONFIGURATION, 'partner']))
  @Get('any/whoami')
  anyWhoAmI(@CurrentConfig() config: string, @CurrentIdentity() identity: string) {
    return { config: config === DEFAULT_CONFIGURATION ? APP_CONFIGURATION : config, identity };
  }
}
