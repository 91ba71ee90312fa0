import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, type INestApplicationContext, Injectable, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { SessionService } from '../sessions/session.service.js';
import { TokenService } from '../tokens/token.service.js';
import { configurationToken } from './configuration-name.js';
import { InjectSessionService, InjectTokenService } from './inject-configured.js';
import { AuthTestingModule } from '../testing/auth-testing.module.js';
import { TokenVerifier } from '../tokens/token-verifier.js';

const secret = 's'.repeat(32);
const adminSecret = 'a'.repeat(32);

describe('named configurations at start-up', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('gives each configuration its own TokenService, injectable by name', async () => {
    @Injectable()
    class Minter {
      constructor(
        readonly own: TokenService,
        @InjectTokenService('admin') readonly admin: TokenService,
        @InjectTokenService('default') readonly alsoOwn: TokenService,
        @InjectSessionService('admin') readonly adminSessions: SessionService,
      ) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret }), AuthModule.forRoot({ name: 'admin', secret: adminSecret })],
      providers: [Minter],
    }).compile();
    app = await moduleRef.init();
    const minter = app.get(Minter);
    expect(minter.admin).not.toBe(minter.own);
    expect(minter.alsoOwn).toBe(minter.own);
    expect(minter.adminSessions).toBe(app.get(configurationToken('admin', SessionService)));
    const adminToken = minter.admin.createAccessToken('root');
    expect(minter.admin.verifyToken(adminToken)).toMatchObject({ sub: 'root', type: 'access' });
    expect(() => minter.own.verifyToken(adminToken)).toThrow('Signature verification failed');
  });

  it('refuses two configurations with one name, naming the option', async () => {
    @Module({ imports: [AuthModule.forRoot({ name: 'admin', secret: 't'.repeat(32) })] })
    class OtherModule {}
    const compiling = Test.createTestingModule({
      imports: [AuthModule.forRoot({ name: 'admin', secret: adminSecret }), OtherModule],
    }).compile();
    await expect(compiling).rejects.toThrow(
      'nest-jwt-extended: 2 AuthModule configurations have the name "admin" (the name option)',
    );
  });

  it('refuses a guard naming a configuration that does not exist, naming it', async () => {
    @Controller()
    class PartnerController {
      @UseGuards(JwtAuthGuard.for('partnr'))
      @Get()
      hello(): string {
        return 'hello';
      }
    }
    const compiling = Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret, isGlobal: true }), AuthModule.forRoot({ name: 'partner', secret })],
      controllers: [PartnerController],
    }).compile();
    await expect(compiling).rejects.toThrow(
      `nest-jwt-extended: JwtAuthGuard.for('partnr') names the configuration "partnr", which is not configured`,
    );
  });

  it('refuses a guard on several configurations when one of them does not exist', async () => {
    @Controller()
    class AnyController {
      @UseGuards(JwtAuthGuard.for(['default', 'nobody']))
      @Get()
      hello(): string {
        return 'hello';
      }
    }
    const compiling = Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret, isGlobal: true })],
      controllers: [AnyController],
    }).compile();
    await expect(compiling).rejects.toThrow(`names the configuration "nobody", which is not configured`);
  });

  it('refuses a verify-only (external) configuration given a signing option, naming it', async () => {
    const external = {
      name: 'partner',
      external: true,
      jwks: { uri: 'https://idp.example/jwks.json', algorithms: ['RS256' as const] },
      issuer: 'https://idp.example/',
      audience: 'api',
    };
    for (const [option, value] of [
      ['secret', secret],
      ['privateKey', 'pem'],
      ['accessTokenExpiresIn', '5m'],
      ['rotateRefreshTokens', true],
    ] as const) {
      const compiling = Test.createTestingModule({
        imports: [AuthModule.forRoot({ ...external, [option]: value })],
      }).compile();
      await expect(compiling).rejects.toThrow(`option "${option}" is a signing option`);
    }
    for (const [left, option] of [
      ['issuer', 'issuer'],
      ['audience', 'audience'],
      ['jwks', 'jwks'],
    ] as const) {
      const options: Record<string, unknown> = { ...external };
      delete options[left];
      const compiling = Test.createTestingModule({ imports: [AuthModule.forRoot(options)] }).compile();
      await expect(compiling).rejects.toThrow(`option "${option}" is required by an external configuration`);
    }
  });

  it("starts beside AuthTestingModule, whose rewrite of keys is the unnamed configuration's only", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ secret, isGlobal: true }),
        AuthModule.forRoot({
          name: 'partner',
          external: true,
          jwks: { uri: 'https://idp.example/jwks.json', algorithms: ['RS256'] },
          issuer: 'https://idp.example/',
          audience: 'api',
        }),
        AuthTestingModule.forRoot(),
      ],
    }).compile();
    app = await moduleRef.init();
    const partner = app.get<TokenVerifier>(configurationToken('partner', TokenVerifier));
    expect(() => partner.keys.find({ alg: 'HS256' })).toThrow('The token algorithm is not allowed');
  });

  it('refuses a name that cannot be one, and "default"', () => {
    expect(() => AuthModule.forRoot({ name: 'default', secret })).toThrow('"default" is the unnamed configuration');
    expect(() => AuthModule.forRoot({ name: 'two words', secret })).toThrow('must be a configuration name');
    expect(() => JwtAuthGuard.for([])).toThrow('a non-empty list');
    expect(() => JwtAuthGuard.for(['partner', 'partner'])).toThrow('more than once');
    expect(JwtAuthGuard.for('default')).toBe(JwtAuthGuard);
    expect(JwtAuthGuard.for('partner')).toBe(JwtAuthGuard.for('partner'));
    expect(JwtAuthGuard.for(['default', 'partner']).name).toBe("JwtAuthGuard.for(['default', 'partner'])");
  });

  it('keeps Inject helpers to checked names', () => {
    class Holder {}
    expect(() => Inject(configurationToken('admin', TokenService))(Holder, undefined, 0)).not.toThrow();
    expect(() => InjectTokenService('bad name')).toThrow('must be a configuration name');
  });
});
