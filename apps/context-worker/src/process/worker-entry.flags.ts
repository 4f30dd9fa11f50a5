/** The worker reads its settings (a JSON object of env variables, one line) from stdin. */
export const CONFIG_STDIN_FLAG = '--config-stdin';
/** The worker's parent keeps stdin open while it lives: the worker exits when stdin closes. */
export const SUPERVISED_FLAG = '--supervised';

/**
 * Reads the first line of stdin as the worker's settings (what {@link loadServerConfig} reads
 * from an env), before anything else runs.
 */
export function readSettingsFromStdin(): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (line: string) => {
      process.stdin.off('data', onData).off('end', onEnd);
      process.stdin.pause();
      try {
        resolve(JSON.parse(line) as Record<string, string>);
      } catch (error) {
        reject(new Error(`${CONFIG_STDIN_FLAG}: stdin holds no settings object (${(error as Error).message})`));
      }
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) finish(text.slice(0, end));
    };
    const onEnd = () => finish(text);
    process.stdin.on('data', onData).once('end', onEnd);
  });
}
