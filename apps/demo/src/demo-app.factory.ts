import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastifyJsonBodyParser } from 'nest-jwt-extended';
import { DemoModule } from './demo.module.js';
import { answerClientErrorsAsJson } from './http/client-error.handler.js';
import { serveOpenApiDocs } from './openapi/openapi-docs.js';

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
  // An empty body sent as application/json is no body on Fastify too (Express accepts it; Fastify's own parser
  // answers 400): POST /refresh or /logout with the token in a header, as many HTTP clients send them.
  if (adapter === 'fastify')
    (app as NestFastifyApplication).useBodyParser('application/json', {}, fastifyJsonBodyParser);
  answerClientErrorsAsJson(app.getHttpServer());
  serveOpenApiDocs(app);
  return app;
}
