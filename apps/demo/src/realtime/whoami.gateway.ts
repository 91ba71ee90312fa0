import { UseGuards } from '@nestjs/common';
import { type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  CurrentClaims,
  CurrentIdentity,
  FreshJwtGuard,
  isFreshToken,
  type JwtClaims,
  RequireAuth,
} from 'nest-jwt-extended';
import { SocketAuthenticator, type SocketIoServerLike } from 'nest-jwt-extended/websockets';

/**
 * socket.io on the demo's own port and default path. The handshake must carry an access token (`auth: { token }`);
 * every message then goes through the global JwtAuthGuard too. A socket is disconnected when its token expires or
 * its session is logged out.
 */
@WebSocketGateway()
export class WhoamiGateway implements OnGatewayInit {
  constructor(private readonly sockets: SocketAuthenticator) {}

  afterInit(server: SocketIoServerLike): void {
    this.sockets.protect(server);
  }

  /** Acknowledged with `{ identity, fresh }`. */
  @SubscribeMessage('whoami')
  whoami(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
    return { identity, fresh: isFreshToken(claims) };
  }

  /** A fresh access token only: a refusal is an `exception` event `{ status, code, message }`. */
  @UseGuards(FreshJwtGuard)
  @SubscribeMessage('criticalAction')
  criticalAction(@CurrentIdentity() identity: string) {
    return { identity };
  }

  /** Step-up (RFC 9470): `acr: "mfa"` only; a refusal is an `exception` event with `insufficient_user_authentication`. */
  @RequireAuth({ acr: 'mfa' })
  @SubscribeMessage('mfaOnly')
  mfaOnly(@CurrentIdentity() identity: string) {
    return { identity };
  }
}
