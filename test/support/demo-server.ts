import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TEST_SECRET } from './test-env.js';

/** supertest bound to one server. */
export type HttpClient = ReturnType<typeof request>;

/** A demo app listening on an ephemeral port, and a supertest agent bound to it. */
export interface DemoServer {
  app: INestApplication;
  http: HttpClient;
  close(): Promise<void>;
}

/**
 * Starts the real demo app (apps/demo) on `adapter`. The environment is set before the app's modules are
 * imported, because @nestjs/config reads it when AppModule is first evaluated; jest gives every test file its
 * own module registry, so one environment per file.
 */
export async function startDemo(adapter: 'express' | 'fastify', env: Record<string, string> = {}): Promise<DemoServer> {
  Object.assign(process.env, { JWT_SECRET_KEY: TEST_SECRET, ...env });
  const { createDemoApp } = await import('../../apps/demo/src/demo-app.factory.js');
  const app = await createDemoApp(adapter, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close(); // its Redis connections and timers would keep jest from exiting
    throw error;
  }
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}
