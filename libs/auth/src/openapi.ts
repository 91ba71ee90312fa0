// The OpenAPI helper, the package's own entry point: `nest-jwt-extended/openapi`. Kept out of the main entry because
// it imports @nestjs/swagger, an optional peer: an app that serves no document never loads it, nor needs it installed.
export { createAuthOpenApiDocument } from './openapi/auth-openapi-document.js';
