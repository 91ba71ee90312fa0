import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';

/** GraphQL at POST /graphql, code first, with subscriptions over graphql-ws on the same path. */
export function graphqlOptions(): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // The schema is built from the resolvers in memory: nothing is written to disk.
    autoSchemaFile: true,
    subscriptions: { 'graphql-ws': true },
    // Errors carry their code and message, never a stack trace.
    includeStacktraceInErrorResponses: false,
    // A demo has no landing page to show; Apollo's would load scripts from a CDN.
    playground: false,
  };
}
