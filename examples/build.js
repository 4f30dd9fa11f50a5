// Bundles the examples (and @jobserver/api's helpers) into one self-contained ES module.
const esbuild = require('esbuild');
const path = require('node:path');

const outfile = path.join(__dirname, 'dist', 'jobserver-examples.mjs');
esbuild
  .build({
    entryPoints: [path.join(__dirname, 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  })
  .then(() => console.log(`example bundle: ${outfile}`));
