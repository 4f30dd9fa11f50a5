import { readdirSync, readFileSync } from 'node:fs';

/** The process group of a process (`/proc/<pid>/stat`), undefined when it cannot be read. */
function processGroupOf(pid: number | 'self'): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs every other process of this process's group when this process leads it (a context
 * worker its launcher spawned detached): what the context's jobs spawned ends with the context.
 * Linux only (procfs); elsewhere the launcher's group kill after the worker's exit does it.
 */
export function killRestOfProcessGroup(): void {
  if (processGroupOf('self') !== process.pid) return;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || processGroupOf(pid) !== process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
