// Type-aware lint for the library, the demo, the tests and the benches (typescript-eslint).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The library's layers, bottom first. A file imports only from its own layer or lower ones, types included: each
// feature declares the settings it reads, and options/ (above the features) composes them. No arrow runs back up.
const LAYERS = [
  [
    'errors',
    // Free functions that are no concept of the module (the clock in epoch seconds, a constant-time comparison).
    'util',
    'auth.constants',
    'auth.internal-constants',
    'auth-module-presence',
  ],
  ['jws'],
  ['keys'],
  // step-up/: the requirement @RequireAuth() writes and its check, beside the token policy that carries it;
  // throttling/ counts login attempts (its Redis store is built by revocation/redis on the revocation connection).
  ['tokens', 'request', 'events', 'step-up', 'throttling'],
  // dpop/ checks proofs and keeps the replay cache beside the revocation store (its Redis connection included).
  ['revocation', 'extractors', 'cookies', 'dpop'],
  // The one request pipeline (extract, verify, CSRF, revocation, verifyClaims, attach) every transport calls.
  ['verification'],
  // configurations/: named configurations (AuthModule.forRoot({ name })), their guards, decorators and module.
  ['context', 'guards', 'decorators', 'sessions', 'strategies', 'introspection', 'configurations'],
  // Above the features: each declares the settings it reads, and options/ composes them and resolves the user's input.
  ['options', 'auth.module-definition'],
  // openapi/ and routes/ (entry points of their own, over optional peers) read the guards' metadata and mount routes;
  // testing/: the nest-jwt-extended/testing entry (AuthTestingModule), and thrownBy for the unit specs.
  ['auth.module', 'index', 'redis', 'websockets', 'graphql', 'openapi', 'routes', 'testing'],
];
// A file in src/ itself names another top-level file or folder as './name'; a file in a folder, at any depth (so
// sub-folders such as revocation/redis/ too), as '../name', '../../name', ... Each layer row is checked both ways.
const escape = (name) => name.replaceAll('.', '\\.');
const layerRules = LAYERS.slice(0, -1).flatMap((names, level) => {
  const above = LAYERS.slice(level + 1).flat();
  const rule = (files, up) => ({
    files,
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^${up}(${above.map(escape).join('|')})(/|\\.js$)`,
              caseSensitive: true,
              allowTypeImports: false,
              message: `an import from a higher layer (layers, bottom first: ${LAYERS.map((l) => l.join(' ')).join(' | ')})`,
            },
          ],
        },
      ],
    },
  });
  return [
    rule(
      names.map((name) => `libs/auth/src/${name}.ts`),
      '\\./',
    ),
    rule(
      names.map((name) => `libs/auth/src/${name}/**/*.ts`),
      '(\\.\\./)+',
    ),
  ];
});

export default tseslint.config(
  // examples/consumer, and the consumer apps' own tests (examples/*/test, outside their tsconfig.json), are
  // type-checked strictly by the consumer test, against the packed library.
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/dist-test/',
      'coverage/',
      'bench/results/',
      'examples/consumer/',
      'examples/*/test/',
      '.doc-blocks/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Nest's decorators and framework types hand us `any` in many places; the compiler's strict mode guards the rest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // An async method that implements a Promise-returning interface turns a throw into a rejection: keep them.
      '@typescript-eslint/require-await': 'off',
      // HttpException.getStatus() is typed number; comparing it with HttpStatus is what Nest's own code does.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  ...layerRules,
  {
    // Specs hand methods to jest and to fake execution contexts.
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
