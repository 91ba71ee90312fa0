import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * Hand-made DPoP proofs, for what no well-behaved client library would ever send: a private or symmetric `jwk`,
 * `alg: none`, HS256, a wrong `typ`, ill-typed claims. Well-formed proofs in tests come from `dpop` (dpop-client.ts).
 */
export class ProofForge {
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.jwk = publicKey.export({ format: 'jwk' });
  }

  /** The usual header and claims for `method` on `url` with `token`, then `header` and `claims` laid over them. */
  proof(
    url: string,
    method: string,
    token: string | undefined,
    header: Record<string, unknown> = {},
    claims: Record<string, unknown> = {},
  ): string {
    return this.sign(
      { typ: 'dpop+jwt', alg: 'ES256', jwk: this.jwk, ...header },
      {
        jti: crypto.randomUUID(),
        htm: method,
        htu: url,
        iat: Math.floor(Date.now() / 1000),
        ...(token !== undefined && { ath: createHash('sha256').update(token).digest('base64url') }),
        ...claims,
      },
    );
  }

  /** Header and payload as given (`undefined` members dropped by JSON), signed ES256 with this key. */
  sign(header: object, claims: object): string {
    const input = `${segment(header)}.${segment(claims)}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}

export const segment = (value: object | string): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
