import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../auth.constants.js';

/**
 * Opens a route (or a whole controller) under a global or class-level `JwtAuthGuard`.
 *
 * @example
 * ```ts
 * @Public()
 * @Get('health')
 * health() { return { ok: true }; }
 * ```
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
