import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplicationContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { verifiedTokenOf } from '../decorators/verified-token.js';
import { OptionalAuth } from '../decorators/optional-auth.decorator.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorFilter } from '../errors/auth-error.filter.js';
import { GraphQLAuthError } from '../errors/graphql-auth-error.js';
import { FreshJwtGuard } from '../guards/fresh-jwt.guard.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { thrownBy } from '../testing/thrown-by.js';
import { TokenService } from '../tokens/token.service.js';
import { recordedSocketRequest } from './context-request.js';
import { setSocketRefusalFactory } from './context-refusal.js';

@Controller()
class Resolvers {
  me(): void {}

  @OptionalAuth()
  maybe(): void {}
}

type Handler = keyof Resolvers;

function graphqlContext(handler: Handler, gqlContext: object) {
  const context = new ExecutionContextHost([{}, {}, gqlContext, {}], Resolvers, Resolvers.prototype[handler]);
  context.setType('graphql');
  return context;
}

function wsContext(handler: Handler, client: object) {
  const context = new ExecutionContextHost([client, { some: 'data' }], Resolvers, Resolvers.prototype[handler]);
  context.setType('ws');
  return context;
}

function socketIoClient(handshake: object) {
  const emitted: Array<[string, unknown]> = [];
  return { handshake, emitted, emit: (event: string, data: unknown) => void emitted.push([event, data]) };
}

describe('guards and decorators outside HTTP', () => {
  let app: INestApplicationContext | undefined;

  async function start() {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32) })],
      providers: [JwtAuthGuard, FreshJwtGuard],
    }).compile();
    app = await moduleRef.init();
    return { guard: app.get(JwtAuthGuard), fresh: app.get(FreshJwtGuard), tokens: app.get(TokenService) };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    setSocketRefusalFactory(undefined);
  });

  describe('graphql', () => {
    it('reads the token from the operation’s HTTP request (Apollo: req) and the decorators find it', async () => {
      const { guard, tokens } = await start();
      const req = { headers: { authorization: `Bearer ${tokens.createAccessToken('alice')}` } };
      const context = graphqlContext('me', { req });
      expect(guard.canActivate(context)).toBe(true);
      expect(verifiedTokenOf(context, '@CurrentIdentity()')?.identity).toBe('alice');
      expect(req).toHaveProperty('user.sub', 'alice');
    });

    it('reads Mercurius’ reply.request too', async () => {
      const { guard, tokens } = await start();
      const request = { headers: { authorization: `Bearer ${tokens.createAccessToken('bob')}` } };
      const context = graphqlContext('me', { reply: { request } });
      expect(guard.canActivate(context)).toBe(true);
      expect(verifiedTokenOf(context, '@CurrentIdentity()')?.identity).toBe('bob');
    });

    it('reads a graphql-ws subscription’s connectionParams: token, or an Authorization value', async () => {
      const { guard, tokens } = await start();
      const byToken = {
        connectionInitReceived: true,
        connectionParams: { token: tokens.createAccessToken('carol') },
        extra: { request: { headers: {} } },
      };
      // Nest's Apollo driver wraps the graphql-ws context as `req`.
      const first = graphqlContext('me', { req: byToken });
      expect(guard.canActivate(first)).toBe(true);
      expect(verifiedTokenOf(first, '@CurrentIdentity()')?.identity).toBe('carol');
      const byHeader = {
        connectionInitReceived: true,
        connectionParams: { Authorization: `Bearer ${tokens.createAccessToken('dave')}` },
        extra: {},
      };
      const second = graphqlContext('me', byHeader);
      expect(guard.canActivate(second)).toBe(true);
      expect(verifiedTokenOf(second, '@CurrentIdentity()')?.identity).toBe('dave');
    });

    it('refuses with a GraphQL error: UNAUTHENTICATED or FORBIDDEN, the library code, no stack frames', async () => {
      const { guard, fresh, tokens } = await start();
      const missing = thrownBy(() => guard.canActivate(graphqlContext('me', { req: { headers: {} } })));
      expect(missing).toBeInstanceOf(GraphQLAuthError);
      expect((missing as GraphQLAuthError).extensions).toEqual({
        code: 'UNAUTHENTICATED',
        authCode: 'authorization_required',
      });
      expect((missing as Error).stack).toBe('GraphQLAuthError: Missing authorization token');
      const stale = tokens.createAccessToken('alice', { fresh: false });
      const notFresh = thrownBy(() =>
        fresh.canActivate(graphqlContext('me', { req: { headers: { authorization: `Bearer ${stale}` } } })),
      );
      expect((notFresh as GraphQLAuthError).extensions).toEqual({
        code: 'FORBIDDEN',
        authCode: 'fresh_token_required',
      });
      expect((notFresh as Error).message).not.toContain(stale);
    });

    it('decides once per operation: every alias of a refused field gets the same refusal, reported once', async () => {
      const refused: string[] = [];
      const moduleRef = await Test.createTestingModule({
        imports: [AuthModule.forRoot({ secret: 's'.repeat(32), onEvent: (event) => refused.push(event.type) })],
        providers: [JwtAuthGuard],
      }).compile();
      app = await moduleRef.init();
      const guard = app.get(JwtAuthGuard);
      const operation = { req: { headers: {} } };
      const errors = new Set(
        Array.from({ length: 6000 }, () => thrownBy(() => guard.canActivate(graphqlContext('me', operation)))),
      );
      expect(errors.size).toBe(1);
      expect([...errors][0]).toBeInstanceOf(GraphQLAuthError);
      expect(refused).toEqual(['refused']);
      // The next operation (a new context, as Apollo and graphql-ws build per operation) is decided afresh.
      const token = app.get(TokenService).createAccessToken('alice');
      const next = { req: { headers: { authorization: `Bearer ${token}` } } };
      expect(guard.canActivate(graphqlContext('me', next))).toBe(true);
      expect(guard.canActivate(graphqlContext('maybe', operation))).toBe(true); // another demand: @OptionalAuth()
    });

    it('lets an @OptionalAuth() resolver through without a token, as anonymous', async () => {
      const { guard } = await start();
      const context = graphqlContext('maybe', { req: { headers: {} } });
      expect(guard.canActivate(context)).toBe(true);
      expect(verifiedTokenOf(context, '@CurrentIdentity()')).toBeUndefined();
    });
  });

  describe('ws', () => {
    it('reads a socket.io handshake: auth.token first, then the Authorization header', async () => {
      const { guard, tokens } = await start();
      const client = socketIoClient({
        auth: { token: tokens.createAccessToken('alice') },
        headers: { authorization: `Bearer ${tokens.createAccessToken('bob')}` },
      });
      const context = wsContext('me', client);
      expect(guard.canActivate(context)).toBe(true);
      expect(verifiedTokenOf(context, '@CurrentIdentity()')?.identity).toBe('alice');
      expect(recordedSocketRequest(client)).toBeDefined();

      const byHeader = socketIoClient({ headers: { authorization: `Bearer ${tokens.createAccessToken('bob')}` } });
      const second = wsContext('me', byHeader);
      expect(guard.canActivate(second)).toBe(true);
      expect(verifiedTokenOf(second, '@CurrentIdentity()')?.identity).toBe('bob');
    });

    it('never reads the query unless told to', async () => {
      const { guard, tokens } = await start();
      const client = socketIoClient({ headers: {}, query: { token: tokens.createAccessToken('alice') } });
      expect(thrownBy(() => guard.canActivate(wsContext('me', client)))).toBeInstanceOf(Error);
      expect(client.emitted).toEqual([
        ['exception', { status: 'error', code: 'authorization_required', message: 'Missing authorization token' }],
      ]);
    });

    it('refuses through the registered WsException factory, and else tells the client itself', async () => {
      const { guard } = await start();
      const client = socketIoClient({ headers: {} });
      const fallback = thrownBy(() => guard.canActivate(wsContext('me', client)));
      expect(fallback).not.toBeInstanceOf(AuthError);
      expect(client.emitted).toEqual([
        ['exception', { status: 'error', code: 'authorization_required', message: 'Missing authorization token' }],
      ]);
      class FakeWsException extends Error {
        constructor(readonly payload: unknown) {
          super('ws');
        }
      }
      setSocketRefusalFactory((refusal) => new FakeWsException(refusal));
      const other = socketIoClient({ headers: {} });
      const error = thrownBy(() => guard.canActivate(wsContext('me', other)));
      expect((error as FakeWsException).payload).toEqual({
        status: 'error',
        code: 'authorization_required',
        message: 'Missing authorization token',
      });
      expect(other.emitted).toEqual([]);
    });
  });

  describe('AuthErrorFilter', () => {
    it('never touches a response outside HTTP: a GraphQL error in a resolver, an event on a socket', () => {
      const filter = new AuthErrorFilter();
      const error = AuthError.missing('Missing authorization token');
      const graphql = graphqlContext('me', { req: { headers: {} } });
      expect(thrownBy(() => filter.catch(error, graphql))).toBeInstanceOf(GraphQLAuthError);
      const client = socketIoClient({});
      filter.catch(error, wsContext('me', client));
      expect(client.emitted).toEqual([
        ['exception', { status: 'error', code: 'authorization_required', message: 'Missing authorization token' }],
      ]);
      const rpc = new ExecutionContextHost([{}, {}]);
      rpc.setType('rpc');
      expect(thrownBy(() => filter.catch(error, rpc))).toBe(error);
    });
  });
});
