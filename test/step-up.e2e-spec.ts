import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { accessClaims, forge, now } from './support/forge.js';
import { connectSocket, graphql } from './support/realtime.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

/** The demo users' TOTP secret (base32, 20 bytes). */
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const MFA_ONLY = 'mutation { mfaOnlyAction { identity } }';
const TOO_OLD = 'A more recent authentication is required';
const TOO_WEAK = 'A stronger authentication is required';

/** A token as the demo mints it for `test` in session `sid`, authenticated `ageSeconds` ago with `acr`. */
function authenticatedAgo(ageSeconds: number, extra: Record<string, unknown> = {}): string {
  return forge(accessClaims({ auth_time: now() - ageSeconds, acr: 'pwd', amr: ['pwd'], ...extra }));
}

describe.each(ADAPTERS)('step-up (RFC 9470) on %s', (adapter) => {
  let demo: DemoProcess;
  let flask: DemoProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [demo, flask] = await Promise.all([
      DemoProcess.start({ HTTP_ADAPTER: adapter, DEMO_TOTP_SECRET: TOTP_SECRET }),
      DemoProcess.start({
        HTTP_ADAPTER: adapter,
        DEMO_TOTP_SECRET: TOTP_SECRET,
        JWT_ERROR_FORMAT: 'flask',
        STEP_UP_MAX_AGE_SECONDS: '120',
      }),
    ]);
  }, startUpTimeout());
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([demo?.stop(), flask?.stop()]);
  });

  const http = () => request(demo.url);
  const stepUp = (token: string, body: Record<string, unknown>) =>
    http().post('/step-up').set(bearer(token)).send(body);
  const otp = () => generate({ secret: TOTP_SECRET });

  it('logs in with tokens carrying auth_time and acr "pwd", in both tokens', async () => {
    const { access, refresh } = await login(http());
    for (const token of [access, refresh]) {
      const claims = claimsOf(token);
      expect(claims.acr).toBe('pwd');
      expect(typeof claims.auth_time).toBe('number');
    }
  });

  it('GET /account/recent-auth: 200 { auth_time } within 300 s, else 401 with max_age=300', async () => {
    const { access } = await login(http());
    const res = await http().get('/account/recent-auth').set(bearer(access)).expect(200);
    expect(res.body).toEqual({ auth_time: claimsOf(access).auth_time });

    const old = await http()
      .get('/account/recent-auth')
      .set(bearer(authenticatedAgo(301)))
      .expect(401);
    expect(old.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: TOO_OLD,
      code: 'insufficient_user_authentication',
    });
    expect(old.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_user_authentication", error_description="${TOO_OLD}", max_age=300`,
    );
    // No auth_time at all proves nothing about when the user authenticated.
    const none = forge(accessClaims({ acr: 'mfa' }));
    expect((await http().get('/account/recent-auth').set(bearer(none)).expect(401)).body.code).toBe(
      'insufficient_user_authentication',
    );
    await http()
      .get('/account/recent-auth')
      .set(bearer(authenticatedAgo(299)))
      .expect(200);
  });

  it('POST /account/mfa-only: 401 with acr_values="mfa" for acr "pwd", 200 { done: true } after a step-up with OTP', async () => {
    const { access } = await login(http());
    const refused = await http().post('/account/mfa-only').set(bearer(access)).expect(401);
    expect(refused.body.code).toBe('insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_user_authentication", error_description="${TOO_WEAK}", acr_values="mfa"`,
    );

    const res = await stepUp(access, { password: 'test', otp: await otp() }).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'refresh_token']);
    const stepped = claimsOf(res.body.access_token);
    expect(stepped).toMatchObject({ acr: 'mfa', amr: ['pwd', 'otp'], sid: claimsOf(access).sid, fresh: true });
    expect(claimsOf(res.body.refresh_token)).toMatchObject({ acr: 'mfa', sid: claimsOf(access).sid });
    expect((await http().post('/account/mfa-only').set(bearer(res.body.access_token)).expect(200)).body).toEqual({
      done: true,
    });
  });

  it('a step-up gives a new auth_time, the same sid; with the password alone acr stays "pwd"', async () => {
    const { access } = await login(http());
    const { sid } = claimsOf(access);
    // The session's token, authenticated an hour ago: too old for /account/recent-auth.
    const old = authenticatedAgo(3600, { sid });
    await http().get('/account/recent-auth').set(bearer(old)).expect(401);

    const res = await stepUp(old, { password: 'test' }).expect(200);
    const claims = claimsOf(res.body.access_token);
    expect(claims).toMatchObject({ acr: 'pwd', sid });
    expect(claims.auth_time as number).toBeGreaterThan(claimsOf(old).auth_time as number);
    await http().get('/account/recent-auth').set(bearer(res.body.access_token)).expect(200);
    await http().post('/account/mfa-only').set(bearer(res.body.access_token)).expect(401);

    const mfa = await stepUp(old, { password: 'test', otp: await otp() }).expect(200);
    expect(claimsOf(mfa.body.access_token)).toMatchObject({ acr: 'mfa', sid });
    expect(claimsOf(mfa.body.access_token).auth_time as number).toBeGreaterThan(claimsOf(old).auth_time as number);
  });

  it('a wrong password or OTP is 401 invalid_credentials, and no token', async () => {
    const { access } = await login(http());
    const code = await otp();
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (const body of [
      { password: 'wrong' },
      { password: 'wrong', otp: code },
      { password: 'test', otp: wrongCode },
      { password: 'test', otp: 'abcdef' },
    ]) {
      const res = await stepUp(access, body).expect(401);
      expect(res.body.code).toBe('invalid_credentials');
      expect(res.body.access_token).toBeUndefined();
      expect(res.text).not.toContain('wrong');
    }
    expect((await stepUp(access, {}).expect(400)).body.code).toBe('validation_failed');
    await http().post('/step-up').send({ password: 'test' }).expect(401);
  });

  it('a refresh keeps the acr and auth_time of the session and never raises them', async () => {
    const { access, refresh } = await login(http());
    const fromLogin = (await http().post('/refresh').set(bearer(refresh)).expect(200)).body.access_token;
    expect(claimsOf(fromLogin)).toMatchObject({ acr: 'pwd', auth_time: claimsOf(access).auth_time, fresh: false });

    const old = authenticatedAgo(3600, { sid: claimsOf(access).sid });
    const stepped = (await stepUp(old, { password: 'test', otp: await otp() }).expect(200)).body;
    const refreshed = (await http().post('/refresh').set(bearer(stepped.refresh_token)).expect(200)).body.access_token;
    expect(claimsOf(refreshed)).toMatchObject({
      acr: 'mfa',
      auth_time: claimsOf(stepped.access_token).auth_time,
      sid: claimsOf(access).sid,
      fresh: false,
    });
    await http().post('/account/mfa-only').set(bearer(refreshed)).expect(200);
  });

  it('logging the session out ends the stepped-up tokens too', async () => {
    const { access } = await login(http());
    const stepped = (await stepUp(access, { password: 'test', otp: await otp() }).expect(200)).body;
    await http().post('/logout').set(bearer(access)).expect(200);
    expect((await http().post('/account/mfa-only').set(bearer(stepped.access_token)).expect(401)).body.code).toBe(
      'token_revoked',
    );
    await http().post('/refresh').set(bearer(stepped.refresh_token)).expect(401);
  });

  it('a revoked token is told so, never to step up', async () => {
    const { access } = await login(http());
    await http().post('/logout').set(bearer(access)).expect(200);
    expect((await http().post('/account/mfa-only').set(bearer(access)).expect(401)).body.code).toBe('token_revoked');
  });

  it('GraphQL: mfaOnlyAction is FORBIDDEN insufficient_user_authentication for acr "pwd", runs for "mfa"', async () => {
    const { access } = await login(http());
    const refused = await graphql(demo.url, MFA_ONLY, `Bearer ${access}`);
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      authCode: 'insufficient_user_authentication',
    });
    const stepped = (await stepUp(access, { password: 'test', otp: await otp() }).expect(200)).body.access_token;
    expect((await graphql(demo.url, MFA_ONLY, `Bearer ${stepped}`)).data).toEqual({
      mfaOnlyAction: { identity: 'test' },
    });
  });

  it('socket.io: mfaOnly is an exception event for acr "pwd", acknowledged for "mfa"', async () => {
    const { access } = await login(http());
    const open = async (token: string) => {
      const handshake = await connectSocket(demo.url, { token });
      if ('error' in handshake) throw new Error(`handshake refused: ${JSON.stringify(handshake.error.data)}`);
      sockets.push(handshake.socket);
      return handshake.socket;
    };
    const weak = await open(access);
    const exception = new Promise((resolve) => weak.once('exception', resolve));
    weak.emit('mfaOnly', {});
    expect(await exception).toEqual({ status: 'error', code: 'insufficient_user_authentication', message: TOO_WEAK });

    const stepped = (await stepUp(access, { password: 'test', otp: await otp() }).expect(200)).body.access_token;
    const strong = await open(stepped);
    expect(await strong.timeout(5000).emitWithAck('mfaOnly', {})).toEqual({ identity: 'test' });
  });

  it('answers in the Flask format too, with the challenge, and max_age from STEP_UP_MAX_AGE_SECONDS', async () => {
    const { access } = await login(request(flask.url));
    const weak = await request(flask.url).post('/account/mfa-only').set(bearer(access)).expect(401);
    expect(weak.body).toEqual({ msg: TOO_WEAK });
    expect(weak.headers['www-authenticate']).toContain('acr_values="mfa"');
    const old = await request(flask.url)
      .get('/account/recent-auth')
      .set(bearer(authenticatedAgo(121)))
      .expect(401);
    expect(old.body).toEqual({ msg: TOO_OLD });
    expect(old.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_user_authentication", error_description="${TOO_OLD}", max_age=120`,
    );
    await request(flask.url)
      .get('/account/recent-auth')
      .set(bearer(authenticatedAgo(119)))
      .expect(200);
  });
});

const describeRedis = await describeWithRedis();
const rotationPrefix = uniquePrefix('step-up-rotation');

describeRedis.each(ADAPTERS)('step-up with refresh-token rotation on Redis, %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = {
      HTTP_ADAPTER: adapter,
      DEMO_TOTP_SECRET: TOTP_SECRET,
      JWT_ROTATE_REFRESH_TOKENS: 'true',
      REDIS_URL,
      REDIS_KEY_PREFIX: `${rotationPrefix}${adapter}:`,
    };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(rotationPrefix);
  });

  const otp = () => generate({ secret: TOTP_SECRET });

  it('answers both tokens; the new refresh token rotates on another instance, the replaced one is a reuse', async () => {
    const { access, refresh } = await login(request(a.url));
    const stepped = (
      await request(a.url)
        .post('/step-up')
        .set(bearer(access))
        .send({ password: 'test', otp: await otp() })
        .expect(200)
    ).body;
    expect(Object.keys(stepped).sort()).toEqual(['access_token', 'refresh_token']);
    expect(claimsOf(stepped.refresh_token)).toMatchObject({ acr: 'mfa', sid: claimsOf(access).sid, type: 'refresh' });

    const rotated = (await request(b.url).post('/refresh').set(bearer(stepped.refresh_token)).expect(200)).body;
    expect(claimsOf(rotated.access_token)).toMatchObject({ acr: 'mfa', sid: claimsOf(access).sid });
    expect(typeof rotated.refresh_token).toBe('string');

    // The login's refresh token was replaced: presenting it is reuse, and the whole session ends.
    const reused = await request(a.url).post('/refresh').set(bearer(refresh)).expect(401);
    expect(reused.body.code).toBe('refresh_token_reused');
    await request(b.url).post('/refresh').set(bearer(rotated.refresh_token)).expect(401);
  });

  it('refuses to step up a session that was logged out, with no token', async () => {
    const { access } = await login(request(a.url));
    await request(b.url).post('/logout').set(bearer(access)).expect(200);
    const res = await request(a.url).post('/step-up').set(bearer(access)).send({ password: 'test' }).expect(401);
    expect(res.body.code).toBe('token_revoked');
    expect(res.body.access_token).toBeUndefined();
  });
});

describe('step-up configuration', () => {
  it(
    'stops the demo naming DEMO_TOTP_SECRET or STEP_UP_MAX_AGE_SECONDS when they are bad',
    async () => {
      await expect(DemoProcess.start({ DEMO_TOTP_SECRET: 'JBSWY3DP' })).rejects.toThrow(/DEMO_TOTP_SECRET/);
      await expect(DemoProcess.start({ STEP_UP_MAX_AGE_SECONDS: '0' })).rejects.toThrow(/STEP_UP_MAX_AGE_SECONDS/);
    },
    startUpTimeout(2),
  );
});
