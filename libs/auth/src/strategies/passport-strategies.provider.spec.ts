import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { IAuthGuard } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { JWT_ACCESS_STRATEGY, JWT_FRESH_STRATEGY, JWT_REFRESH_STRATEGY } from '../auth.constants.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { JWT_STRATEGIES } from './jwt-strategies.js';
import {
  PASSPORT_STRATEGIES,
  missingPassportPackage,
  registerPassportStrategies,
} from './passport-strategies.provider.js';

/** What PassportStrategy's mixin adds: the passport instance the strategy registered itself with. */
interface RegisteredStrategy {
  getPassportInstance(): { _strategy(name: string): unknown };
}

/** The error `import()` throws when a package is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/x/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

const unusedModuleRef = {} as ModuleRef;

describe('the passport strategies', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
  });

  it('are registered under their names when @nestjs/passport, passport and passport-jwt are installed', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32) })],
    }).compile();
    app = await moduleRef.init();
    const strategies = app.get<RegisteredStrategy[]>(PASSPORT_STRATEGIES);
    expect(strategies.map((strategy) => strategy.constructor)).toEqual([...JWT_STRATEGIES]);
    const [access, fresh, refresh] = strategies;
    const passport = access!.getPassportInstance();
    expect(passport._strategy(JWT_ACCESS_STRATEGY)).toBe(access);
    expect(passport._strategy(JWT_FRESH_STRATEGY)).toBe(fresh);
    expect(passport._strategy(JWT_REFRESH_STRATEGY)).toBe(refresh);
    // The guards keep the part of @nestjs/passport's IAuthGuard that AuthGuard's users override.
    const guard: Pick<IAuthGuard, 'getRequest' | 'handleRequest'> = app.get(JwtAuthGuard);
    expect(typeof guard.handleRequest).toBe('function');
  });

  it('are left out, quietly, when @nestjs/passport is not installed', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const load = () => Promise.reject(notFound('@nestjs/passport'));
    await expect(registerPassportStrategies(unusedModuleRef, load, async () => false)).resolves.toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('are left out with a warning that names the install when only passport-jwt is missing', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const load = () => Promise.reject(notFound('passport-jwt'));
    await expect(registerPassportStrategies(unusedModuleRef, load, async () => true)).resolves.toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('npm install passport passport-jwt');
  });

  it('let any other failure through', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(registerPassportStrategies(unusedModuleRef, () => Promise.reject(broken))).rejects.toBe(broken);
    await expect(
      registerPassportStrategies(unusedModuleRef, () => Promise.reject(notFound('ioredis'))),
    ).rejects.toThrow("'ioredis'");
  });

  it('tell a missing passport package from any other missing module', () => {
    expect(missingPassportPackage(notFound('passport'))).toBe('passport');
    expect(missingPassportPackage(notFound('passport-jwt'))).toBe('passport-jwt');
    expect(
      missingPassportPackage(
        Object.assign(new Error("Cannot find module 'passport-jwt'"), { code: 'MODULE_NOT_FOUND' }),
      ),
    ).toBe('passport-jwt');
    expect(missingPassportPackage(notFound('passport-local'))).toBeUndefined();
    expect(missingPassportPackage(new Error("Cannot find package 'passport'"))).toBeUndefined();
  });
});
