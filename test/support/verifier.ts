import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { JwtAlgorithm, RemoteJwksOptions } from 'nest-jwt-extended';
import request from 'supertest';
import { verifyOnlyModule } from '../fixtures/verify-only.app.js';
import type { HttpClient } from './demo-server.js';

/** A verify-only fixture app listening on an ephemeral port. */
export interface Verifier {
  app: INestApplication;
  http: HttpClient;
  close(): Promise<void>;
}

/** Starts test/fixtures/verify-only.app.ts on `adapter`, trusting the JWKS at `jwks.uri`. */
export async function startVerifier(
  adapter: 'express' | 'fastify',
  jwks: RemoteJwksOptions,
  algorithm: JwtAlgorithm = 'ES256',
): Promise<Verifier> {
  const platform = adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(verifyOnlyModule(algorithm, jwks), platform, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
