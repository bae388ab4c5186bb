// ESLint flat config. `npm run lint` runs it; `npm test` runs it first (see the pretest script).
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'results/', 'test/fixtures/bad/'] },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses the modules an import names to follow the graph; it must know they are TypeScript.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // NodeNext: `import './x.js'` names ./x.ts; the TypeScript resolver maps it as tsc does.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      // A cycle between modules makes the order of their top-level code depend on which one is loaded first.
      // Type-only imports (`import type`) vanish at compile time and are not counted.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // The model must be deterministic: randomness comes from seeded streams and time from the virtual clock.
  // Only the CLI (and bench/, outside src/) may read the wall clock.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use a seeded stream (src/engine/rng.ts) so runs are reproducible.' },
        { object: 'Date', property: 'now', message: 'Use the virtual clock; only src/cli may read the wall clock.' },
        { object: 'performance', property: 'now', message: 'Use the virtual clock; only src/cli may read the wall clock.' },
      ],
    },
  },
);
