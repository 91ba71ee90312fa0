import { Controller, Get, Request, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Public } from 'nest-jwt-extended';

/**
 * The docs' `GET profile` route, under /docs-recipe. `@Public()` only makes the demo's global JwtAuthGuard stand
 * aside, so the docs' guard is the only one that runs here.
 */
@Public()
@Controller('docs-recipe')
export class DocsRecipeController {
  @UseGuards(AuthGuard('jwt'))
  @Get('profile')
  getProfile(@Request() req: { user: unknown }) {
    return req.user;
  }
}
