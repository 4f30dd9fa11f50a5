import { parseErrorAt } from './config-parse.error';

export type TokenKind =
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | '='
  | '+='
  | 'newline'
  | 'space'
  | 'quoted'
  | 'unquoted'
  | 'eof';

/** One token; `text` is the decoded value of a quoted string, the raw text otherwise. */
export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

const PUNCTUATION = new Set(['{', '}', '[', ']', ',', ':', '=']);
/** Characters HOCON forbids in unquoted text (`|` too: it would be @pushcorn's transform syntax). */
const FORBIDDEN = new Set(['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\', '|']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A number up to its exponent's `e`: the `+` after it belongs to the number (`1e+21`). */
const EXPONENT = /^-?\d+(\.\d+)?[eE]$/;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isSpace = (c: string) =>
  c === ' ' || c === '\t' || c === '\r' || (c !== '\n' && (c < ' ' || c > '~') && /\s/.test(c));

/**
 * Splits HOCON text into tokens on demand, in one pass (linear time, no backtracking).
 * Comments (`#`, `//`) are dropped; a newline is a token because it separates fields.
 * @throws ConfigParseError naming line and column for anything outside our subset
 */
export class HoconLexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    const { text } = this;
    this.skipComment();
    if (this.pos >= text.length) return this.token('eof', '', this.pos);
    const start = this.pos;
    const c = text[start];
    if (c === '\n') {
      const token = this.token('newline', '\n', start);
      this.pos++;
      this.line++;
      this.lineStart = this.pos;
      return token;
    }
    if (isSpace(c)) {
      while (this.pos < text.length && isSpace(text[this.pos])) this.pos++;
      return this.token('space', text.slice(start, this.pos), start);
    }
    if (PUNCTUATION.has(c)) {
      this.pos++;
      return this.token(c as TokenKind, c, start);
    }
    if (c === '+' && text[start + 1] === '=') {
      this.pos += 2;
      return this.token('+=', '+=', start);
    }
    if (c === '"') return text.startsWith('"""', start) ? this.tripleQuoted() : this.quoted();
    if (FORBIDDEN.has(c)) throw this.refusal(c, start);
    return this.unquoted();
  }

  /** Skips a comment up to (not including) its newline. */
  private skipComment(): void {
    const { text } = this;
    if (text[this.pos] === '#' || text.startsWith('//', this.pos)) {
      const end = text.indexOf('\n', this.pos);
      this.pos = end === -1 ? text.length : end;
    }
  }

  private unquoted(): Token {
    const { text } = this;
    const start = this.pos;
    while (this.pos < text.length) {
      const c = text[this.pos];
      const exponentSign = c === '+' && EXPONENT.test(text.slice(start, this.pos)) && isDigit(text[this.pos + 1]);
      if (!exponentSign && (c === '\n' || FORBIDDEN.has(c) || isSpace(c) || (c === '/' && text[this.pos + 1] === '/'))) break;
      this.pos++;
    }
    return this.token('unquoted', text.slice(start, this.pos), start);
  }

  private quoted(): Token {
    const { text } = this;
    const start = this.pos++;
    const parts: string[] = [];
    let runStart = this.pos;
    for (;;) {
      const c = text[this.pos];
      if (c === undefined || c === '\n') throw this.errorAt('unterminated quoted string', start);
      if (c === '"') break;
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      parts.push(text.slice(runStart, this.pos));
      parts.push(this.escape());
      runStart = this.pos;
    }
    parts.push(text.slice(runStart, this.pos));
    this.pos++;
    return this.token('quoted', parts.join(''), start);
  }

  /** Decodes the JSON escape at `pos` (a backslash) and moves past it. */
  private escape(): string {
    const { text } = this;
    const c = text[this.pos + 1];
    if (c === 'u') {
      const hex = text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.errorAt('bad \\u escape in quoted string', this.pos);
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const decoded = c === undefined ? undefined : ESCAPES[c];
    if (decoded === undefined) throw this.errorAt('bad escape in quoted string', this.pos);
    this.pos += 2;
    return decoded;
  }

  /** `"""…"""`: raw text, newlines included; quotes just before the closing three belong to it. */
  private tripleQuoted(): Token {
    const { text } = this;
    const start = this.pos;
    let end = text.indexOf('"""', start + 3);
    if (end === -1) throw this.errorAt('unterminated """ string', start);
    while (text[end + 3] === '"') end++;
    const value = text.slice(start + 3, end);
    const token = this.token('quoted', value, start);
    for (let i = start; i < end; i++) {
      if (text[i] === '\n') {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.pos = end + 3;
    return token;
  }

  private refusal(c: string, at: number): Error {
    if (c === '$') return this.errorAt('substitutions (${…}) are not allowed', at);
    if (c === '|') return this.errorAt('`|` transforms are not allowed', at);
    return this.errorAt(`unexpected character '${c}'`, at);
  }

  private errorAt(reason: string, at: number): Error {
    return parseErrorAt(reason, this.line, at - this.lineStart + 1);
  }

  private token(kind: TokenKind, text: string, at: number): Token {
    return { kind, text, line: this.line, column: at - this.lineStart + 1 };
  }
}
