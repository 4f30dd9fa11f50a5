// ESLint flat config: TypeScript rules plus Nx module boundaries (DESIGN.md "Dependency rules").
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    { sourceTag: 'scope:api', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: ['scope:api'] },
    { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:bundle', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:protocol', 'scope:config'] },
    { sourceTag: 'scope:examples', onlyDependOnLibsWithTags: ['scope:api'] },
    // The client talks to the server over HTTP only: no server code in it (DESIGN.md "Client and CLI").
    { sourceTag: 'scope:client', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:client', 'scope:config'] },
    {
      sourceTag: 'scope:app',
      onlyDependOnLibsWithTags: ['scope:protocol', 'scope:persistence', 'scope:config', 'scope:bundle'],
    },
    {
      sourceTag: 'scope:worker',
      onlyDependOnLibsWithTags: ['scope:api', 'scope:protocol', 'scope:persistence', 'scope:config', 'scope:bundle'],
    },
    { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app'] },
  ],
};

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The context worker is built without Nest and TypeORM (its idle memory and boot time:
    // docs/performance-worker.md): its persistence is `@jobserver/persistence/core`.
    files: ['apps/context-worker/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@jobserver/persistence', message: 'The worker loads @jobserver/persistence/core (no TypeORM).' }],
          patterns: ['@nestjs/*', 'nestjs-pino', 'typeorm', '@jobserver/persistence/nest', 'class-validator', 'class-transformer'],
        },
      ],
    },
  },
  {
    // The executor thread runs user code: it may only use the job API and the protocol types.
    files: ['apps/context-worker/src/executor/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            'typeorm',
            'bullmq',
            'ioredis',
            'pg',
            '@jobserver/persistence',
            '@jobserver/config',
            '@jobserver/bundle',
            '@jobserver/protocol/redis',
          ],
        },
      ],
    },
  },
  {
    // Tests share the harness in test/support; boundaries are about production code.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**', '**/test/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/main.ts', 'scripts/**', '**/scripts/**', 'bench/**', '**/*.spec.ts', 'test/**', '**/test/**', '**/build.js', 'eslint.config.js'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
