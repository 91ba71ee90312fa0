import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './options/auth-module-options.interface.js';

/**
 * `forRoot` / `forRootAsync`, with `isGlobal` and `name` as extras that are not part of the options themselves: `name`
 * must be known before an async factory runs, since the configuration's providers are named after it.
 */
export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'Auth' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false, name: undefined as string | undefined }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** What `AuthModule.forRoot` takes: the options plus `isGlobal` and, for a named configuration, `name`. */
export type AuthModuleForRootOptions = typeof AUTH_MODULE_OPTIONS_TYPE;
/** What `AuthModule.forRootAsync` takes: `useFactory` + `inject` (or `useClass` / `useExisting`), `imports`, `isGlobal`. */
export type AuthModuleAsyncOptions = typeof AUTH_MODULE_ASYNC_OPTIONS_TYPE;
