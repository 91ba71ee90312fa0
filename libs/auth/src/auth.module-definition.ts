import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './options/auth-module-options.interface.js';

/** `forRoot` / `forRootAsync`, with `isGlobal` as an extra that is not part of the options themselves. */
export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'Auth' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** What `AuthModule.forRoot` takes: the options plus `isGlobal`. */
export type AuthModuleForRootOptions = typeof AUTH_MODULE_OPTIONS_TYPE;
/** What `AuthModule.forRootAsync` takes: `useFactory` + `inject` (or `useClass` / `useExisting`), `imports`, `isGlobal`. */
export type AuthModuleAsyncOptions = typeof AUTH_MODULE_ASYNC_OPTIONS_TYPE;
