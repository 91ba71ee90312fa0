import { SetMetadata } from '@nestjs/common';

/** Metadata key of {@link OperationDocs}: read by `createAuthOpenApiDocument`, by no request. */
const OPERATION_DOCS_KEY = 'nest-jwt-extended:operation-docs';

/** A summary and responses for an operation of the library's own routes, in OpenAPI 3 form. */
export interface OperationDocsValue {
  readonly summary: string;
  readonly responses: Readonly<Record<string, { description: string; content?: unknown }>>;
}

/**
 * Documents a route of the library's own (the ready-made routes) without importing @nestjs/swagger, an optional peer:
 * plain metadata that `createAuthOpenApiDocument` copies into the operation where the app has not said otherwise.
 */
export const OperationDocs = (docs: OperationDocsValue): MethodDecorator => SetMetadata(OPERATION_DOCS_KEY, docs);

/** The {@link OperationDocs} of a handler, if any. */
export function operationDocsOf(handler: object): OperationDocsValue | undefined {
  return Reflect.getMetadata(OPERATION_DOCS_KEY, handler) as OperationDocsValue | undefined;
}

/** A JSON response of `schema`, as `OperationDocs` takes it. */
export function jsonResponse(description: string, schema: Record<string, unknown>) {
  return { description, content: { 'application/json': { schema } } };
}
