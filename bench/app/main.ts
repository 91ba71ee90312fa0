/**
 * The bench app: apps/demo/src/main.ts with BenchAppModule (the demo + the docs' passport recipe).
 * Environment as the demo's (HTTP_ADAPTER express|fastify, PORT, HOST, REDIS_URL, ...); JWT_SECRET_KEY is required,
 * because the docs' strategy and the demo must share it.
 */
import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { DemoEnv } from '../../apps/demo/src/config/demo-env.js';
import type { HttpAdapterName } from '../../apps/demo/src/demo-app.factory.js';
import { BenchAppModule } from './bench-app.module.js';

/** createDemoApp, with BenchAppModule. */
async function createBenchApp(adapter: HttpAdapterName): Promise<INestApplication> {
  const platform = adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(BenchAppModule, platform);
}

async function bootstrap(): Promise<void> {
  if (!process.env.JWT_SECRET_KEY)
    throw new Error('JWT_SECRET_KEY must be set (the docs recipe and the demo share it)');
  const adapter = (process.env.HTTP_ADAPTER || 'express') as HttpAdapterName;
  const app = await createBenchApp(adapter);
  app.enableShutdownHooks();
  const config = app.get<ConfigService<DemoEnv, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  new Logger('BenchApp').log(`Listening on ${(await app.getUrl()).replace('[::1]', 'localhost')} (${adapter})`);
}

bootstrap().catch((error: unknown) => {
  new Logger('BenchApp').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
