import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const swcPlugin = () =>
  swc.vite({
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
  });

// Unit and integration tests import libs from source; e2e tests start the built apps.
// The subpaths (`@jobserver/protocol/redis`, `@jobserver/persistence/nest`, `/core`) come first: their package would match them as a prefix.
const alias = Object.fromEntries([
  ['@jobserver/protocol/redis', new URL('./libs/protocol/src/redis.ts', import.meta.url).pathname],
  ['@jobserver/persistence/nest', new URL('./libs/persistence/src/nest.ts', import.meta.url).pathname],
  ['@jobserver/persistence/core', new URL('./libs/persistence/src/core.ts', import.meta.url).pathname],
  ...['api', 'protocol', 'config', 'persistence', 'bundle', 'client'].map((lib) => [
    `@jobserver/${lib}`,
    new URL(`./libs/${lib}/src/index.ts`, import.meta.url).pathname,
  ]),
]);

export default defineConfig({
  plugins: [swcPlugin()],
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{apps,libs,examples,deploy}/**/*.spec.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['{apps,libs}/**/*.int-spec.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/*/test/**/*.e2e-spec.ts', 'libs/*/test/**/*.e2e-spec.ts', 'test/**/*.e2e-spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
