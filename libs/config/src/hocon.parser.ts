import { ConfigParseError, parseErrorAt } from './config-parse.error';
import { HoconLexer, type Token, type TokenKind } from './hocon.lexer';

type Obj = Record<string, unknown>;
/** One piece of a value concatenation (`a b "c"`, `{…} {…}`, `[…] […]`). */
type Part = { kind: 'string'; text: string; quoted: boolean } | { kind: 'object'; value: Obj } | { kind: 'array'; value: unknown[] };

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };
const VALUE_END = new Set<TokenKind>([',', 'newline', '}', ']', 'eof', '=', ':', '+=']);

/** The error of a config that nests deeper than `maxDepth`. */
export const depthError = (maxDepth: number) =>
  new ConfigParseError(`it nests deeper than config-max-depth (${maxDepth})`);

/**
 * Parses our HOCON subset (Typesafe Config syntax, values only) into plain JSON-like data.
 * Depth is counted in objects and arrays, the root being 1; dotted keys count their segments.
 * Recursion is bounded by `maxDepth`, so the stack cannot overflow.
 * @throws ConfigParseError naming line and column, or the depth limit
 */
export function parseHocon(text: string, maxDepth: number): unknown {
  return new HoconParser(text, maxDepth).root();
}

class HoconParser {
  private readonly lexer: HoconLexer;
  private tok: Token;

  constructor(
    text: string,
    private readonly maxDepth: number,
  ) {
    this.lexer = new HoconLexer(text);
    this.tok = this.lexer.next();
  }

  root(): unknown {
    this.skip(true);
    if (this.kind() === '[') throw new ConfigParseError('the config is not an object');
    if (this.kind() !== '{') return this.fields({}, 1, 'eof');
    const value = this.object(1);
    this.skip(true);
    if (this.kind() !== 'eof') throw this.error(`unexpected ${describe(this.tok)} after the root object`);
    return value;
  }

  /** The current token's kind (a call, so that TypeScript does not narrow it across advance()). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private advance(): void {
    this.tok = this.lexer.next();
  }

  private skip(newlines: boolean): void {
    while (this.kind() === 'space' || (newlines && this.kind() === 'newline')) this.advance();
  }

  private error(reason: string, at: Token = this.tok): ConfigParseError {
    return parseErrorAt(reason, at.line, at.column);
  }

  /** Fields up to `end` (`}` is consumed, eof is not), separated by commas or newlines. */
  private fields(target: Obj, level: number, end: '}' | 'eof'): Obj {
    for (;;) {
      this.skip(true);
      if (this.kind() === end) break;
      if (this.kind() === 'eof') throw this.error('unclosed {: expected }');
      this.field(target, level);
      this.skip(false);
      if (this.kind() === ',') this.advance();
      else if (this.kind() !== 'newline' && this.kind() !== end && this.kind() !== 'eof') {
        throw this.error(`expected a comma or a newline, not ${describe(this.tok)}`);
      }
    }
    if (end === '}') this.advance();
    return target;
  }

  private field(target: Obj, level: number): void {
    const path = this.key();
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

  /** A key path (`a.b."c.d"`), up to its separator (`=`, `:`, `+=` or the `{` of `key { … }`). */
  private key(): string[] {
    const start = this.tok;
    if (start.kind === 'unquoted' && start.text === 'include') throw this.error('include is not allowed');
    const segments = [''];
    const quoted = [false];
    let pendingSpace = '';
    let any = false;
    for (;;) {
      const { kind, text } = this.tok;
      if (kind === '=' || kind === ':' || kind === '+=' || kind === '{') break;
      if (kind === 'space') pendingSpace += text;
      else if (kind === 'quoted' || kind === 'unquoted') {
        if (any) segments[segments.length - 1] += pendingSpace;
        pendingSpace = '';
        any = true;
        if (kind === 'quoted') {
          segments[segments.length - 1] += text;
          quoted[quoted.length - 1] = true;
        } else {
          const [first, ...rest] = text.split('.');
          segments[segments.length - 1] += first;
          for (const piece of rest) {
            segments.push(piece);
            quoted.push(false);
          }
        }
      } else if (!any) throw this.error(`expected a key, not ${describe(this.tok)}`);
      else throw this.error(`expected = or : after the key, not ${describe(this.tok)}`);
      this.advance();
    }
    if (!any) throw this.error('expected a key', start);
    if (segments.some((s, i) => s === '' && !quoted[i])) throw this.error('empty segment in key path', start);
    return segments;
  }

  /** A value, or a concatenation of values, on the current line; containers open at `level`. */
  private value(level: number): unknown {
    const start = this.tok;
    const parts: Part[] = [];
    let pendingSpace = '';
    while (!VALUE_END.has(this.kind())) {
      const { kind, text } = this.tok;
      if (kind === 'space') {
        pendingSpace += text;
        this.advance();
        continue;
      }
      if (kind === '{') parts.push({ kind: 'object', value: this.object(level) });
      else if (kind === '[') parts.push({ kind: 'array', value: this.array(level) });
      else {
        const last = parts[parts.length - 1];
        if (last?.kind === 'string') parts.push({ kind: 'string', text: pendingSpace, quoted: true });
        parts.push({ kind: 'string', text, quoted: kind === 'quoted' });
        this.advance();
      }
      pendingSpace = '';
    }
    if (parts.length === 0) throw this.error(`expected a value, not ${describe(this.tok)}`);
    return concatenate(parts, () => this.error('cannot concatenate objects, arrays and strings', start));
  }

  private object(level: number): Obj {
    if (level > this.maxDepth) throw depthError(this.maxDepth);
    this.advance();
    return this.fields({}, level, '}');
  }

  private array(level: number): unknown[] {
    if (level > this.maxDepth) throw depthError(this.maxDepth);
    const open = this.tok;
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
        throw this.error(`expected a comma or a newline, not ${describe(this.tok)}`);
      }
    }
    this.advance();
    return items;
  }
}

function concatenate(parts: Part[], mixed: () => Error): unknown {
  const kind = parts[0].kind;
  if (parts.some((p) => p.kind !== kind)) throw mixed();
  if (kind === 'object') {
    const merged: Obj = {};
    for (const part of parts as Array<{ value: Obj }>) mergeInto(merged, part.value);
    return merged;
  }
  if (kind === 'array') return (parts as Array<{ value: unknown[] }>).flatMap((p) => p.value);
  const strings = parts as Array<{ text: string; quoted: boolean }>;
  if (strings.length === 1 && !strings[0].quoted) return literal(strings[0].text);
  return strings.map((p) => p.text).join('');
}

/** An unquoted value on its own: a number, true, false, null, or else a string. */
function literal(text: string): unknown {
  if (NUMBER.test(text)) return Number(text);
  return Object.prototype.hasOwnProperty.call(LITERALS, text) ? LITERALS[text] : text;
}

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (target: Obj, key: string) =>
  Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;

/** Sets a key as JSON.parse would: `__proto__` becomes an own property, never the prototype. */
function define(target: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Sets `path` in `target`: objects merge with an earlier object, anything else replaces it. */
function assign(target: Obj, path: string[], value: unknown, append: boolean): void {
  let parent = target;
  for (const segment of path.slice(0, -1)) {
    const existing = own(parent, segment);
    if (isObject(existing)) {
      parent = existing;
    } else {
      const child: Obj = {};
      define(parent, segment, child);
      parent = child;
    }
  }
  const last = path[path.length - 1];
  const existing = own(parent, last);
  if (append && Array.isArray(existing)) existing.push(...(value as unknown[]));
  else if (append && existing !== undefined) throw new ConfigParseError(`+= on ${path.join('.')}, which is not an array`);
  else if (isObject(existing) && isObject(value)) mergeInto(existing, value);
  else define(parent, last, value);
}

function mergeInto(target: Obj, source: Obj): void {
  for (const key of Object.keys(source)) {
    const existing = own(target, key);
    const value = source[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value);
    else define(target, key, value);
  }
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the text';
  if (token.kind === 'newline') return 'a newline';
  return `'${token.text.slice(0, 20)}'`;
}
