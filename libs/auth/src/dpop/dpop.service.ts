import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { ExtractedToken } from '../extractors/extracted-token.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { withTimeout } from '../revocation/with-timeout.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopProofVerifier, type ProofDemand } from './dpop-proof-verifier.js';
import { DpopRefusals } from './dpop-refusals.js';
import { DpopReplayStore } from './dpop-replay-store.interface.js';
import type { DpopRequest } from './dpop-request-target.js';
import type { DpopConfig, DpopSettings } from './dpop-settings.js';

/** A request's `DPoP` header, the one place a proof is read from. */
const PROOF_HEADER = 'dpop';
/** Longest wait for the replay cache, in milliseconds, before the request is refused with 503. */
const REPLAY_TIMEOUT_MS = 1000;

// The request objects whose proof was accepted, with the token it was accepted for: a request checked twice (two
// guards on one route, a socket's messages after its handshake) is not refused as its own replay.
const proven = new WeakMap<object, string>();

/**
 * DPoP (RFC 9449): tokens bound to a key the client holds and proves on every request. {@link keyOf} checks the proof
 * of a login request and gives the key's thumbprint, for `SessionService.start(identity, { dpopJkt })`; the
 * verification pipeline calls {@link checkToken} for every token, on every transport, so a bound token is accepted
 * only with a fresh proof of its key, sent as `Authorization: DPoP <token>`. Turned on by the `dpop` option.
 *
 * @example
 * ```ts
 * @Public()
 * @Post('login')
 * async login(@Body() body: LoginDto, @Req() request: Request) {
 *   const identity = await this.users.verifyCredentials(body.username, body.password);
 *   const dpopJkt = await this.dpop.keyOf(request); // undefined without a DPoP header
 *   const pair = await this.sessions.start(identity, { dpopJkt });
 *   return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: pair.tokenType };
 * }
 * ```
 */
@Injectable()
export class DpopService implements OnModuleDestroy {
  private readonly config?: DpopConfig;
  private readonly refusals?: DpopRefusals;
  private readonly proofs?: DpopProofVerifier;
  private readonly nonces?: DpopNonces;
  private readonly replayTtl: number = 0;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) settings: DpopSettings,
    @Inject(DpopReplayStore) private readonly replays: DpopReplayStore,
  ) {
    this.config = settings.dpop;
    if (this.config === undefined) return;
    this.refusals = new DpopRefusals(this.config.algorithms);
    if (this.config.nonce !== undefined)
      this.nonces = new DpopNonces(this.config.nonce.key, this.config.nonce.lifetime);
    this.proofs = new DpopProofVerifier(this.config, this.refusals, this.nonces);
    // A proof older than the window is refused by its iat, so its jti need not be remembered longer.
    this.replayTtl = this.config.proofMaxAge + this.config.clockSkew + 1;
  }

  /** Whether the `dpop` option is on. */
  get enabled(): boolean {
    return this.config !== undefined;
  }

  /** Whether every login needs a proof and every token must be bound (`dpop.required`). */
  get required(): boolean {
    return this.config?.required === true;
  }

  /**
   * The thumbprint of the key that the request's `DPoP` proof proves (checked for this request's method and URL, and
   * used up in the replay cache), to bind the tokens of a login to; `undefined` when the request has no proof and DPoP
   * is not required (or is off). Rejects with a 401 {@link AuthError} for a bad proof, or a missing one when required.
   *
   * @example
   * ```ts
   * const pair = await sessions.start(identity, { dpopJkt: await dpop.keyOf(request) });
   * ```
   */
  async keyOf(request: DpopRequest): Promise<string | undefined> {
    if (this.proofs === undefined) return undefined;
    const proof = request.headers[PROOF_HEADER];
    if (proof === undefined) {
      if (this.required) throw this.refusals!.required('A DPoP proof is required');
      return undefined;
    }
    const checked = this.proofs.verify(proof, request, { athRequired: false }, Date.now());
    await this.useOnce(checked.jkt, checked.jti);
    return checked.jkt;
  }

  /**
   * The DPoP check of a verified token: with DPoP off, a bound token is refused; with it on, a bound token needs the
   * `DPoP` scheme (a refresh token may come as `Bearer`: it is no access token) and a fresh proof of its key, with
   * `ath` for any token but a refresh token; an unbound token sent as DPoP is refused, and with `dpop.required` any
   * unbound token. `undefined` when accepted at once, a promise while the replay cache answers. What the pipeline calls.
   */
  checkToken(request: DpopRequest, found: ExtractedToken, verified: VerifiedToken): void | Promise<void> {
    const { cnf } = verified.claims;
    if (this.proofs === undefined) {
      if (cnf === undefined) return;
      throw unboundRefusal();
    }
    const refusals = this.refusals!;
    if (cnf === undefined) {
      if (found.dpop === true) throw refusals.bindingMismatch('Token sent with the DPoP scheme is not bound to a key');
      if (this.required) throw refusals.required('Token is not bound to a DPoP key');
      return;
    }
    const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
    if (typeof jkt !== 'string' || jkt.length === 0) throw refusals.bindingMismatch('Token cnf claim has no jkt');
    const refresh = verified.claims.type === 'refresh';
    if (found.dpop !== true && !(refresh && found.location === 'headers')) throw refusals.schemeRequired();
    if (proven.get(request) === found.token) return;
    const demand: ProofDemand = { token: found.token, athRequired: !refresh };
    const checked = this.proofs.verify(request.headers[PROOF_HEADER], request, demand, Date.now());
    if (checked.jkt !== jkt) throw refusals.bindingMismatch('DPoP proof key is not the key the token is bound to');
    const used = this.useOnce(checked.jkt, checked.jti);
    if (used === undefined) {
      proven.set(request, found.token);
      return;
    }
    return used.then(() => {
      proven.set(request, found.token);
    });
  }

  /** A refusal of a request that used DPoP, challenged with the DPoP scheme. */
  rechallenge(error: AuthError): AuthError {
    return this.refusals === undefined ? error : this.refusals.rechallenge(error);
  }

  /** The `algs` a DPoP challenge names: the configured proof algorithms. */
  get algorithms(): readonly string[] {
    return this.config?.algorithms ?? [];
  }

  async onModuleDestroy(): Promise<void> {
    await this.replays.close?.();
  }

  // One id per key and jti, hashed: jti is the client's choice, and hashing bounds the store's keys to 43 characters.
  // Synchronous with a store that answers at once (the memory store): the bound path then allocates no promise.
  private useOnce(jkt: string, jti: string): void | Promise<void> {
    const id = createHash('sha256').update(`${jkt}.${jti}`).digest('base64url');
    let answer: boolean | Promise<boolean>;
    try {
      answer = this.replays.useOnce(id, this.replayTtl);
    } catch {
      throw this.refusals!.replayUnavailable();
    }
    if (typeof answer === 'boolean') return this.judge(answer);
    return withTimeout(answer, REPLAY_TIMEOUT_MS, 'DPoP replay cache').then(
      (fresh) => this.judge(fresh),
      () => {
        throw this.refusals!.replayUnavailable();
      },
    );
  }

  private judge(fresh: boolean): void {
    if (!fresh) throw this.refusals!.invalidProof('DPoP proof was already used (jti)');
  }
}

function unboundRefusal(): AuthError {
  // DPoP is off here, so the challenge stays Bearer: this server cannot check a proof of any key.
  return AuthError.invalid(
    AuthErrorCode.DpopBindingMismatch,
    'Token is bound to a DPoP key and this server does not accept DPoP',
  );
}
