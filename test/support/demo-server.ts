import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { TEST_SECRET } from './test-env.js';

/** supertest bound to one server. */
export type HttpClient = ReturnType<typeof request>;

/** An app (the demo, or a fixture app) listening on an ephemeral port, and a supertest agent bound to it. */
export interface DemoServer {
  app: INestApplication;
  http: HttpClient;
  close(): Promise<void>;
}

/** What {@link startFixtureApp} may do besides creating and starting the app. */
export interface FixtureAppOptions {
  /** Runs once the app is created, before it listens: `(app) => app.useWebSocketAdapter(new WsAdapter(app))`. */
  beforeListen?: (app: INestApplication) => void;
}

/**
 * Starts the real demo app (apps/demo) on `adapter`. The environment is set before the app's modules are
 * imported, because @nestjs/config reads it when AppModule is first evaluated; jest gives every test file its
 * own module registry, so one environment per file.
 */
export async function startDemo(adapter: 'express' | 'fastify', env: Record<string, string> = {}): Promise<DemoServer> {
  Object.assign(process.env, { JWT_SECRET_KEY: TEST_SECRET, ...env });
  const { createDemoApp } = await import('../../apps/demo/src/demo-app.factory.js');
  return listening(await createDemoApp(adapter, { logger: false }));
}

/**
 * Starts a fixture module (test/fixtures/) on `adapter`, without logs, on an ephemeral port of 127.0.0.1. Only the
 * platform in use is loaded.
 *
 * @example
 * beforeAll(async () => {
 *   ({ app, http } = await startFixtureApp(HooksAppModule, adapter));
 * });
 * afterAll(() => app.close());
 */
export async function startFixtureApp(
  module: Type<unknown> | DynamicModule,
  adapter: 'express' | 'fastify',
  options: FixtureAppOptions = {},
): Promise<DemoServer> {
  const platform =
    adapter === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : new (await import('@nestjs/platform-express')).ExpressAdapter();
  return listening(await NestFactory.create(module, platform, { logger: false }), options.beforeListen);
}

/** Runs `beforeListen` and listens on port 0 of 127.0.0.1; the app is closed if either fails. */
async function listening(
  app: INestApplication,
  beforeListen: FixtureAppOptions['beforeListen'] = () => undefined,
): Promise<DemoServer> {
  try {
    beforeListen(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close(); // its Redis connections and timers would keep jest from exiting
    throw error;
  }
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}
