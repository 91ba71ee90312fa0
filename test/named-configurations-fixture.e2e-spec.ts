import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { type DemoServer, startFixtureApp } from './support/demo-server.js';
import { forge, accessClaims } from './support/forge.js';
import { ADMIN_SECRET, namedConfigurationsApp } from './fixtures/named-configurations.app.js';
import { IdentityProvider } from './support/identity-provider.js';
import { connectSocket, graphql } from './support/realtime.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer } from './support/tokens.js';

// Three configurations in one app (the default one, `admin` with its own secret, store and error format, and the
// verify-only `partner`), on HTTP, GraphQL and a socket.io gateway.
const provider = await IdentityProvider.start();
afterAll(() => provider.stop());

const CALLER = (field: string) => `{ ${field} { config identity } }`;

/** Sends `event` and resolves with its ack, or with the `exception` event a guard's refusal becomes. */
function ask(socket: Socket, event: string): Promise<{ ack?: unknown; exception?: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${event} within 5 s`)), 5000);
    const onException = (exception: unknown) => {
      clearTimeout(timer);
      resolve({ exception });
    };
    socket.once('exception', onException);
    socket.emit(event, {}, (ack: unknown) => {
      clearTimeout(timer);
      socket.off('exception', onException);
      resolve({ ack });
    });
  });
}

describe.each(ADAPTERS)('named configurations in one app on %s', (adapter) => {
  let server: DemoServer;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startFixtureApp(
      namedConfigurationsApp({ jwksUri: provider.jwksUrl, issuer: provider.issuer, audience: provider.audience }),
      adapter,
    );
    url = await server.app.getUrl();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  async function socketWith(token: string): Promise<Socket> {
    const handshake = await connectSocket(url, { token });
    if (!('socket' in handshake)) throw handshake.error;
    sockets.push(handshake.socket);
    return handshake.socket;
  }

  async function adminLogin(): Promise<{ admin: string; adminRefresh: string; adminStale: string; own: string }> {
    return (await server.http.post('/admin/login').expect(200)).body;
  }

  it("keeps each configuration's tokens to its own routes", async () => {
    const { admin, own } = await adminLogin();
    await server.http.get('/admin/whoami').set(bearer(admin)).expect(200, { config: 'admin', identity: 'root' });
    await server.http.get('/own/whoami').set(bearer(own)).expect(200, { config: 'default', identity: 'root' });
    // The other configuration's key: a bad signature to each (422 in the admin configuration's Flask format).
    expect((await server.http.get('/admin/whoami').set(bearer(own))).status).toBe(422);
    const refused = await server.http.get('/own/whoami').set(bearer(admin));
    expect([refused.status, refused.body.code]).toEqual([401, 'invalid_token']);
  });

  it("answers an admin refusal in the admin errorFormat (Flask's), a default one in the default format", async () => {
    const { own } = await adminLogin();
    const admin = await server.http.get('/admin/whoami').set(bearer(own));
    expect(admin.status).toBe(422); // Flask-JWT-Extended answers a bad signature with 422 { msg }
    expect(admin.body).toEqual({ msg: 'Signature verification failed' });
    const missing = await server.http.get('/admin/whoami');
    expect([missing.status, missing.body]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    const ownRefusal = await server.http.get('/own/whoami');
    expect(ownRefusal.body).toMatchObject({ statusCode: 401, code: 'authorization_required' });
  });

  it('takes the admin token under either of its header schemes, Bearer and JWT, and no other', async () => {
    const { admin } = await adminLogin();
    for (const scheme of ['Bearer', 'JWT', 'jwt', 'BEARER']) {
      await server.http.get('/admin/whoami').set('Authorization', `${scheme} ${admin}`).expect(200);
    }
    const other = await server.http.get('/admin/whoami').set('Authorization', `Token ${admin}`);
    expect([other.status, other.body]).toEqual([
      401,
      { msg: "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'" },
    ]);
    // The default configuration takes Bearer only.
    const { own } = await adminLogin();
    const jwtScheme = await server.http.get('/own/whoami').set('Authorization', `JWT ${own}`);
    expect([jwtScheme.status, jwtScheme.body.code]).toEqual([401, 'invalid_authorization_header']);
  });

  it('applies FreshJwtGuard.for and RefreshJwtGuard.for with the admin configuration', async () => {
    const { admin, adminStale, adminRefresh } = await adminLogin();
    await server.http.post('/admin/critical').set(bearer(admin)).expect(200, { identity: 'root' });
    expect((await server.http.post('/admin/critical').set(bearer(adminStale))).status).toBe(401);
    const refreshed = await server.http.post('/admin/refresh').set(bearer(adminRefresh)).expect(200);
    await server.http.get('/admin/whoami').set(bearer(refreshed.body.access_token)).expect(200);
    expect((await server.http.post('/admin/refresh').set(bearer(admin))).status).toBe(422);
  });

  it("revokes in the admin store only: a logout everywhere in admin leaves the default configuration's token", async () => {
    const { admin, own } = await adminLogin();
    await server.http.post('/admin/logout-everywhere').set(bearer(admin)).expect(200);
    const revoked = await server.http.get('/admin/whoami').set(bearer(admin));
    expect([revoked.status, revoked.body]).toEqual([401, { msg: 'Token has been revoked' }]);
    await server.http.get('/own/whoami').set(bearer(own)).expect(200, { config: 'default', identity: 'root' });
  });

  it('GraphQL: the partner configuration, its scopes, and either configuration', async () => {
    const token = await provider.token({ sub: 'gql-user', scope: 'reports:read' });
    const unscoped = await provider.token({ sub: 'gql-user' });
    const own = forge(accessClaims({ sub: 'gql-own' }));
    expect((await graphql(url, CALLER('partnerCaller'), `Bearer ${token}`)).data).toEqual({
      partnerCaller: { config: 'partner', identity: 'gql-user' },
    });
    expect((await graphql(url, CALLER('partnerReports'), `Bearer ${token}`)).data).toEqual({
      partnerReports: { config: 'partner', identity: 'gql-user' },
    });
    const forbidden = await graphql(url, CALLER('partnerReports'), `Bearer ${unscoped}`);
    expect(forbidden.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', authCode: 'insufficient_scope' });
    const foreign = await graphql(url, CALLER('partnerCaller'), `Bearer ${own}`);
    expect(foreign.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', authCode: 'invalid_token' });
    expect((await graphql(url, CALLER('anyCaller'), `Bearer ${own}`)).data).toEqual({
      anyCaller: { config: 'default', identity: 'gql-own' },
    });
    expect((await graphql(url, CALLER('anyCaller'), `Bearer ${unscoped}`)).data).toEqual({
      anyCaller: { config: 'partner', identity: 'gql-user' },
    });
    const expired = await graphql(url, CALLER('partnerCaller'), `Bearer ${await provider.token({ expiresIn: -60 })}`);
    expect(expired.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', authCode: 'token_expired' });
  });

  it('socket.io: messages on the partner configuration, its scopes, and either configuration', async () => {
    const partner = await socketWith(await provider.token({ sub: 'ws-user', alg: 'ES256', scope: 'reports:read' }));
    expect(await ask(partner, 'partner:whoami')).toEqual({ ack: { config: 'partner', identity: 'ws-user' } });
    expect(await ask(partner, 'partner:reports')).toEqual({ ack: { config: 'partner' } });
    expect(await ask(partner, 'any:whoami')).toEqual({ ack: { config: 'partner', identity: 'ws-user' } });

    const unscoped = await socketWith(await provider.token({ sub: 'ws-user' }));
    expect(await ask(unscoped, 'partner:reports')).toEqual({
      exception: { status: 'error', code: 'insufficient_scope', message: 'Token lacks the scope reports:read' },
    });

    const own = await socketWith(forge(accessClaims({ sub: 'ws-own' })));
    expect(await ask(own, 'any:whoami')).toEqual({ ack: { config: 'default', identity: 'ws-own' } });
    expect(await ask(own, 'partner:whoami')).toEqual({
      exception: expect.objectContaining({ status: 'error', code: 'invalid_token' }),
    });

    const admin = await socketWith(forge(accessClaims({ sub: 'ws-admin' }), { secret: ADMIN_SECRET }));
    expect(await ask(admin, 'any:whoami')).toEqual({
      exception: expect.objectContaining({ status: 'error', code: 'invalid_token' }),
    });
  });
});
