import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DemoModule } from './demo.module.js';
import { answerClientErrorsAsJson } from './http/client-error.handler.js';

/** The HTTP platforms the demo runs on. */
export type HttpAdapterName = 'express' | 'fastify';

/** Builds the demo app on Express or Fastify, not yet listening (the e2e tests call this too). */
export async function createDemoApp(
  adapter: HttpAdapterName,
  options: { logger?: false } = {},
): Promise<INestApplication> {
  // Only the platform in use is loaded.
  const platform =
    adapter === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : new (await import('@nestjs/platform-express')).ExpressAdapter();
  const app = await NestFactory.create(DemoModule, platform, { logger: options.logger });
  answerClientErrorsAsJson(app.getHttpServer());
  return app;
}
