import { SetMetadata } from '@nestjs/common';
import { TOKEN_LOCATION_KEY } from '../auth.constants.js';
import { isTokenLocation, type TokenLocation as Location } from '../request/token-location.js';

/** A token location: `'headers'`, `'cookies'`, `'query_string'` or `'json'` (the type of the same name). */
export type TokenLocation = Location;

/**
 * Where the guards of this route or controller look for the token, in order, instead of the module's `tokenLocation`
 * (Flask-JWT-Extended's `@jwt_required(locations=...)`). A cookie-borne token must pass the CSRF check on unsafe
 * methods wherever the route accepts it.
 *
 * Tokens carry the `csrf` claim only when the module's `tokenLocation` lists `'cookies'`: list it there if any route
 * reads cookies.
 *
 * @example
 * ```ts
 * @TokenLocation('cookies')
 * @UseGuards(JwtAuthGuard)
 * @Post('web/transfer')
 * transfer(@CurrentIdentity() identity: string) { ... }
 *
 * @TokenLocation(['headers', 'query_string'])
 * @UseGuards(JwtAuthGuard)
 * @Get('export.csv')
 * exportCsv() { ... }
 * ```
 */
export function TokenLocation(locations: Location | readonly Location[]): MethodDecorator & ClassDecorator {
  const list: readonly Location[] = typeof locations === 'string' ? [locations] : locations;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isTokenLocation) || new Set(list).size !== list.length) {
    throw new TypeError(
      `nest-jwt-extended: @TokenLocation() takes 'headers', 'cookies', 'query_string' or 'json', or a list of them ` +
        `without repeats (got ${JSON.stringify(locations)})`,
    );
  }
  return SetMetadata(TOKEN_LOCATION_KEY, Object.freeze([...list]));
}
