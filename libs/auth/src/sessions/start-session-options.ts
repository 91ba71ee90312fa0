import type { CreateAccessTokenOptions } from '../tokens/token-options.interface.js';

/**
 * Options of `SessionService.start`.
 *
 * @example
 * ```ts
 * await sessions.start(identity, { acr: 'pwd', amr: ['pwd'], metadata: { userAgent: 'curl/8.5', ip: '203.0.113.7' } });
 * ```
 */
export type StartSessionOptions = Pick<
  CreateAccessTokenOptions,
  'fresh' | 'additionalClaims' | 'additionalHeaders' | 'acr' | 'amr' | 'dpopJkt'
> & {
  /**
   * Short strings recorded with the session and returned by `listSessions` (user agent, IP address, device name):
   * never a secret. Truncate what the client sends before passing it. At most {@link MAX_METADATA_ENTRIES} entries, keys
   * of at most 64 characters and values of at most {@link MAX_METADATA_LENGTH}, so that a listing read from the store
   * stays bounded (1000 sessions of at most about 16 KB each).
   */
  metadata?: Record<string, string>;
};

/** The most metadata entries a session records. */
export const MAX_METADATA_ENTRIES = 16;
/** The longest metadata value a session records, in characters. */
export const MAX_METADATA_LENGTH = 1024;

/** Refuses metadata that is not a small object of short strings: what a listing reads back stays bounded. */
export function assertMetadata(metadata: unknown): asserts metadata is Record<string, string> | undefined {
  if (metadata === undefined) return;
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    !Object.values(metadata).every((value) => typeof value === 'string')
  ) {
    throw new TypeError('nest-jwt-extended: SessionService.start metadata must be an object of strings');
  }
  const entries = Object.entries(metadata as Record<string, string>);
  if (
    entries.length > MAX_METADATA_ENTRIES ||
    entries.some(([key, value]) => key.length > 64 || value.length > MAX_METADATA_LENGTH)
  ) {
    throw new TypeError(
      `nest-jwt-extended: SessionService.start metadata takes at most ${MAX_METADATA_ENTRIES} entries, keys of at ` +
        `most 64 characters and values of at most ${MAX_METADATA_LENGTH}: truncate what the client sent`,
    );
  }
}
