import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphqlWsConnectionLike, SocketAuthenticator } from 'nest-jwt-extended/websockets';

/**
 * GraphQL at POST /graphql, code first, with subscriptions over graphql-ws on the same path. A graphql-ws connection
 * is authenticated from its connectionParams when it opens, and closed when its token expires or is revoked.
 */
export function graphqlOptions(sockets: SocketAuthenticator): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // The schema is built from the resolvers in memory: nothing is written to disk.
    autoSchemaFile: true,
    subscriptions: {
      'graphql-ws': { onConnect: (context) => sockets.watchGraphqlWs(context as GraphqlWsConnectionLike) },
    },
    // Errors carry their code and message, never a stack trace.
    includeStacktraceInErrorResponses: false,
    // A demo has no landing page to show; Apollo's would load scripts from a CDN.
    playground: false,
  };
}
