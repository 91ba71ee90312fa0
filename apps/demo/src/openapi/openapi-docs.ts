import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createAuthOpenApiDocument } from 'nest-jwt-extended/openapi';

/**
 * The demo's OpenAPI document, built once at start-up from the routes and their guards: Swagger UI at `/docs`, the
 * document at `/docs-json`. Neither is a Nest route, so the global JwtAuthGuard does not cover them.
 */
export function serveOpenApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nest-jwt-extended demo')
    .setDescription(
      'Access, refresh and fresh JWTs for NestJS; the security of each operation is read from its guards.',
    )
    .setVersion('0.1.0')
    .build();
  const document = createAuthOpenApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
