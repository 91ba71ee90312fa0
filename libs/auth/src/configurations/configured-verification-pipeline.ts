import { Inject, Injectable } from '@nestjs/common';
import type { AuthError } from '../errors/auth-error.js';
import { AuthErrorResponder } from '../errors/auth-error-responder.js';
import { answeredBy } from '../errors/configuration-responder.js';
import type { ExtractableRequest } from '../extractors/token-extractor.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenDemand } from '../verification/token-demand.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import { CONFIGURATION_NAME } from './configuration-name.js';
import { recordConfiguration } from './token-configuration.js';

/**
 * The verification pipeline of a named configuration: the same steps with that configuration's keys, settings, store
 * and cache, plus two records the default pipeline does without: which configuration accepted a token
 * (`@CurrentConfig()`), and whose `errorFormat` answers a refusal. It declares no constructor, so it takes whatever the
 * pipeline injects; its two own dependencies are injected as properties. Internal: provided in place of
 * `VerificationPipeline` inside a named configuration's module.
 */
@Injectable()
export class ConfiguredVerificationPipeline extends VerificationPipeline {
  @Inject(CONFIGURATION_NAME) private readonly configuration!: string;
  @Inject(AuthErrorResponder) private readonly responder!: AuthErrorResponder;

  override verify(
    request: ExtractableRequest,
    demand: TokenDemand,
  ): VerifiedToken | undefined | Promise<VerifiedToken | undefined> {
    const verified = super.verify(request, demand);
    if (verified instanceof Promise) return verified.then((token) => this.record(token));
    return this.record(verified);
  }

  override refusal(error: unknown): AuthError {
    return answeredBy(super.refusal(error), this.responder);
  }

  private record(verified: VerifiedToken | undefined): VerifiedToken | undefined {
    if (verified !== undefined) recordConfiguration(verified, this.configuration);
    return verified;
  }
}
