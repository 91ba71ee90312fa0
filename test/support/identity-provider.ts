import { exportJWK, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import { JwksServer } from './jwks-server.js';

/** The algorithms the test identity provider signs with, as a partner's provider might (one key each). */
export type ProviderAlgorithm = 'RS256' | 'ES256';

/** What a minted access token carries, and how it is signed; defaults make a token the partner configuration takes. */
export interface ProviderTokenOptions {
  alg?: ProviderAlgorithm;
  sub?: string;
  iss?: string;
  aud?: string | string[];
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  scope?: string;
  /** Header `typ`; `null` for none. Default `at+jwt` (RFC 9068). */
  typ?: string | null;
  /** Header `kid`; default the key's own. */
  kid?: string;
  /** More claims (`scp`, `type`, ...). */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (under the kid given or the real key's kid). */
  unpublishedKey?: boolean;
}

/**
 * An identity provider under the test's control: RS256 and ES256 keys generated here, their public halves served as a
 * JWKS on loopback (JwksServer), and access tokens signed with jose as Keycloak, Auth0 or Entra ID would sign them:
 * `iss`, `aud`, `sub`, `exp`, `iat`, optionally `scope`, and no `type` claim.
 */
export class IdentityProvider {
  private constructor(
    readonly jwks: JwksServer,
    readonly issuer: string,
    readonly audience: string,
    private readonly keys: Record<ProviderAlgorithm, { kid: string; privateKey: CryptoKey }>,
    private readonly stranger: Record<ProviderAlgorithm, CryptoKey>,
  ) {}

  static async start(
    issuer = 'https://idp.partner.test/',
    audience = 'https://api.demo.test',
  ): Promise<IdentityProvider> {
    const keys = {} as Record<ProviderAlgorithm, { kid: string; privateKey: CryptoKey }>;
    const stranger = {} as Record<ProviderAlgorithm, CryptoKey>;
    const jwks = await JwksServer.start();
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const kid = `partner-${alg.toLowerCase()}`;
      keys[alg] = { kid, privateKey };
      jwks.keys.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
      stranger[alg] = (await generateKeyPair(alg)).privateKey;
    }
    return new IdentityProvider(jwks, issuer, audience, keys, stranger);
  }

  get jwksUrl(): string {
    return this.jwks.url;
  }

  /** An access token as the provider mints it, changed as `options` say. */
  async token(options: ProviderTokenOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const key = this.keys[alg];
    const now = Math.floor(Date.now() / 1000);
    const typ = options.typ === undefined ? 'at+jwt' : options.typ;
    const claims: Record<string, unknown> = {
      iss: options.iss ?? this.issuer,
      aud: options.aud ?? this.audience,
      sub: options.sub ?? 'partner-user',
      iat: now - 5,
      exp: now + (options.expiresIn ?? 300),
      ...(options.scope !== undefined && { scope: options.scope }),
      ...options.claims,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid: options.kid ?? key.kid, ...(typ !== null && { typ }) })
      .sign(options.unpublishedKey === true ? this.stranger[alg] : key.privateKey);
  }

  async stop(): Promise<void> {
    await this.jwks.stop();
  }
}
