// The ready-made auth routes, the package's own entry point: `nest-jwt-extended/routes`. Kept out of the main entry
// because their bodies are validated with class-validator and class-transformer, optional peers an app without these
// routes need not install.
export { AuthRoutesModule } from './routes/auth-routes.module.js';
export type { AuthRoutesAsyncOptions, AuthRoutesForRootOptions } from './routes/auth-routes.module-definition.js';
export type {
  AuthRouteName,
  AuthRoutePaths,
  AuthRoutesOptions,
  CredentialsCheck,
  LoginCredentials,
  LoginOrigin,
} from './routes/auth-routes-options.js';
