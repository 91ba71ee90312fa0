/**
 * The request a Fastify content-type parser is given, as far as {@link fastifyJsonBodyParser} reads it: the Fastify
 * instance that received it. Written without Fastify's types, so that Express apps meet none of them.
 */
export interface FastifyParserRequest {
  readonly server: object;
}

/** The callback a Fastify content-type parser completes with: an error (answered 4xx by Fastify), or the body. */
export type FastifyParserDone = (error: Error | null, body?: unknown) => void;

type PoisoningAction = 'error' | 'remove' | 'ignore';
type JsonParser = (request: FastifyParserRequest, body: Buffer | string, done: FastifyParserDone) => void;

/** The parts of a Fastify instance the parser uses (Fastify 4 and 5 have them). */
interface FastifyServer {
  initialConfig: { onProtoPoisoning?: PoisoningAction; onConstructorPoisoning?: PoisoningAction };
  getDefaultJsonParser(onProtoPoisoning: PoisoningAction, onConstructorPoisoning: PoisoningAction): JsonParser;
}

/** Fastify's own JSON parser, once per instance, with that instance's poisoning settings. */
const defaultParsers = new WeakMap<object, JsonParser>();

/**
 * A JSON body parser for Fastify apps that reads an empty body as no body (`undefined`), as a request without a body
 * is, where Fastify's own refuses it (400 `FST_ERR_CTP_EMPTY_JSON_BODY`: "Body cannot be empty when content-type is set
 * to 'application/json'"). Many HTTP clients send `Content-Type: application/json` with no body on a `POST /refresh`
 * or `/logout` whose token is in a header or a cookie; Express accepts those (body-parser reads an empty JSON body
 * as `{}`), so without this parser the same request succeeds on Express and fails on Fastify. Everything else is
 * Fastify's own parser, with the instance's settings: the body limit, malformed JSON refused with 400
 * (`FST_ERR_CTP_INVALID_JSON_BODY`), and `__proto__` / `constructor.prototype` keys handled as `onProtoPoisoning` and
 * `onConstructorPoisoning` say (refused by default). A body of white space only is still malformed JSON, as on Express.
 *
 * Register it with Nest's `useBodyParser` before the app starts; the library never loads Fastify itself.
 *
 * @example
 * ```ts
 * import { NestFactory } from '@nestjs/core';
 * import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
 * import { fastifyJsonBodyParser } from 'nest-jwt-extended';
 *
 * const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
 * app.useBodyParser('application/json', {}, fastifyJsonBodyParser);
 * await app.listen(3000);
 * ```
 */
export function fastifyJsonBodyParser(
  request: FastifyParserRequest,
  body: Buffer | string,
  done: FastifyParserDone,
): void {
  if (body.length === 0) {
    done(null, undefined);
    return;
  }
  defaultParserOf(request.server as FastifyServer)(request, body, done);
}

function defaultParserOf(server: FastifyServer): JsonParser {
  let parser = defaultParsers.get(server);
  if (parser === undefined) {
    // Fastify's defaults, as Nest's FastifyAdapter applies them.
    const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = server.initialConfig;
    parser = server.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
    defaultParsers.set(server, parser);
  }
  return parser;
}
