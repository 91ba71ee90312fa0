import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import request from 'supertest';
import { fastifyJsonBodyParser } from './fastify-json-body.parser.js';

/** A Fastify app with the parser on application/json and one route that echoes what it parsed. */
async function appWith(options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(options);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, fastifyJsonBodyParser);
  app.post('/', async (request) => ({ body: request.body === undefined ? 'none' : request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

/** POSTs `payload` as JSON (Fastify's inject needs a CommonJS loader that jest's ESM mode lacks). */
async function post(app: FastifyInstance, payload: string, contentType = 'application/json') {
  const answer = await request(app.server).post('/').set('Content-Type', contentType).send(payload);
  return { statusCode: answer.status, json: () => answer.body };
}

describe('fastifyJsonBodyParser', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  it('reads an empty body as no body, where Fastify refuses it', async () => {
    const plain = Fastify();
    plain.post('/', async () => ({}));
    await plain.listen({ port: 0, host: '127.0.0.1' });
    const refused = await post(plain, '');
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'FST_ERR_CTP_EMPTY_JSON_BODY']);
    await plain.close();

    app = await appWith();
    const empty = await post(app, '');
    expect([empty.statusCode, empty.json()]).toEqual([200, { body: 'none' }]);
    const withCharset = await post(app, '', 'application/json; charset=utf-8');
    expect([withCharset.statusCode, withCharset.json()]).toEqual([200, { body: 'none' }]);
  });

  it('parses JSON as Fastify does', async () => {
    app = await appWith();
    const answer = await post(app, '{"a":[1,"é"]}');
    expect(answer.json()).toEqual({ body: { a: [1, 'é'] } });
  });

  it.each(['{"a":', 'not json', ' ', '\n'])('refuses malformed JSON %j with 400', async (payload) => {
    app = await appWith();
    const answer = await post(app, payload);
    expect([answer.statusCode, answer.json().code]).toEqual([400, 'FST_ERR_CTP_INVALID_JSON_BODY']);
  });

  it('keeps the prototype-poisoning protection, as the instance configures it', async () => {
    const poisoned = '{"a":1,"__proto__":{"admin":true}}';
    const viaConstructor = '{"a":1,"constructor":{"prototype":{"admin":true}}}';
    app = await appWith();
    for (const payload of [poisoned, viaConstructor]) {
      const answer = await post(app, payload);
      expect(answer.statusCode).toBe(400);
    }
    await app.close();
    app = await appWith({ onProtoPoisoning: 'remove', onConstructorPoisoning: 'remove' });
    const removed = await post(app, poisoned);
    expect([removed.statusCode, removed.json()]).toEqual([200, { body: { a: 1 } }]);
  });

  it("keeps the instance's body limit", async () => {
    app = await appWith({ bodyLimit: 64 });
    const payload = JSON.stringify({ a: 'x'.repeat(100) });
    const answer = await post(app, payload);
    expect([answer.statusCode, answer.json().code]).toEqual([413, 'FST_ERR_CTP_BODY_TOO_LARGE']);
  });
});
