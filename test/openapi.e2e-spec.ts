import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DemoServer, startDemo } from './support/demo-server.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

/**
 * The demo's OpenAPI document (`GET /docs-json`), built from its routes' guards by createAuthOpenApiDocument, on both
 * adapters. The whole document is compared with the committed snapshot: a change to a route, a guard or the helper
 * fails here until the snapshot is regenerated on purpose (`UPDATE_OPENAPI_SNAPSHOT=1 npm run test:e2e --
 * test/openapi.e2e-spec.ts`) and the diff reviewed.
 */
const SNAPSHOT = join(import.meta.dirname, 'fixtures', 'openapi', 'demo.openapi.json');

/** A JSON value read from the document, walked without a schema of its own. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, Json>; description?: string };

describe.each(ADAPTERS)('the OpenAPI document of the demo (%s)', (adapter) => {
  let demo: DemoServer;
  let document: { paths: Record<string, Record<string, Operation>>; components: Record<string, Json> };

  beforeAll(async () => {
    demo = await startDemo(adapter, { JWT_TOKEN_LOCATION: 'headers,cookies', JWT_ERROR_FORMAT: 'default' });
    const res = await demo.http.get('/docs-json').expect(200).expect('content-type', /json/);
    document = res.body;
  }, startUpTimeout());
  afterAll(() => demo?.close());

  it('equals the committed snapshot', () => {
    if (process.env.UPDATE_OPENAPI_SNAPSHOT === '1' && adapter === 'express') {
      writeFileSync(SNAPSHOT, `${JSON.stringify(document, null, 2)}\n`);
    }
    expect(existsSync(SNAPSHOT)).toBe(true);
    expect(document).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });

  it('serves Swagger UI at /docs with its assets, outside the global guard', async () => {
    const page = await demo.http.get('/docs').redirects(1).expect(200).expect('content-type', /html/);
    expect(page.text).toContain('swagger-ui');
    await demo.http
      .get('/docs/swagger-ui-bundle.js')
      .expect(200)
      .expect('content-type', /javascript/);
  });

  it('declares bearerAuth (http bearer JWT), the cookies and the CSRF header', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      accessCookie: { type: 'apiKey', in: 'cookie', name: 'access_token_cookie' },
      refreshCookie: { type: 'apiKey', in: 'cookie', name: 'refresh_token_cookie' },
      csrfHeader: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
    });
  });

  it('gives GET /protected the bearer scheme, and its 401 lists the codes; GET /public none', () => {
    const protectedRoute = document.paths['/protected']!.get!;
    expect(protectedRoute.security).toEqual([{ bearerAuth: [] }, { accessCookie: [] }]);
    expect(protectedRoute.responses['401'].content['application/json'].schema.properties.code.enum).toEqual(
      expect.arrayContaining(['authorization_required', 'token_expired', 'token_revoked', 'fresh_token_required']),
    );
    expect(protectedRoute.responses['503'].content['application/json'].schema.properties.code.enum).toEqual([
      'revocation_unavailable',
      'key_set_unavailable',
    ]);
    expect(document.paths['/public']!.get!.security ?? []).toEqual([]);
    expect(document.paths['/public']!.get!.responses['401']).toBeUndefined();
  });

  it('asks for the CSRF header beside a cookie on unsafe methods only, and marks fresh and refresh routes', () => {
    const fresh = document.paths['/protected-fresh']!.post!;
    expect(fresh.security).toEqual([{ bearerAuth: [] }, { accessCookie: [], csrfHeader: [] }]);
    expect(fresh.description).toMatch(/fresh/);
    const webRefresh = document.paths['/web/refresh']!.post!;
    expect(webRefresh.security).toEqual([{ refreshCookie: [], csrfHeader: [] }]);
    expect(webRefresh.description).toMatch(/refresh token/);
  });

  it('makes @OptionalAuth() routes optional ([{}, ...]) and notes step-up routes', () => {
    expect(document.paths['/web/logout']!.post!.security).toEqual([{}, { accessCookie: [], csrfHeader: [] }]);
    const stepUp = Object.values(document.paths)
      .flatMap((item) => Object.values(item))
      .filter((op) => /Step-up/.test(op.description ?? ''));
    expect(stepUp.length).toBeGreaterThan(0);
  });

  it('documents the ready-made routes: /auth/login public with its body, /auth/refresh a refresh token', () => {
    const login = document.paths['/auth/login']!.post! as Operation & { requestBody: Json };
    expect(login.security).toEqual([]);
    expect(login.responses['401'].content['application/json'].schema.properties.code.enum).toEqual([
      'invalid_credentials',
    ]);
    expect(JSON.stringify(login.requestBody)).toMatch(/LoginCredentialsDto/);
    expect(document.components.schemas.LoginCredentialsDto.required).toEqual(['username', 'password']);
    expect(document.paths['/auth/refresh']!.post!.security).toEqual([
      { bearerAuth: [] },
      { refreshCookie: [], csrfHeader: [] },
    ]);
    expect(document.paths['/auth/logout']!.post!.security).toEqual([
      { bearerAuth: [] },
      { accessCookie: [], csrfHeader: [] },
    ]);
  });
});
