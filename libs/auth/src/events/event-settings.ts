import type { SecurityEvent } from './security-event.interface.js';

/** The resolved settings that `SecurityEvents` reads. Declared beside the code that reads them. */
export interface EventSettings {
  /** The `onEvent` option. */
  readonly onEvent?: (event: SecurityEvent) => void;
}
