import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal; Enter, Ctrl-C, Ctrl-D and anything but y/yes are no.
 * `signal` withdraws the question (answering no).
 */
export async function askYesNo(question: string, signal?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const closed = new Promise<string>((resolve) => {
    rl.once('SIGINT', () => {
      process.stdout.write('\n');
      resolve('');
    });
    rl.once('close', () => resolve(''));
  });
  try {
    const answer = await Promise.race([rl.question(question, { signal }).catch(() => ''), closed]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    // readline put stdin in raw mode and made it flowing: give the terminal back, let the process exit.
    process.stdin.pause();
  }
}
