// nest-jwt-extended/testing: for an app's own tests, never loaded by the app itself.
export { AuthTestingModule } from './auth-testing.module.js';
export type { AuthTestingOptions } from './auth-testing-options.js';
export { AuthTesting, type TestTokenOptions } from './auth-testing.js';
export { TestClock } from './test-clock.js';
