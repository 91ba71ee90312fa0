import { UseGuards } from '@nestjs/common';
import { Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import {
  CurrentClaims,
  CurrentIdentity,
  FreshJwtGuard,
  isFreshToken,
  type JwtClaims,
  RequireAuth,
} from 'nest-jwt-extended';
import { CriticalActionResult, Me } from './me.model.js';

/**
 * The GraphQL face of /protected and /protected-fresh. The global JwtAuthGuard (AppModule) covers every resolver, as
 * it covers every route; the same decorators read the token.
 */
@Resolver(() => Me)
export class MeResolver {
  /** Any valid access token. */
  @Query(() => Me)
  me(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims): Me {
    return { identity, fresh: isFreshToken(claims) };
  }

  /** A critical action: a fresh access token only. */
  @UseGuards(FreshJwtGuard)
  @Mutation(() => CriticalActionResult)
  criticalAction(@CurrentIdentity() identity: string): CriticalActionResult {
    return { identity };
  }

  /** Step-up (RFC 9470): `acr: "mfa"` only, as `POST /account/mfa-only`. */
  @RequireAuth({ acr: 'mfa' })
  @Mutation(() => CriticalActionResult)
  mfaOnlyAction(@CurrentIdentity() identity: string): CriticalActionResult {
    return { identity };
  }

  /** Over graphql-ws, with the token in `connectionParams`: one event, who the connection is. */
  @Subscription(() => Me)
  meChanged(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims): AsyncIterableIterator<unknown> {
    return (async function* () {
      yield { meChanged: { identity, fresh: isFreshToken(claims) } };
    })();
  }
}
