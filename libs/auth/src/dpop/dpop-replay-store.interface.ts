/**
 * Where the `jti` of every accepted DPoP proof is remembered for as long as the proof could still pass its `iat`
 * check, so that a proof is accepted once (RFC 9449 section 11.1). One instance: the memory store (the default). Several
 * instances: one they share, `RedisDpopReplayStore` from `nest-jwt-extended/redis`, or your own.
 *
 * @example
 * ```ts
 * class MyReplayStore implements DpopReplayStore {
 *   async useOnce(id: string, ttlSeconds: number) {
 *     return (await redis.set(`dpop:${id}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
 *   }
 * }
 * AuthModule.forRoot({ secret, dpop: { replayStore: new MyReplayStore() } });
 * ```
 */
export interface DpopReplayStore {
  /**
   * Records `id` for `ttlSeconds` and answers `true` if it was not recorded already, `false` if it was (a replay). Must
   * be atomic across every instance that shares the store: two concurrent calls with one id never both get `true`.
   * `id` is at most 64 characters of base64url (a hash of the key thumbprint and the proof's `jti`).
   */
  useOnce(id: string, ttlSeconds: number): boolean | Promise<boolean>;
  /** Releases connections; called when the module closes. */
  close?(): void | Promise<void>;
}

/**
 * Injection token of the module's {@link DpopReplayStore}: `@Inject(DpopReplayStore)` gives the store in use.
 *
 * @example
 * ```ts
 * constructor(@Inject(DpopReplayStore) private readonly replays: DpopReplayStore) {}
 * ```
 */
export const DpopReplayStore = Symbol('DpopReplayStore');
