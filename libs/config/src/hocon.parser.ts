import { ConfigParseError, parseErrorAt } from './config-parse.error';
import { HoconLexer, type Position, type TokenKind } from './hocon.lexer';
import { readPlainLines } from './hocon.plain-lines';
import { assign, mergeInto, parseLiteral, type Obj } from './hocon.values';

/** Tokens that end a value (anything else continues its concatenation). */
function endsValue(kind: TokenKind): boolean {
  switch (kind) {
    case ',':
    case 'newline':
    case '}':
    case ']':
    case 'eof':
    case '=':
    case ':':
    case '+=':
      return true;
    default:
      return false;
  }
}

/** The error of a config that nests deeper than `maxDepth`. */
export const depthError = (maxDepth: number) =>
  new ConfigParseError(`it nests deeper than config-max-depth (${maxDepth})`);

/**
 * Parses our HOCON subset (Typesafe Config syntax, values only) into plain JSON-like data.
 * Depth is counted in objects and arrays, the root being 1; dotted keys count their segments.
 * Recursion is bounded by `maxDepth`, so the stack cannot overflow.
 * @throws ConfigParseError naming line and column, or the depth limit
 */
export function parseHocon(text: string, maxDepth: number, plainLines = true): unknown {
  return new HoconParser(text, maxDepth, plainLines).root();
}


class HoconParser {
  private readonly tok: HoconLexer;

  constructor(
    text: string,
    private readonly maxDepth: number,
    /** Whether plain `key = value` lines take plainField's shortcut (off only to test it). */
    private readonly plainLines: boolean,
  ) {
    this.tok = new HoconLexer(text);
    this.tok.next();
  }

  root(): unknown {
    this.skip(true);
    if (this.kind() === '[') throw new ConfigParseError('the config is not an object');
    if (this.kind() !== '{') return this.fields({}, 1, 'eof');
    const value = this.object(1);
    this.skip(true);
    if (this.kind() !== 'eof') throw this.error(`unexpected ${this.describe()} after the root object`);
    return value;
  }

  /** The current token's kind (a call, so that TypeScript does not narrow it across advance()). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private advance(): void {
    this.tok.next();
  }

  private skip(newlines: boolean): void {
    while (this.kind() === 'space' || (newlines && this.kind() === 'newline')) this.advance();
  }

  private error(reason: string, at: Position = this.tok): ConfigParseError {
    return parseErrorAt(reason, at.line, at.column);
  }

  private describe(): string {
    const { kind, text } = this.tok;
    if (kind === 'eof') return 'the end of the text';
    if (kind === 'newline') return 'a newline';
    return `'${text.slice(0, 20)}'`;
  }

  /** Fields up to `end` (`}` is consumed, eof is not), separated by commas or newlines. */
  private fields(target: Obj, level: number, end: '}' | 'eof'): Obj {
    for (;;) {
      this.skip(true);
      if (this.kind() === end) break;
      if (this.kind() === 'eof') throw this.error('unclosed {: expected }');
      if (!(this.plainLines && this.kind() === 'unquoted' && this.plainFields(target, level))) this.field(target, level);
      this.skip(false);
      if (this.kind() === ',') this.advance();
      else if (this.kind() !== 'newline' && this.kind() !== end && this.kind() !== 'eof') {
        throw this.error(`expected a comma or a newline, not ${this.describe()}`);
      }
    }
    if (end === '}') this.advance();
    return target;
  }

  private field(target: Obj, level: number): void {
    const path = this.key(level);
    const separator = this.kind();
    if (separator !== '{') {
      this.advance();
      this.skip(true);
    }
    const valueLevel = level + path.length;
    if (valueLevel - 1 > this.maxDepth) throw depthError(this.maxDepth);
    if (separator === '+=') {
      if (valueLevel > this.maxDepth) throw depthError(this.maxDepth);
      assign(target, path, [this.value(valueLevel + 1)], true);
    } else {
      assign(target, path, this.value(valueLevel), false);
    }
  }

  /** Plain `key = words` lines at the current token, read by readPlainLines; false if none. */
  private plainFields(target: Obj, level: number): boolean {
    const run = readPlainLines(this.tok.source, this.tok.start, target, this.maxDepth - level);
    if (run === null) return false;
    this.tok.moveTo(run.end, run.lines, run.lineStart);
    return true;
  }

  /** A key path (`a.b."c.d"`), up to its separator (`=`, `:`, `+=` or the `{` of `key { … }`). */
  private key(level: number): string[] {
    const { line, column } = this.tok; // where errors point (no object per value)
    if (this.kind() === 'unquoted' && this.tok.text === 'include') throw this.error('include is not allowed');
    const segments = [''];
    let emptyUnquoted = false;
    let quotedLast = false;
    let pendingSpace = '';
    let any = false;
    for (let kind = this.kind(); kind !== '=' && kind !== ':' && kind !== '+=' && kind !== '{'; kind = this.kind()) {
      const { text } = this.tok;
      if (kind === 'space') pendingSpace += text;
      else if (kind === 'quoted' || kind === 'unquoted') {
        if (any) segments[segments.length - 1] += pendingSpace;
        pendingSpace = '';
        any = true;
        if (kind === 'quoted') {
          segments[segments.length - 1] += text;
          quotedLast = true;
        } else {
          let from = 0;
          for (let dot = text.indexOf('.'); dot !== -1; dot = text.indexOf('.', from)) {
            segments[segments.length - 1] += text.slice(from, dot);
            emptyUnquoted ||= segments[segments.length - 1] === '' && !quotedLast;
            segments.push('');
            quotedLast = false;
            from = dot + 1;
            // A path alone can nest: stop at the limit rather than split 100 000 segments.
            if (level + segments.length - 1 > this.maxDepth) throw depthError(this.maxDepth);
          }
          segments[segments.length - 1] += text.slice(from);
        }
      } else if (!any) throw this.error(`expected a key, not ${this.describe()}`);
      else throw this.error(`expected = or : after the key, not ${this.describe()}`);
      this.advance();
    }
    if (!any) throw this.error('expected a key', { line, column });
    emptyUnquoted ||= segments[segments.length - 1] === '' && !quotedLast;
    if (emptyUnquoted) throw this.error('empty segment in key path', { line, column });
    return segments;
  }

  /** A value, or a concatenation of values, on the current line; containers open at `level`. */
  private value(level: number): unknown {
    const { line, column } = this.tok; // where errors point (no object per value)
    let text: string | undefined;
    let literal = false;
    // While only unquoted text and whitespace are seen, the value is a slice of the source.
    let raw = true;
    let rawStart = -1;
    let previousEnd = -1;
    let containers: Array<Obj | unknown[]> | undefined;
    for (let kind = this.kind(); !endsValue(kind); kind = this.kind()) {
      if (kind === '{' || kind === '[') {
        (containers ??= []).push(kind === '{' ? this.object(level) : this.array(level));
        continue;
      }
      if (kind === 'unquoted' && raw) {
        literal = rawStart === -1;
        if (rawStart === -1) rawStart = this.tok.start;
      } else if (kind !== 'space') {
        // Only whitespace lies between two strings of one value (a comment or newline ends it).
        if (raw && rawStart !== -1) text = this.tok.slice(rawStart, previousEnd);
        const gap = text === undefined ? '' : this.tok.slice(previousEnd, this.tok.start);
        text = text === undefined ? this.tok.text : text + gap + this.tok.text;
        raw = false;
        literal = false;
      }
      if (kind !== 'space') previousEnd = this.tok.end;
      this.advance();
    }
    if (raw && rawStart !== -1) text = this.tok.slice(rawStart, previousEnd);
    if (containers && text !== undefined) throw this.error('cannot concatenate objects, arrays and strings', { line, column });
    if (containers) return concatenate(containers, () => this.error('cannot concatenate objects and arrays', { line, column }));
    if (text === undefined) throw this.error(`expected a value, not ${this.describe()}`);
    return literal ? parseLiteral(text) : text;
  }

  private object(level: number): Obj {
    if (level > this.maxDepth) throw depthError(this.maxDepth);
    this.advance();
    return this.fields({}, level, '}');
  }

  private array(level: number): unknown[] {
    if (level > this.maxDepth) throw depthError(this.maxDepth);
    const open = this.tok.position();
    this.advance();
    const items: unknown[] = [];
    for (;;) {
      this.skip(true);
      if (this.kind() === ']') break;
      if (this.kind() === 'eof') throw this.error('unclosed [: expected ]', open);
      items.push(this.value(level + 1));
      this.skip(false);
      if (this.kind() === ',') this.advance();
      else if (this.kind() !== 'newline' && this.kind() !== ']' && this.kind() !== 'eof') {
        throw this.error(`expected a comma or a newline, not ${this.describe()}`);
      }
    }
    this.advance();
    return items;
  }
}

function concatenate(parts: Array<Obj | unknown[]>, mixed: () => Error): Obj | unknown[] {
  if (parts.length === 1) return parts[0];
  if (parts.every(Array.isArray)) return (parts as unknown[][]).flat(1);
  if (parts.some(Array.isArray)) throw mixed();
  const merged: Obj = {};
  for (const part of parts as Obj[]) mergeInto(merged, part);
  return merged;
}
