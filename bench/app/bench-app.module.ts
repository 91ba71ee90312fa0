import { Module } from '@nestjs/common';
import { AppModule } from '../../apps/demo/src/app.module.js';
import { DocsRecipeModule } from './docs-recipe/docs-recipe.module.js';
import { GuardOnlyController } from './guard-only/guard-only.controller.js';

/**
 * The demo's HTTP app (AppModule: without its GraphQL endpoint and socket.io gateway, whose per-request hooks would
 * blur the routes' costs) plus the NestJS docs' passport recipe (GET /docs-recipe/profile) as the peer to beat, and GET
 * /bench/guarded-hello to time the guard alone. Bench only.
 */
@Module({
  imports: [AppModule, DocsRecipeModule],
  controllers: [GuardOnlyController],
})
export class BenchAppModule {}
