import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import type { RouteAuth } from './route-auth.js';

/**
 * What an operation's description says of its guard beyond the security schemes: the token type, freshness,
 * step-up, an optional token, and a JSON-body location (which OpenAPI has no scheme for). Empty for a plain
 * access-token route.
 */
export function routeNotes(route: RouteAuth, settings: ExtractionSettings): string[] {
  if (!route.guarded) return [];
  const notes: string[] = [];
  const custom = route.types.filter((type) => type !== 'access' && type !== 'refresh');
  if (route.types.length === 1 && route.types[0] === 'refresh') {
    notes.push('Takes a **refresh token**, not an access token (401 `wrong_token_type`).');
  } else if (route.types.includes('refresh')) {
    notes.push('Takes an access token or a refresh token.');
  }
  if (custom.length > 0) {
    notes.push(
      `Takes a token of type ${custom.map((type) => `\`${type}\``).join(' or ')} only (401 \`wrong_token_type\`).`,
    );
  }
  if (route.fresh) {
    notes.push('Requires a **fresh** access token, from a login rather than a refresh (401 `fresh_token_required`).');
  }
  const { maxAge, acr } = route.stepUp ?? {};
  if (maxAge !== undefined) {
    notes.push(
      `**Step-up**: the authentication must be at most ${maxAge} s old (RFC 9470 \`max_age\`; ` +
        '401 `insufficient_user_authentication`).',
    );
  }
  if (acr !== undefined) {
    notes.push(
      `**Step-up**: the authentication context must be ${acr.map((value) => `\`${value}\``).join(' or ')} ` +
        '(RFC 9470 `acr_values`; 401 `insufficient_user_authentication`).',
    );
  }
  if (route.optional) notes.push('**Optional**: without a token the request goes through as anonymous.');
  if ((route.locations ?? settings.tokenLocation).includes('json')) {
    notes.push(`The token may also be sent in the JSON body as \`${settings.json.accessKey}\`.`);
  }
  return notes;
}
