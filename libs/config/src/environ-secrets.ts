import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

/** The server's secrets among environment variables: what `job-env` may not name, and libpq's password. */
export function isSecretEnvName(name: string): boolean {
  return name === 'DATABASE_URL' || name === 'REDIS_URL' || name === 'PGPASSWORD' || name.startsWith('JOBSERVER_');
}

/** `env_start` and `env_end` of /proc/<pid>/stat (fields 50 and 51, Linux 3.5+). */
function environBounds(): [number, number] | undefined {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  // Fields after the command's `(…)`, which may hold spaces, start with field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start ? [start, end] : undefined;
}

/**
 * Hides the values of the server's secrets from `/proc/<this pid>/environ`, which any process of
 * the same OS user can read: a job of a context worker this process launched found
 * DATABASE_URL there, in its parent's (the scheduler's) environment. Linux shows there the
 * environment block the process started with; each secret's value in it is overwritten with `*`
 * (through /proc/self/mem, which a process may write), after the variable was set again, so that
 * this process (`process.env`, and every child it spawns) keeps the real value in its own memory.
 * What other processes of the user can still read, the process's memory, is for `worker-user`
 * to close (docs/security.md).
 * @returns the names hidden; none where Linux does not allow it (another OS, a kernel that refuses writes to /proc/self/mem)
 */
export function hideSecretsFromEnviron(isSecret: (name: string) => boolean = isSecretEnvName): string[] {
  if (process.platform !== 'linux') return [];
  const names = Object.keys(process.env).filter(isSecret);
  if (names.length === 0) return [];
  try {
    const bounds = environBounds();
    if (!bounds) return [];
    // Copied off the startup block first: what is overwritten below is no longer what getenv reads.
    for (const name of names) process.env[name] = `${process.env[name]}`;
    const [start, end] = bounds;
    const block = Buffer.alloc(end - start);
    const fd = openSync('/proc/self/mem', 'r+');
    try {
      readSync(fd, block, 0, block.length, start);
      const hidden: string[] = [];
      for (let at = 0; at < block.length; ) {
        const nul = block.indexOf(0, at);
        const stop = nul === -1 ? block.length : nul;
        const equals = block.indexOf(0x3d, at);
        if (equals > at && equals < stop && isSecret(block.toString('latin1', at, equals))) {
          block.fill(0x2a, equals + 1, stop);
          hidden.push(block.toString('latin1', at, equals));
        }
        at = stop + 1;
      }
      if (hidden.length) writeSync(fd, block, 0, block.length, start);
      return hidden;
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}
