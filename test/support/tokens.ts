import type { HttpClient } from './demo-server.js';

/** The two tokens of one login. */
export interface Login {
  access: string;
  refresh: string;
}

/** Logs in through POST /login. */
export async function login(http: HttpClient, username = 'test', password = 'test'): Promise<Login> {
  const res = await http.post('/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { access: res.body.access_token, refresh: res.body.refresh_token };
}

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The payload of a JWT, unverified. */
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
