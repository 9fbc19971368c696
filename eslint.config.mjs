// Lint: typescript-eslint's recommended rules over src, bot, test, bench and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What node:crypto and Web Crypto draw random values with.
const randomNames = ['randomInt', 'randomBytes', 'randomUUID', 'randomFill', 'randomFillSync', 'getRandomValues'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tools/', 'coverage/', 'miniprogram/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
  },
  {
    // The mini-program's package is miniprogram/app alone: from the server's code it may take types only.
    files: ['miniprogram/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '**/bot/**'],
              allowTypeImports: true,
              message: 'The mini-program may only `import type` from src/shared/contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure rules draw no random numbers (STYLE.md §12); dependency-cruiser sees modules, not which names a
    // file takes from node:crypto, whose hashes and signatures rules do use.
    files: ['**/*-rules.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['crypto', 'node:crypto'].map((name) => ({
          name,
          importNames: randomNames,
          message: 'A *-rules.ts file is pure: take random values from the caller (a service) instead.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...[['Math', 'random'], ...randomNames.map((property) => ['crypto', property])].map(([object, property]) => ({
          object,
          property,
          message: 'A *-rules.ts file is pure: take random values from the caller.',
        })),
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
  },
);
