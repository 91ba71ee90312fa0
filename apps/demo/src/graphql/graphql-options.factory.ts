import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { ConfigService } from '@nestjs/config';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { GraphqlWsConnectionLike, SocketAuthenticator } from 'nest-jwt-extended/websockets';
import type { DemoEnv } from '../config/demo-env.js';

/**
 * The limits every document meets before it runs (graphql-armor's validation rules, and graphql-js' token cap while
 * parsing): far above what the demo's clients send, far below what a flood needs. A 6,000-alias query is refused by
 * the parser after 2,000 tokens, before any resolver or guard runs.
 */
export const GRAPHQL_LIMITS = { maxTokens: 2000, maxAliases: 15, maxDepth: 8, maxCost: 5000 } as const;

/**
 * A rejection reported as a validation error (400 GRAPHQL_VALIDATION_FAILED): graphql-armor's rules throw by default,
 * which Apollo answers as a 500 internal error.
 */
const REPORTED = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/**
 * GraphQL at POST /graphql, code first, with subscriptions over graphql-ws on the same path. A graphql-ws connection
 * is authenticated from its connectionParams when it opens (closed at once with 4401 without a good token), and
 * closed when its token expires or is revoked. Introspection is off when NODE_ENV=production.
 */
export function graphqlOptions(sockets: SocketAuthenticator, config: ConfigService<DemoEnv, true>): ApolloDriverConfig {
  const production = config.get('NODE_ENV', { infer: true }) === 'production';
  const limited = config.get('GRAPHQL_LIMITS', { infer: true });
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // The schema is built from the resolvers in memory: nothing is written to disk.
    autoSchemaFile: true,
    subscriptions: {
      'graphql-ws': { onConnect: (context) => sockets.watchGraphqlWs(context as GraphqlWsConnectionLike) },
    },
    ...(limited && {
      parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
      validationRules: [
        maxAliasesRule({ n: GRAPHQL_LIMITS.maxAliases, ...REPORTED }),
        maxDepthRule({ n: GRAPHQL_LIMITS.maxDepth, ...REPORTED }),
        costLimitRule({ maxCost: GRAPHQL_LIMITS.maxCost, ...REPORTED }),
      ],
    }),
    // The schema is no one's business in production; Apollo's default turns it off there too, said here explicitly.
    introspection: !production,
    // Errors carry their code and message, never a stack trace.
    includeStacktraceInErrorResponses: false,
    // A demo has no landing page to show; Apollo's would load scripts from a CDN.
    playground: false,
  };
}
