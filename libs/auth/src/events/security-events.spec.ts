import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { SessionService } from '../sessions/session.service.js';
import type { SecurityEvent } from './security-event.interface.js';
import { SecurityEvents } from './security-events.js';

describe('SecurityEvents', () => {
  let app: INestApplicationContext | undefined;

  async function start(options: Partial<AuthModuleOptions>, withEmitter: boolean) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...(withEmitter ? [EventEmitterModule.forRoot()] : []),
        AuthModule.forRoot({ secret: 's'.repeat(32), ...options }),
      ],
    }).compile();
    app = await moduleRef.init();
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('emits through @nestjs/event-emitter as auth.<type> when the app registers EventEmitterModule', async () => {
    const started = await start({}, true);
    const seen: Array<[string, SecurityEvent]> = [];
    started.get(EventEmitter2).onAny((name, payload) => seen.push([String(name), payload as SecurityEvent]));
    const { sessionId } = await started.get(SessionService).start('alice');
    await started.get(RevocationService).revokeSession(sessionId);
    await started.get(RevocationService).revokeUser('alice');
    expect(seen.map(([name]) => name)).toEqual(['auth.login', 'auth.session_revoked', 'auth.user_revoked']);
    expect(seen[0]![1]).toMatchObject({ type: 'login', identity: 'alice', sessionId });
    expect(typeof seen[0]![1].at).toBe('number');
  });

  it('emits to onEvent alone without EventEmitterModule, and to both with it, once each', async () => {
    const received: SecurityEvent[] = [];
    const started = await start({ onEvent: (event) => received.push(event) }, false);
    await started.get(SessionService).start('bob');
    expect(received.map((event) => event.type)).toEqual(['login']);
    await app!.close();
    received.length = 0;
    const both = await start({ onEvent: (event) => received.push(event) }, true);
    const emitted: string[] = [];
    both.get(EventEmitter2).onAny((name) => emitted.push(String(name)));
    await both.get(SessionService).start('bob');
    expect([received.map((event) => event.type), emitted]).toEqual([['login'], ['auth.login']]);
  });

  it('is silent and cheap with no listener, and a listener that throws never fails the caller', async () => {
    const quiet = await start({}, false);
    expect(quiet.get(SecurityEvents).listened).toBe(false);
    await app!.close();
    const loud = await start(
      {
        onEvent: () => {
          throw new Error('listener down');
        },
      },
      false,
    );
    await expect(loud.get(SessionService).start('carol')).resolves.toMatchObject({ sessionId: expect.any(String) });
  });
});
