import { defineConfig } from 'vite';

// The gateway serves these files under /ui/ (a prefix no API route uses) and index.html at `/`.
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
