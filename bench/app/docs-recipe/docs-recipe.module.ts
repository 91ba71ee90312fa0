import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DocsRecipeController } from './docs-recipe.controller.js';
import { JwtStrategy } from './jwt.strategy.js';

/**
 * The verifying half of the docs' AuthModule: PassportModule and the JwtStrategy. The docs' JwtModule.register(...),
 * AuthService and LocalStrategy only sign tokens at login; the bench logs in through the demo's POST /login instead.
 */
@Module({
  imports: [PassportModule],
  controllers: [DocsRecipeController],
  providers: [JwtStrategy],
})
export class DocsRecipeModule {}
