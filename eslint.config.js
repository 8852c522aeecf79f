// Lint rules, including the dependency rule of the microkernel (docs/adr/001-microkernel.md):
// contracts ← kernel ← plugins / server, contracts ← web; nothing imports apps/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const appsByPath = {
  regex: '^(\\.{1,2}/)+(.*/)?apps/',
  message: 'Nothing imports apps/: share code through libs/contracts or libs/kernel.',
};
const hostFrameworks = [
  { group: ['@nestjs/*', 'typeorm', 'typeorm/*'], message: 'Only apps/server may use Nest or TypeORM.' },
  { group: ['@angular/*'], message: 'Only apps/web may use Angular.' },
  { group: ['socket.io', 'socket.io-client', '@socket.io/*'], message: 'Only the apps speak Socket.IO.' },
];
const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'data/**', '**/.angular/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrict(appsByPath),
    },
  },
  {
    // Nest resolves constructor parameters from decorator metadata: those imports are values.
    files: ['apps/server/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  {
    // Code that runs in the page (playwright's evaluate callbacks, the console itself).
    files: ['bench/console.bench.mjs', 'test/browser/**/*.ts', 'apps/web/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Cross-package tests and benchmarks start the real server: they may import apps/.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '^[^.]', message: 'libs/contracts has no runtime dependencies: relative imports only.' },
        appsByPath,
      ),
    },
  },
  {
    files: ['libs/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(...hostFrameworks, appsByPath, {
        regex: '^(\\.{1,2}/)+(.*/)?plugins/',
        message: 'The kernel never imports a plugin; plugins are discovered.',
      }),
    },
  },
  {
    files: ['plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ...hostFrameworks,
        appsByPath,
        {
          regex: '^(\\.{1,2}/)+(.*/)?(libs|plugins)/',
          message: 'Plugins import the host only as @nomaflow/contracts and @nomaflow/kernel.',
        },
        {
          group: ['@nomaflow/*', '!@nomaflow/contracts', '!@nomaflow/kernel', '!@nomaflow/kernel/testing'],
          message: 'Plugins import the host only as @nomaflow/contracts and @nomaflow/kernel.',
        },
      ),
    },
  },
  {
    files: ['apps/web/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        {
          group: ['@nestjs/*', 'typeorm', 'typeorm/*', '@nomaflow/kernel', '@nomaflow/kernel/*'],
          message:
            'The console talks to the server over HTTP and Socket.IO with types from @nomaflow/contracts.',
        },
        { regex: '^(\\.{1,2}/)+(.*/)?server/', message: 'The console never imports server code.' },
      ),
    },
  },
);
