import { parse } from 'acorn';

/**
 * Whether `code` is a whole statement, or the user is still typing it (an open bracket, string,
 * template or comment): the parser fails at the very end of the input. Other syntax errors are
 * complete: the server answers them as Livy does (a SyntaxError output). Like node's REPL.
 */
export function isComplete(code: string): boolean {
  if (code.trim() === '') return true;
  if (/\\\s*$/.test(code)) return false;
  try {
    parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
    return true;
  } catch (error) {
    const pos = (error as { pos?: number }).pos;
    const message = (error as Error).message;
    if (/^Unterminated (string|template|comment|regular expression)/.test(message)) return false;
    return !(typeof pos === 'number' && pos >= code.trimEnd().length && /^Unexpected token/.test(message));
  }
}
