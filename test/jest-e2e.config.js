/** e2e tests: the demo app over HTTP, on Express and on Fastify. rootDir is the repository, so the alias maps as in jest.config.js. */
export default {
  rootDir: '..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^nest-jwt-extended$': '<rootDir>/libs/auth/src/index.ts',
    '^nest-jwt-extended/redis$': '<rootDir>/libs/auth/src/redis.ts',
    '^nest-jwt-extended/websockets$': '<rootDir>/libs/auth/src/websockets.ts',
    '^nest-jwt-extended/openapi$': '<rootDir>/libs/auth/src/openapi.ts',
    '^nest-jwt-extended/routes$': '<rootDir>/libs/auth/src/routes.ts',
    '^nest-jwt-extended/testing$': '<rootDir>/libs/auth/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30000,
};
