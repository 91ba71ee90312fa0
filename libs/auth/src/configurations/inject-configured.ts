import { Inject } from '@nestjs/common';
import { SessionService } from '../sessions/session.service.js';
import { TokenService } from '../tokens/token.service.js';
import { RequestVerifier } from '../guards/request-verifier.js';
import { assertConfigurationName, configurationToken } from './configuration-name.js';

/**
 * Injects the `TokenService` of a named configuration (its keys, issuer, lifetimes); `'default'` (or no name) is the
 * unnamed configuration's, the same as injecting `TokenService` itself.
 *
 * @example
 * ```ts
 * constructor(@InjectTokenService('admin') private readonly adminTokens: TokenService) {}
 * ```
 */
export function InjectTokenService(name = 'default'): PropertyDecorator & ParameterDecorator {
  assertConfigurationName(name, 'InjectTokenService');
  return Inject(configurationToken(name, TokenService));
}

/**
 * Injects the `SessionService` of a named configuration: its logins, refreshes and logouts use that configuration's
 * keys and its revocation store, so a logout in one never touches another.
 *
 * @example
 * ```ts
 * constructor(@InjectSessionService('admin') private readonly adminSessions: SessionService) {}
 * ```
 */
export function InjectSessionService(name = 'default'): PropertyDecorator & ParameterDecorator {
  assertConfigurationName(name, 'InjectSessionService');
  return Inject(configurationToken(name, SessionService));
}

/**
 * Injects the `RequestVerifier` of a named configuration: `verifyRequest` with that configuration's rules.
 *
 * @example
 * ```ts
 * constructor(@InjectRequestVerifier('partner') private readonly partnerRequests: RequestVerifier) {}
 * ```
 */
export function InjectRequestVerifier(name = 'default'): PropertyDecorator & ParameterDecorator {
  assertConfigurationName(name, 'InjectRequestVerifier');
  return Inject(configurationToken(name, RequestVerifier));
}
