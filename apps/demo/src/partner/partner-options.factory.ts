import { type ConfigService } from '@nestjs/config';
import type { AuthModuleOptions } from 'nest-jwt-extended';
import type { DemoEnv } from '../config/demo-env.js';

/** The partner's identity provider signs with RSA or ECDSA keys; its JWKS says which key is which. */
const PARTNER_ALGORITHMS = ['RS256', 'ES256'] as const;

/**
 * The `partner` configuration: verify-only, for the access tokens a partner's identity provider mints (RFC 9068:
 * `iss`, `aud`, `sub`, `exp`, `iat`, maybe `scope`; no `type` claim), with keys from its JWKS.
 */
export function partnerOptionsFromEnv(config: ConfigService<DemoEnv, true>): AuthModuleOptions {
  return {
    external: true,
    jwks: { uri: config.get('PARTNER_JWKS_URL', { infer: true }), algorithms: [...PARTNER_ALGORITHMS] },
    issuer: config.get('PARTNER_ISSUER', { infer: true }),
    audience: config.get('PARTNER_AUDIENCE', { infer: true }),
    // An identity provider's tokens come in the Authorization header, never in our cookies.
    tokenLocation: 'headers',
  };
}
