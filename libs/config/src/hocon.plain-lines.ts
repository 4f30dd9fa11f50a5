import { assign, parseLiteral, type Obj } from './hocon.values';

/** ASCII codes of a plain key (dots apart) and of a plain value (blanks apart). */
const PLAIN_KEY = new Uint8Array(128);
const PLAIN_VALUE = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-') {
  PLAIN_KEY[c.charCodeAt(0)] = 1;
  PLAIN_VALUE[c.charCodeAt(0)] = 1;
}
PLAIN_VALUE[46 /* . */] = 1;
const DOT = 46;
const isBlank = (code: number) => code === 32 || code === 9;

/** Where a run of plain lines ends: its last newline or the end of the text, and the lines passed. */
export interface PlainRun {
  end: number;
  /** Newlines passed before `end`. */
  lines: number;
  /** Where the line of `end` starts (when `lines` > 0). */
  lineStart: number;
}

/**
 * The parser's shortcut for the commonest lines, `a.b = some plain words` up to a newline or the
 * end of the text: read straight from the source into `target`, not token by token (a 1 MiB
 * body of such lines is ~1M tokens), as many such lines in a row as there are. Keys of letters,
 * digits, `_-` and dots, values of those and blanks (spaces, tabs), nothing else: anything else
 * (quotes, comments, `+=`, braces, other whitespace, `include`, an empty path segment, a path
 * deeper than `depthLeft` segments beyond one) ends the run, for the token-by-token parser to read
 * or to refuse. The value is what that parser gives: the same text, the same literals.
 * @returns null, having consumed nothing, if the line at `start` is not plain
 */
export function readPlainLines(
  text: string,
  start: number,
  target: Obj,
  depthLeft: number,
): PlainRun | null {
  let end = plainLine(text, start, target, depthLeft);
  if (end === -1) return null;
  const run: PlainRun = { end, lines: 0, lineStart: -1 };
  while (end < text.length) {
    end = plainLine(text, end + 1, target, depthLeft);
    if (end === -1) break;
    run.lines++;
    run.lineStart = run.end + 1;
    run.end = end;
  }
  return run;
}

/** Reads the plain line at `pos` into `target`; where it ends, or -1 (nothing read) if it is not plain. */
function plainLine(text: string, pos: number, target: Obj, depthLeft: number): number {
  const keyStart = pos;
  let code = text.charCodeAt(pos);
  let dots = 0;
  for (; code < 128 && (PLAIN_KEY[code] === 1 || code === DOT); code = text.charCodeAt(++pos))
    if (code === DOT) dots++;
  const keyEnd = pos;
  if (keyEnd === keyStart) return -1;
  while (isBlank(code)) code = text.charCodeAt(++pos);
  if (code !== 61 /* = */ && code !== 58 /* : */) return -1;
  code = text.charCodeAt(++pos);
  while (isBlank(code)) code = text.charCodeAt(++pos);
  const valueStart = pos;
  let valueEnd = pos;
  for (; code < 128 && (PLAIN_VALUE[code] === 1 || isBlank(code)); code = text.charCodeAt(++pos)) {
    if (!isBlank(code)) valueEnd = pos + 1;
  }
  // A newline or the end of the text (NaN) must end the value: a comment, `,` or `}` is not plain.
  if ((code !== 10 && !Number.isNaN(code)) || valueEnd === valueStart) return -1;
  const key = text.slice(keyStart, keyEnd);
  if (key === 'include' || (dots > 0 && !isPlainPath(key, dots, depthLeft))) return -1;
  // Several words cannot be a number or a literal: parseLiteral leaves them a string.
  const value = parseLiteral(text.slice(valueStart, valueEnd));
  if (dots === 0 && key !== '__proto__')
    target[key] = value; // what assign() would do, without a path array
  else assign(target, dots === 0 ? [key] : key.split('.'), value, false);
  return pos;
}

/** A dotted key with no empty segment, whose value stays within the depth limit. */
function isPlainPath(key: string, dots: number, depthLeft: number): boolean {
  return (
    dots <= depthLeft &&
    key.charCodeAt(0) !== DOT &&
    key.charCodeAt(key.length - 1) !== DOT &&
    !key.includes('..')
  );
}
