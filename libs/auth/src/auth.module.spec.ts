import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplicationContext, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from './auth.module.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';

const secret = 's'.repeat(32);

@Controller()
class GuardedController {
  @UseGuards(JwtAuthGuard)
  @Get()
  hello(): string {
    return 'hello';
  }
}

describe('AuthModule at first contact', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a guard used where AuthModule is not in scope says to import AuthModule, not which class Nest missed', async () => {
    // AuthModule configured, but not global and not imported by the module that uses the guard.
    @Module({ controllers: [GuardedController] })
    class FeatureModule {}
    const compiling = Test.createTestingModule({ imports: [FeatureModule, AuthModule.forRoot({ secret })] }).compile();
    await expect(compiling).rejects.toThrow(
      'nest-jwt-extended: JwtAuthGuard needs AuthModule. Import AuthModule.forRoot(...) or ' +
        'AuthModule.forRootAsync(...) in the module that uses it, or once in the root module with isGlobal: true.',
    );
  });

  it('the same guard works once AuthModule is global', async () => {
    @Module({ controllers: [GuardedController] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [FeatureModule, AuthModule.forRoot({ secret, isGlobal: true })],
    }).compile();
    app = await moduleRef.init();
    expect(app.get(AuthModule)).toBeInstanceOf(AuthModule);
  });

  it('refuses a second configuration in one application at start-up', async () => {
    @Module({ imports: [AuthModule.forRoot({ secret: 't'.repeat(32) })] })
    class OtherModule {}
    const compiling = Test.createTestingModule({ imports: [AuthModule.forRoot({ secret }), OtherModule] }).compile();
    await expect(compiling).rejects.toThrow(
      'nest-jwt-extended: AuthModule is configured 2 times in this application. Configure it once',
    );
  });
});
