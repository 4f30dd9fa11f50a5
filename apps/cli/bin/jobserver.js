#!/usr/bin/env node
// The `jobserver` command (npx jobserver in this repository): the built CLI.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../dist/main.js');
