import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import type { HttpClient } from './demo-server.js';

/** RFC 6750 challenge of a refused token. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;

export interface SendOptions {
  method?: 'get' | 'post';
  path?: string;
}

/** Sends `token` as `Authorization: Bearer <token>`. */
export function send(http: HttpClient, token: string, { method = 'get', path = '/me' }: SendOptions = {}) {
  return http[method](path).set('Authorization', `Bearer ${token}`);
}

export interface RefusalOptions extends SendOptions {
  /** The expected `code` (default `invalid_token`). */
  code?: string;
  /** The expected message, when the test is about which check refused the token. */
  message?: RegExp;
}

/**
 * Sends `token` and asserts the refusal: 401, the JSON body `{ statusCode, error, message, code }`, the RFC 6750
 * challenge, and a body that does not echo the token. `label` names the case in a failure.
 */
export async function expectRefused(
  http: HttpClient,
  label: string,
  token: string,
  { code = 'invalid_token', message, ...route }: RefusalOptions = {},
): Promise<void> {
  const res = await send(http, token, route);
  expect({
    case: label,
    status: res.status,
    contentType: res.headers['content-type'],
    body: res.body,
    challenge: res.headers['www-authenticate'],
    echoesToken: res.text.includes(token),
  }).toEqual({
    case: label,
    status: 401,
    contentType: expect.stringMatching(/^application\/json/),
    body: {
      statusCode: 401,
      error: 'Unauthorized',
      message: message === undefined ? expect.any(String) : expect.stringMatching(message),
      code,
    },
    challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE),
    echoesToken: false,
  });
}

/** Sends `token` and asserts it was accepted: 200 (201 for POST) and the identity the route read from it. */
export async function expectAccepted(
  http: HttpClient,
  label: string,
  token: string,
  { identity = 'test', ...route }: SendOptions & { identity?: string } = {},
): Promise<void> {
  const res = await send(http, token, route);
  expect({ case: label, status: res.status, body: res.body }).toEqual({
    case: label,
    status: (route.method ?? 'get') === 'post' ? 201 : 200,
    body: { identity },
  });
}

/** A local HTTP server that records every request it gets and answers from a table of paths. */
export class RecordingServer {
  readonly requests: Array<{ method?: string; url?: string }> = [];
  private server?: Server;

  constructor(private readonly routes: Record<string, { type: string; body: string }>) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({ method: req.method, url: req.url });
      const route = this.routes[req.url ?? ''];
      if (route === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': route.type }).end(route.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    if (this.server === undefined) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
