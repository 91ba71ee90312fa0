import { Module } from '@nestjs/common';
import { SocketAuthenticator } from 'nest-jwt-extended/websockets';
import { WhoamiGateway } from './whoami.gateway.js';

/**
 * The demo's sockets: the socket.io gateway, and the one SocketAuthenticator that watches every socket of this
 * instance (exported for GraphQL's graphql-ws connections too).
 */
@Module({
  providers: [SocketAuthenticator, WhoamiGateway],
  exports: [SocketAuthenticator],
})
export class RealtimeModule {}
