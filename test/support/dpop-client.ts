import { calculateThumbprint, generateKeyPair, generateProof, type JWSAlgorithm, type KeyPair } from 'dpop';

/**
 * A DPoP client as an application would write one: its key pair and its proofs come from `dpop` (panva), the
 * well-kept client library the docs recommend; nothing here signs by hand.
 */
export class DpopClient {
  private constructor(
    readonly keys: KeyPair,
    /** The RFC 7638 thumbprint of the public key, as `dpop` computes it: what `cnf.jkt` must hold. */
    readonly jkt: string,
  ) {}

  static async create(alg: JWSAlgorithm = 'ES256'): Promise<DpopClient> {
    const keys = await generateKeyPair(alg, { extractable: true });
    return new DpopClient(keys, await calculateThumbprint(keys.publicKey));
  }

  /** A fresh proof for `method` on `url` (query and fragment are the library's to drop), bound to `token` (`ath`). */
  proof(url: string, method: string, token?: string, nonce?: string): Promise<string> {
    return generateProof(this.keys, url.replace(/[?#].*$/, ''), method, nonce, token);
  }

  /** A proof whose `iat` lies `ageSeconds` in the past: made with the clock turned back, never by waiting. */
  async staleProof(url: string, method: string, token: string | undefined, ageSeconds: number): Promise<string> {
    const now = Date.now;
    Date.now = () => now() - ageSeconds * 1000;
    try {
      return await generateProof(this.keys, url, method, undefined, token);
    } finally {
      Date.now = now;
    }
  }
}

/** `Authorization: DPoP <token>` and its `DPoP` proof. */
export const dpopHeaders = (token: string, proof: string) => ({ Authorization: `DPoP ${token}`, DPoP: proof });
