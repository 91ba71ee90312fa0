import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthModule } from 'nest-jwt-extended';
import { PARTNER_VARIABLES } from '../config/demo-env.js';
import { partnerOptionsFromEnv } from './partner-options.factory.js';
import { PartnerController } from './partner.controller.js';

/** The verify-only configuration `partner` and its routes. */
@Module({
  imports: [AuthModule.forRootAsync({ name: 'partner', inject: [ConfigService], useFactory: partnerOptionsFromEnv })],
  controllers: [PartnerController],
})
export class PartnerModule {}

/**
 * `[PartnerModule]` when PARTNER_JWKS_URL, PARTNER_ISSUER and PARTNER_AUDIENCE are set, else nothing: without them
 * the demo is what it was. Called after ConfigModule.forRoot has loaded any .env file into process.env.
 */
export function partnerModules(env: NodeJS.ProcessEnv = process.env): Array<typeof PartnerModule> {
  return PARTNER_VARIABLES.some((name) => (env[name] ?? '') !== '') ? [PartnerModule] : [];
}
