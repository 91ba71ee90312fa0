import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { AuthModuleOptions, JwtAlgorithm, VerificationKeyOptions } from 'nest-jwt-extended';
import type { DemoEnv } from './demo-env.js';

type KeyOptions = Pick<
  AuthModuleOptions,
  'algorithm' | 'secret' | 'privateKey' | 'publicKey' | 'kid' | 'verificationKeys'
>;

/**
 * The signing and verification keys from the environment. The library checks them at start-up (size, type, curve,
 * that the public key matches the private one) and stops the app with the option at fault named.
 */
export function keyOptionsFromEnv(config: ConfigService<DemoEnv, true>): KeyOptions {
  const algorithm = config.get('JWT_ALGORITHM', { infer: true });
  // `|| undefined`: a variable left blank (KEY= in a .env template) means unset.
  const kid = config.get('JWT_KID', { infer: true }) || undefined;
  const verificationKeys = verificationKeysOf(config.get('JWT_VERIFICATION_KEYS', { infer: true }));
  if (algorithm.startsWith('HS')) {
    return {
      algorithm,
      kid,
      verificationKeys,
      secret: config.get('JWT_SECRET_KEY', { infer: true }) || randomSecret(),
    };
  }
  const publicKey = config.get('JWT_PUBLIC_KEY', { infer: true }) || undefined;
  const privateKey = config.get('JWT_PRIVATE_KEY', { infer: true }) || undefined;
  if (privateKey) return { algorithm, kid, verificationKeys, privateKey, publicKey };
  if (publicKey) throw new Error('Invalid environment: JWT_PUBLIC_KEY needs JWT_PRIVATE_KEY (the demo issues tokens)');
  return { algorithm, kid, verificationKeys, privateKey: randomPrivateKey(algorithm) };
}

function verificationKeysOf(json: string | undefined): VerificationKeyOptions[] | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as VerificationKeyOptions[];
  } catch {
    throw new Error('Invalid environment: JWT_VERIFICATION_KEYS must be a JSON array of {"kid","key"}');
  }
}

function randomSecret(): string {
  new Logger('Demo').warn('JWT_SECRET_KEY is not set: using a random secret, so tokens will not survive a restart');
  return randomBytes(32).toString('base64url');
}

function randomPrivateKey(algorithm: JwtAlgorithm) {
  new Logger('Demo').warn(
    `JWT_PRIVATE_KEY is not set: using a random ${algorithm} key pair, so tokens will not survive a restart`,
  );
  if (algorithm === 'EdDSA') return generateKeyPairSync('ed25519').privateKey;
  if (algorithm.startsWith('ES')) {
    const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[algorithm as 'ES256' | 'ES384' | 'ES512'];
    return generateKeyPairSync('ec', { namedCurve }).privateKey;
  }
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}
