import type { AuthRoutesOptions } from 'nest-jwt-extended/routes';
import type { UserStore } from '../users/user-store.service.js';

/**
 * The library's ready-made routes (`/auth/login`, `/auth/refresh`, `/auth/logout`, ...) with the demo's own
 * credentials check: the argon2 verification `POST /login` uses, and the same claims on the session (a password
 * login, `acr: "pwd"`), so `/auth/*` answers as `/login`, `/refresh` and `/logout` do.
 */
export function authRoutesOptions(users: UserStore): AuthRoutesOptions {
  return {
    credentials: ({ username, password }) => users.verifyCredentials(username, password),
    session: { acr: 'pwd', amr: ['pwd'] },
  };
}
