import type { JwtAlgorithm, RemoteJwksOptions } from 'nest-jwt-extended';
import { verifyOnlyModule } from '../fixtures/verify-only.app.js';
import { type DemoServer, startFixtureApp } from './demo-server.js';

/** A verify-only fixture app listening on an ephemeral port. */
export type Verifier = DemoServer;

/** Starts test/fixtures/verify-only.app.ts on `adapter`, trusting the JWKS at `jwks.uri`. */
export async function startVerifier(
  adapter: 'express' | 'fastify',
  jwks: RemoteJwksOptions,
  algorithm: JwtAlgorithm = 'ES256',
): Promise<Verifier> {
  return startFixtureApp(verifyOnlyModule(algorithm, jwks), adapter);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
