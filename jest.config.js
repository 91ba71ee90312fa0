/** Unit tests: specs beside the code, in libs/ and apps/. Native ESM, because Nest 12 is ESM-only. */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
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
};
