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

/** Where a token starts (1-based). */
export interface Position {
  line: number;
  column: number;
}

/** Single-character tokens by character code. */
const PUNCTUATION: Array<TokenKind | undefined> = [];
for (const c of ['{', '}', '[', ']', ',', ':', '='] as const) PUNCTUATION[c.charCodeAt(0)] = c;
/** Characters HOCON forbids in unquoted text (`|` too: it would be @pushcorn's transform syntax). */
const FORBIDDEN = new Set(['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\', '|']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A number up to its exponent's `e`: the `+` after it belongs to the number (`1e+21`). */
const EXPONENT = /^-?\d+(\.\d+)?[eE]$/;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isSpaceCode = (code: number) =>
  code === 32 || code === 9 || code === 13 || (code !== 10 && (code < 32 || code > 126) && /\s/.test(String.fromCharCode(code)));
/** ASCII codes that end unquoted text (whitespace, forbidden characters, `/` of a comment). */
const ENDS_UNQUOTED = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const c = String.fromCharCode(code);
  ENDS_UNQUOTED[code] = FORBIDDEN.has(c) || code === 10 || c === '/' || isSpaceCode(code) ? 1 : 0;
}
/** ASCII codes of whitespace other than the newline, and of the forbidden characters. */
const SPACE_ASCII = new Uint8Array(128);
const FORBIDDEN_ASCII = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  SPACE_ASCII[code] = code !== 10 && isSpaceCode(code) ? 1 : 0;
  FORBIDDEN_ASCII[code] = FORBIDDEN.has(String.fromCharCode(code)) ? 1 : 0;
}

/**
 * Splits HOCON text into tokens on demand, in one pass (linear time, no backtracking).
 * Comments (`#`, `//`) are dropped; a newline is a token because it separates fields.
 * The current token is this object's `kind`, `text`, `line` and `column` (no object per token:
 * a 1 MiB body has ~500 000 of them).
 * @throws ConfigParseError naming line and column for anything outside our subset
 */
export class HoconLexer {
  kind: TokenKind = 'eof';
  /** The decoded value of a quoted string, the raw text otherwise. */
  text = '';
  line = 1;
  column = 1;
  /** Offsets of the token in the source: [start, end). */
  start = 0;
  end = 0;
  private pos = 0;
  private currentLine = 1;
  private lineStart = 0;

  constructor(readonly source: string) {}

  /**
   * Continues at `pos`, reading the token there; `lines` newlines were passed since the current
   * token, the last one ending at `lineStart`.
   */
  moveTo(pos: number, lines = 0, lineStart = -1): void {
    if (lines > 0) {
      this.currentLine += lines;
      this.lineStart = lineStart;
    }
    this.pos = pos;
    this.next();
  }

  position(): Position {
    return { line: this.line, column: this.column };
  }

  /** Source text between two offsets (unquoted text and the whitespace between is kept verbatim). */
  slice(from: number, to: number): string {
    return this.source.slice(from, to);
  }

  next(): void {
    const text = this.source;
    let code = text.charCodeAt(this.pos);
    if (code === 35 /* # */ || (code === 47 /* / */ && text.charCodeAt(this.pos + 1) === 47)) {
      const end = text.indexOf('\n', this.pos);
      this.pos = end === -1 ? text.length : end;
      code = text.charCodeAt(this.pos);
    }
    const start = this.pos;
    if (start >= text.length) return this.token('eof', '', start);
    if (code === 10) {
      this.pos++;
      this.token('newline', '\n', start);
      this.currentLine++;
      this.lineStart = this.pos;
      return;
    }
    // Character classes by code, not by string: this runs once per token (~1M in a 1 MiB body).
    if (code < 128 ? SPACE_ASCII[code] === 1 : isSpaceCode(code)) {
      do this.pos++;
      while (this.pos < text.length && isSpaceCode(text.charCodeAt(this.pos)));
      return this.token('space', text.slice(start, this.pos), start);
    }
    if (code >= 128) return this.unquoted();
    const punctuation = PUNCTUATION[code];
    if (punctuation !== undefined) {
      this.pos++;
      return this.token(punctuation, punctuation, start);
    }
    if (code === 43 /* + */ && text.charCodeAt(start + 1) === 61 /* = */) {
      this.pos += 2;
      return this.token('+=', '+=', start);
    }
    if (code === 34 /* " */) return text.startsWith('"""', start) ? this.tripleQuoted() : this.quoted();
    if (FORBIDDEN_ASCII[code] === 1) throw this.refusal(text[start], start);
    return this.unquoted();
  }

  private unquoted(): void {
    const text = this.source;
    const start = this.pos;
    for (let pos = start; ; pos++) {
      const code = text.charCodeAt(pos);
      // NaN past the end; plain ASCII text is the hot path.
      if (code < 128 && ENDS_UNQUOTED[code] === 0) continue;
      if (code === 47 /* / */ && text.charCodeAt(pos + 1) !== 47) continue;
      if (code === 43 /* + */ && isDigit(text[pos + 1]) && EXPONENT.test(text.slice(start, pos))) continue;
      if (code >= 128 && !isSpaceCode(code)) continue;
      this.pos = pos;
      break;
    }
    return this.token('unquoted', text.slice(start, this.pos), start);
  }

  private quoted(): void {
    const text = this.source;
    const start = this.pos;
    let escapes = false;
    let end = start + 1;
    for (let code = text.charCodeAt(end); code !== 34 /* " */; code = text.charCodeAt(++end)) {
      if (code === 10 || Number.isNaN(code)) throw this.errorAt('unterminated quoted string', start);
      if (code === 92 /* \ */) {
        escapes = true;
        end++;
      }
    }
    this.pos = end + 1;
    if (!escapes) return this.token('quoted', text.slice(start + 1, end), start);
    let value: string | undefined;
    try {
      // JSON's escapes are HOCON's: the native decoder is the fast path.
      value = JSON.parse(text.slice(start, end + 1)) as string;
    } catch {
      value = this.decode(start + 1, end); // raw control characters, or a bad escape to report
    }
    return this.token('quoted', value, start);
  }

  /** Decodes a quoted string's text between two offsets, escape by escape. */
  private decode(from: number, to: number): string {
    const text = this.source;
    const parts: string[] = [];
    let runStart = from;
    this.pos = from;
    while (this.pos < to) {
      if (text.charCodeAt(this.pos) !== 92) {
        this.pos++;
        continue;
      }
      parts.push(text.slice(runStart, this.pos));
      parts.push(this.escape());
      runStart = this.pos;
    }
    parts.push(text.slice(runStart, to));
    this.pos = to + 1;
    return parts.join('');
  }

  /** Decodes the JSON escape at `pos` (a backslash) and moves past it. */
  private escape(): string {
    const text = this.source;
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
  private tripleQuoted(): void {
    const text = this.source;
    const start = this.pos;
    let end = text.indexOf('"""', start + 3);
    if (end === -1) throw this.errorAt('unterminated """ string', start);
    while (text[end + 3] === '"') end++;
    this.pos = end + 3;
    this.token('quoted', text.slice(start + 3, end), start);
    for (let i = start; i < end; i++) {
      if (text[i] === '\n') {
        this.currentLine++;
        this.lineStart = i + 1;
      }
    }
  }

  private refusal(c: string, at: number): Error {
    if (c === '$') return this.errorAt('substitutions (${…}) are not allowed', at);
    if (c === '|') return this.errorAt('`|` transforms are not allowed', at);
    return this.errorAt(`unexpected character '${c}'`, at);
  }

  private errorAt(reason: string, at: number): Error {
    return parseErrorAt(reason, this.currentLine, at - this.lineStart + 1);
  }

  private token(kind: TokenKind, text: string, at: number): void {
    this.kind = kind;
    this.text = text;
    this.line = this.currentLine;
    this.column = at - this.lineStart + 1;
    this.start = at;
    this.end = this.pos;
  }
}
