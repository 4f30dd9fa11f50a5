#!/usr/bin/env node
// Prints the `password-hash` of a user of the server config (auth.users.<name>.password-hash):
//   npm run hash-password -- '<password>'     or, keeping it out of the shell history:
//   npm run --silent hash-password < password.txt
// The hash is `scrypt:<salt hex>:<key hex>`, the key being crypto.scryptSync(password, salt, 64).
'use strict';
const { randomBytes, scryptSync } = require('node:crypto');

function readStdin() {
  return require('node:fs').readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

const password = process.argv.length > 2 ? process.argv.slice(2).join(' ') : readStdin();
if (password === '') {
  console.error('hash-password: the password is empty');
  process.exit(1);
}
const salt = randomBytes(16);
console.log(`scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 64).toString('hex')}`);
