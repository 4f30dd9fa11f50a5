import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Writes `.gz` and `.br` beside every asset: the gateway serves them (@fastify/static `preCompressed`). */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    closeBundle() {
      const dir = path.resolve(__dirname, 'dist/assets');
      for (const name of readdirSync(dir).filter((n) => /\.(js|css)$/.test(n))) {
        const bytes = readFileSync(path.join(dir, name));
        writeFileSync(path.join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
        writeFileSync(path.join(dir, `${name}.br`), brotliCompressSync(bytes));
      }
    },
  };
}

// The gateway serves these files under /ui/ (a prefix no API route uses) and index.html at `/`.
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [precompress()],
});
