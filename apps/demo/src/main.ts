import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { DemoEnv } from './config/demo-env.js';
import { createDemoApp, type HttpAdapterName } from './demo-app.factory.js';

async function bootstrap(): Promise<void> {
  const adapter = (process.env.HTTP_ADAPTER || 'express') as HttpAdapterName;
  const app = await createDemoApp(adapter);
  app.enableShutdownHooks();
  const config = app.get<ConfigService<DemoEnv, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  new Logger('Demo').log(`Listening on ${(await app.getUrl()).replace('[::1]', 'localhost')} (${adapter})`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Demo').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
