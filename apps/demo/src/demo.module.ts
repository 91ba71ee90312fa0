import { ApolloDriver } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GraphQLModule } from '@nestjs/graphql';
import { SocketAuthenticator } from 'nest-jwt-extended/websockets';
import { AppModule } from './app.module.js';
import { graphqlOptions } from './graphql/graphql-options.factory.js';
import { MeResolver } from './graphql/me.resolver.js';
import { RealtimeModule } from './realtime/realtime.module.js';

/**
 * The whole demo: the HTTP app (AppModule, whose global JwtAuthGuard covers resolvers and gateway messages too), GraphQL
 * at /graphql and the socket.io gateway. Kept apart from AppModule so that the benchmarks' app (bench/app), which
 * measures the HTTP routes, does not carry socket.io's and Apollo's per-request hooks.
 */
@Module({
  imports: [
    AppModule,
    RealtimeModule,
    GraphQLModule.forRootAsync({
      driver: ApolloDriver,
      imports: [RealtimeModule],
      inject: [SocketAuthenticator, ConfigService],
      useFactory: graphqlOptions,
    }),
  ],
  providers: [MeResolver],
})
export class DemoModule {}
