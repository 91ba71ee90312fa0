import { Module } from '@nestjs/common';
import { AppModule } from '../../apps/demo/src/app.module.js';
import { DocsRecipeModule } from './docs-recipe/docs-recipe.module.js';

/** The demo app plus the NestJS docs' passport recipe (GET /docs-recipe/profile) as the peer to beat. Bench only. */
@Module({
  imports: [AppModule, DocsRecipeModule],
})
export class BenchAppModule {}
