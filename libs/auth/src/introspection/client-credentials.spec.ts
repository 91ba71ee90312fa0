import { describe, expect, it } from '@jest/globals';
import { authenticateClient } from './client-credentials.js';

const CLIENTS = new Map([
  ['gateway', 'gw-secret'],
  ['billing', 'b:pass with spaces'],
]);
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('authenticateClient', () => {
  it('proves a client by id and secret, form-encoded or not, any scheme casing', () => {
    expect(authenticateClient(basic('gateway:gw-secret'), CLIENTS)).toBe('gateway');
    expect(authenticateClient(basic('billing:b%3Apass+with+spaces'), CLIENTS)).toBe('billing');
    expect(authenticateClient(basic('billing:b:pass with spaces'), CLIENTS)).toBe('billing');
    expect(authenticateClient(`basic ${Buffer.from('gateway:gw-secret').toString('base64')}`, CLIENTS)).toBe('gateway');
  });

  it.each([
    undefined,
    42,
    '',
    'Basic',
    'Basic !!!',
    'Bearer abc',
    basic('gateway'),
    basic(':gw-secret'),
    basic('gateway:gw-secre'),
    basic('gateway:gw-secret '),
    basic('nobody:gw-secret'),
    basic('gateway:%E0%A4%A'),
    `Basic ${'A'.repeat(4000)}`,
  ])('refuses %j', (authorization) => {
    expect(authenticateClient(authorization, CLIENTS)).toBeUndefined();
  });

  it('refuses everyone when no client is configured', () => {
    expect(authenticateClient(basic('gateway:gw-secret'), new Map())).toBeUndefined();
  });
});
