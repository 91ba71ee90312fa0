import type { INestApplication } from '@nestjs/common';
import { ApiExtension, type OpenAPIObject, type SwaggerDocumentOptions, SwaggerModule } from '@nestjs/swagger';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { ErrorSettings } from '../errors/error-settings.js';
import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import { AUTH_ERROR_CODE_SCHEMA, authResponses } from './auth-responses.js';
import { securityOf, securitySchemes } from './auth-security.js';
import { routeAuthOf, type RouteAuth } from './route-auth.js';
import { routeNotes } from './route-notes.js';
import { operationDocsOf } from './operation-docs.js';

/** The extension that ties an operation of the scanned document to its handler; removed before the document is returned. */
const MARK = 'x-nest-jwt-extended-route';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

// One id per handler for the life of the process: swagger's ApiExtension keeps the first value a handler was given.
const ids = new WeakMap<object, string>();
let nextId = 0;

/**
 * `SwaggerModule.createDocument` with the security the library's guards enforce (nest-jwt-extended/openapi).
 * Declares the schemes of the module's token locations (`bearerAuth`: http bearer JWT; with cookies,
 * `accessCookie`/`refreshCookie` and the `csrfHeader` their unsafe requests send; `queryToken` for the query string),
 * and gives each operation the `security` of the guard in effect: none under `@Public()` or without a guard,
 * `[{}, ...]` (optional) under `@OptionalAuth()`, cookie alternatives with the CSRF header on the methods it is checked
 * on. Guarded operations get 401 and 503 responses whose `code` lists the `AuthErrorCode` values, and fresh-only,
 * refresh-only, step-up (`@RequireAuth()`) and optional routes a note in their description.
 *
 * The routes are read from the same metadata the guards read (global `APP_GUARD`, `@UseGuards()`, `@Public()`,
 * `@OptionalAuth()`, `@TokenLocation()`, `@RequireAuth()`), once, here: nothing is added to a request's path. Call it
 * after `NestFactory.create` (the global guards are known by then), before `listen`.
 *
 * @example
 * ```ts
 * import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
 * import { createAuthOpenApiDocument } from 'nest-jwt-extended/openapi';
 *
 * const app = await NestFactory.create(AppModule);
 * const document = createAuthOpenApiDocument(app, new DocumentBuilder().setTitle('My API').build());
 * SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
 * await app.listen(3000);
 * ```
 */
export function createAuthOpenApiDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options?: SwaggerDocumentOptions,
): OpenAPIObject {
  const settings = app.get<ExtractionSettings & ErrorSettings>(RESOLVED_AUTH_OPTIONS, { strict: false });
  const routes = routeAuthOf(app);
  const byId = new Map<string, RouteAuth>();
  for (const route of routes) {
    let id = ids.get(route.handler);
    if (id === undefined) {
      ids.set(route.handler, (id = String(nextId++)));
      ApiExtension(MARK, { id })(route.controller.prototype as object, route.handler.name, { value: route.handler });
    }
    byId.set(id, route);
  }
  const document = SwaggerModule.createDocument(app, config, options);
  const schemes = securitySchemes(settings, routes);
  document.components = {
    ...document.components,
    securitySchemes: { ...schemes, ...document.components?.securitySchemes },
    schemas: { AuthErrorCode: AUTH_ERROR_CODE_SCHEMA, ...document.components?.schemas },
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method] as
        (Record<string, unknown> & { responses: Record<string, unknown> }) | undefined;
      if (operation === undefined) continue;
      const mark = operation[MARK] as { id?: string } | undefined;
      delete operation[MARK];
      const route = mark?.id === undefined ? undefined : byId.get(mark.id);
      if (route === undefined) continue;
      describeOperation(operation, route, method, settings);
    }
  }
  return document;
}

function describeOperation(
  operation: Record<string, unknown> & { responses: Record<string, unknown> },
  route: RouteAuth,
  method: string,
  settings: ExtractionSettings & ErrorSettings,
): void {
  const own = operationDocsOf(route.handler);
  if (own !== undefined) {
    operation.summary ??= own.summary;
    for (const [status, response] of Object.entries(own.responses)) operation.responses[status] ??= response;
  }
  const security = securityOf(route, method, settings);
  if (security === undefined) {
    // A route no guard decides: an explicit "none", so that a document-wide requirement does not claim it.
    operation.security = [];
    return;
  }
  operation.security = security;
  const notes = routeNotes(route, settings);
  if (notes.length > 0) {
    const text = notes.join('\n\n');
    operation.description = typeof operation.description === 'string' ? `${operation.description}\n\n${text}` : text;
  }
  for (const [status, response] of Object.entries(authResponses(settings.errorFormatter === undefined))) {
    // A response the app declared itself (@ApiResponse) is its own business.
    operation.responses[status] ??= response;
  }
}
