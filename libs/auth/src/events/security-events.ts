import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { AuthClock, nowOf } from '../util/auth-clock.js';
import type { EventSettings } from './event-settings.js';
import { SECURITY_EVENT_PREFIX, type SecurityEvent } from './security-event.interface.js';

/** What this class uses of `EventEmitter2`. */
interface Emitter {
  emit(event: string, payload: unknown): unknown;
}

/** The package, named in a variable so that bundlers and the compiler leave the optional import alone. */
const EVENT_EMITTER_PACKAGE = '@nestjs/event-emitter';

/**
 * Emits security events to the `onEvent` option and, when the app imports `EventEmitterModule` from
 * `@nestjs/event-emitter`, as `auth.<type>` events there (`@OnEvent('auth.login')`). That package is an optional peer:
 * it is loaded only when the app has registered its module. Internal: listen through either, never call this.
 */
@Injectable()
export class SecurityEvents implements OnApplicationBootstrap {
  private readonly logger = new Logger('SecurityEvents');
  private emitter?: Emitter;
  private readonly now: () => number;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: EventSettings,
    private readonly moduleRef: ModuleRef,
    private readonly modules: ModulesContainer,
    @Optional() @Inject(AuthClock) clock?: AuthClock,
  ) {
    this.now = nowOf(clock);
  }

  /** Whether anyone listens: callers skip building an event when no one does. */
  get listened(): boolean {
    return this.settings.onEvent !== undefined || this.emitter !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const registered = [...this.modules.values()].some((module) => module.metatype?.name === 'EventEmitterModule');
    if (!registered) return;
    try {
      const { EventEmitter2 } = (await import(EVENT_EMITTER_PACKAGE)) as { EventEmitter2: new () => Emitter };
      this.emitter = this.moduleRef.get(EventEmitter2, { strict: false });
    } catch (error) {
      this.logger.warn(
        `EventEmitterModule is registered but its emitter could not be resolved; security events go to onEvent only ` +
          `(${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  /** Emits one event; a listener that throws is logged, never allowed to fail the request. */
  emit(event: Omit<SecurityEvent, 'at'>): void {
    if (!this.listened) return;
    const complete: SecurityEvent = { ...event, at: epochSeconds(this.now) };
    try {
      this.settings.onEvent?.(complete);
      this.emitter?.emit(SECURITY_EVENT_PREFIX + complete.type, complete);
    } catch (error) {
      this.logger.error(`A security event listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
