// Lint is part of `make test`: type-checked rules, and floating promises are errors because an
// unawaited publish or reply is exactly how ordering bugs slip into a RES service.
// Svelte components (services/web/app) get the same type-checked rules through svelte-eslint-parser.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**', '.local/**', '.run/**', '**/dist/**', 'eslint.config.js',
      'services/web/build/**', 'services/web/build.*/**', 'services/web/.svelte-kit/**', 'services/web/static/**',
      'services/web/svelte.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      // The CLI's bin shims are plain JS outside tsconfig: linted with the default project.
      parserOptions: { projectService: { allowDefaultProject: ['tools/*/bin/*.js'] }, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // The browser app: browser globals; .svelte files parse their <script lang="ts"> with typescript-eslint.
    files: ['services/web/app/**/*.svelte', 'services/web/app/**/*.svelte.ts', 'services/web/app/**/*.ts'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { parser: tseslint.parser },
    },
    rules: {
      // The app is served at the root path (no kit.paths.base), so plain hrefs and goto() are exact.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
);
