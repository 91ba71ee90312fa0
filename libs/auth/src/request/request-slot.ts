import { Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TOKEN_LOCATION_SLOT, VERIFIED_TOKEN_SLOT } from './verified-tokens.js';

/** The parts of a Fastify instance used here (fastify itself is not imported: Express apps never load it). */
interface FastifyLike {
  hasRequestDecorator(name: symbol): boolean;
  decorateRequest(name: symbol, value: null): unknown;
}

/**
 * Declares the request slots of the verified token once, at start-up, on a Fastify app (`decorateRequest`): Fastify
 * then builds every request with them, so the guard writes them without changing the request's shape. On other
 * adapters they are plain properties (see `verified-tokens.ts`).
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
      for (const slot of [VERIFIED_TOKEN_SLOT, TOKEN_LOCATION_SLOT]) {
        if (!fastify.hasRequestDecorator(slot)) fastify.decorateRequest(slot, null);
      }
    } catch (error) {
      // Too late (the instance already started): plain properties serve, as on Express.
      this.logger.debug(`Request slot not declared: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
