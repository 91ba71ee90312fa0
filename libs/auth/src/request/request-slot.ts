import { Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { VERIFIED_TOKEN_SLOT } from './verified-tokens.js';

/** The parts of a Fastify instance used here (fastify itself is not imported: Express apps never load it). */
interface FastifyLike {
  hasRequestDecorator(name: symbol): boolean;
  decorateRequest(name: symbol, value: null): unknown;
}

/**
 * Declares the verified token's request slot once, at start-up, on a Fastify app (`decorateRequest`): Fastify then
 * builds every request with it, so the guard writes it without changing the request's shape. Other adapters keep
 * the token in a WeakMap (see `verified-tokens.ts`).
 */
@Injectable()
export class RequestSlot implements OnModuleInit {
  private readonly logger = new Logger('AuthModule');

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyLike>();
    try {
      if (!fastify.hasRequestDecorator(VERIFIED_TOKEN_SLOT)) fastify.decorateRequest(VERIFIED_TOKEN_SLOT, null);
    } catch (error) {
      // Too late (the instance already started): the WeakMap serves, as on Express.
      this.logger.debug(`Request slot not declared: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
