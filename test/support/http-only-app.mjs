// An HTTP-only app of the built library, run by test/http-only.e2e-spec.ts in a process of its own: it serves a guarded
// route, then prints what it served and every module the process loaded (ES modules through a resolve hook, CommonJS
// ones from require.cache) and which packages the library imported, so the test can check that no optional GraphQL or
// WebSocket package was among them. (@nestjs/core itself loads @nestjs/websockets when it is installed, as here.)
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage([resolved.url, context.parentURL]);
  return resolved;
}`;
const { port1, port2 } = new MessageChannel();
const resolved = new Set();
/** Packages the library itself imports (bare specifiers resolved from libs/auth/dist). */
const libraryImports = new Set();
port1.on('message', ([url, parent]) => {
  resolved.add(url);
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (match && parent?.includes('/libs/auth/dist/')) libraryImports.add(match[1]);
});
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });

await import('reflect-metadata');
const { Controller, Get, Module } = await import('@nestjs/common');
const { APP_GUARD, NestFactory } = await import('@nestjs/core');
const { AuthModule, CurrentIdentity, JwtAuthGuard, TokenService } = await import('nest-jwt-extended');
const platform =
  process.env.HTTP_ADAPTER === 'fastify'
    ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
    : new (await import('@nestjs/platform-express')).ExpressAdapter();

// Decorators applied by hand: this file is plain JavaScript.
class MeController {
  me(identity) {
    return { identity };
  }
}
CurrentIdentity()(MeController.prototype, 'me', 0);
Get('me')(MeController.prototype, 'me', Object.getOwnPropertyDescriptor(MeController.prototype, 'me'));
Controller()(MeController);
class AppModule {}
Module({
  imports: [AuthModule.forRoot({ secret: 'http-only-app-secret-that-is-long-enough-0123' })],
  controllers: [MeController],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
})(AppModule);

const app = await NestFactory.create(AppModule, platform, { logger: false });
await app.listen(0, '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = app.get(TokenService).createAccessToken('alice');
const refused = await (await fetch(`${url}/me`)).json();
const accepted = await (await fetch(`${url}/me`, { headers: { Authorization: `Bearer ${token}` } })).json();
await app.close();

// The hook thread posts asynchronously: let its last messages arrive.
await new Promise((resolve) => setTimeout(resolve, 100));
port1.close();
const modules = [
  ...[...resolved].filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url)),
  ...Object.keys(createRequire(import.meta.url).cache),
];
process.stdout.write(
  JSON.stringify({
    served: { refused: refused.code, identity: accepted.identity },
    modules,
    libraryImports: [...libraryImports].sort(),
  }),
);
