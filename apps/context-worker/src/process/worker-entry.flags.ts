/** The worker reads its settings (a JSON object of env variables, one line) from stdin. */
export const CONFIG_STDIN_FLAG = '--config-stdin';
/** The worker's parent keeps stdin open while it lives: the worker exits when stdin closes. */
export const SUPERVISED_FLAG = '--supervised';
/**
 * A spare: after its settings, the worker boots and waits for a second stdin line, the JSON
 * `{"contextId", "context"}` of the context to host (local launcher's `spare-workers`); stdin closing
 * first (the scheduler is gone or retires it) ends it.
 */
export const SPARE_FLAG = '--spare';

/**
 * Reads the first line of stdin as the worker's settings (what {@link loadServerConfig} reads
 * from an env), before anything else runs.
 */
export async function readSettingsFromStdin(): Promise<Record<string, string>> {
  const line = await stdinLines.next();
  try {
    return JSON.parse(line ?? '') as Record<string, string>;
  } catch (error) {
    throw new Error(`${CONFIG_STDIN_FLAG}: stdin holds no settings object (${(error as Error).message})`);
  }
}

/** What a spare is told to host: a context's id and, from a local launcher, its record (as JSON). */
export interface Assignment {
  contextId: string;
  context?: unknown;
}

/**
 * A spare's assignment, from the line after the settings; null when stdin ends without one (the
 * spare is to exit).
 * @throws Error for a line that is not `{"contextId": "<id>", "context"?: {…}}`
 */
export async function readAssignmentFromStdin(): Promise<Assignment | null> {
  const line = await stdinLines.next();
  if (line === null || line.trim() === '') return null;
  const assignment = JSON.parse(line) as { contextId?: unknown; context?: unknown };
  if (typeof assignment.contextId !== 'string') throw new Error(`${SPARE_FLAG}: stdin line holds no contextId`);
  return { contextId: assignment.contextId, context: assignment.context };
}

/** Lines of stdin, read one at a time (stdin paused in between); null once it has ended. */
const stdinLines = {
  buffered: '',
  ended: false,
  next(): Promise<string | null> {
    return new Promise((resolve) => {
      const take = (): boolean => {
        const end = this.buffered.indexOf('\n');
        if (end < 0 && !this.ended) return false;
        const line = end < 0 ? this.buffered : this.buffered.slice(0, end);
        this.buffered = end < 0 ? '' : this.buffered.slice(end + 1);
        process.stdin.off('data', onData).off('end', onEnd);
        process.stdin.pause();
        resolve(end < 0 && line === '' ? null : line);
        return true;
      };
      const onData = (chunk: Buffer) => {
        this.buffered += chunk.toString('utf8');
        take();
      };
      const onEnd = () => {
        this.ended = true;
        take();
      };
      if (take()) return;
      process.stdin.on('data', onData).once('end', onEnd);
      process.stdin.resume();
    });
  },
};
