import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';

/** The HTTP platforms the demo runs on. */
export type HttpAdapterName = 'express' | 'fastify';

/** Builds the demo app on Express or Fastify, not yet listening (the e2e tests call this too). */
export async function createDemoApp(adapter: HttpAdapterName, options: { logger?: false } = {}): Promise<INestApplication> {
  const platform = adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(AppModule, platform, { logger: options.logger });
}
