import { describe, expect, it } from '@jest/globals';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { verifiedTokenOf } from './verified-token.js';

// No AuthModule is created in this file, so the process (this test file's module registry) has none.
describe('a decorator used without AuthModule', () => {
  it('says to import AuthModule instead of answering undefined', () => {
    const context = new ExecutionContextHost([{ headers: {} }, {}]);
    expect(() => verifiedTokenOf(context, '@CurrentIdentity()')).toThrow(
      'nest-jwt-extended: @CurrentIdentity() needs AuthModule. Import AuthModule.forRoot(...) or ' +
        'AuthModule.forRootAsync(...) in the module that uses it, or once in the root module with isGlobal: true.',
    );
  });
});
