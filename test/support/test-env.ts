/** The secret the e2e apps run with, so tests can forge tokens the way an attacker with the key could. */
export const TEST_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

/** Both platforms every e2e suite runs on. */
export const ADAPTERS = ['express', 'fastify'] as const;
