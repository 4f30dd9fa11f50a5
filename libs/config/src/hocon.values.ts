import { ConfigParseError } from './config-parse.error';

/** A parsed object. */
export type Obj = Record<string, unknown>;

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };

/** Whether `text` from `from` on is digits without a leading zero: NUMBER's commonest case, without a regexp. */
function isInteger(text: string, from: number): boolean {
  if (from >= text.length) return false;
  if (text.charCodeAt(from) === 48 /* 0 */) return text.length === from + 1;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** An unquoted value on its own: a number, true, false, null, or else a string. */
export function parseLiteral(text: string): unknown {
  const first = text.charCodeAt(0);
  if (text.length === 1 && first >= 48 && first <= 57) return first - 48;
  if (first === 45 /* - */ || (first >= 48 && first <= 57)) {
    if (isInteger(text, first === 45 ? 1 : 0) || NUMBER.test(text)) return Number(text);
  }
  return Object.prototype.hasOwnProperty.call(LITERALS, text) ? LITERALS[text] : text;
}

export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (target: Obj, key: string) =>
  Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;

/** Sets a key as JSON.parse would: `__proto__` becomes an own property, never the prototype. */
function define(target: Obj, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

/** Sets `path` in `target`: objects merge with an earlier object, anything else replaces it. */
export function assign(target: Obj, path: string[], value: unknown, append: boolean): void {
  let parent = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i];
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
  else if (append && existing !== undefined)
    throw new ConfigParseError(`+= on ${path.join('.')}, which is not an array`);
  else if (isObject(existing) && isObject(value)) mergeInto(existing, value);
  else define(parent, last, value);
}

export function mergeInto(target: Obj, source: Obj): void {
  for (const key of Object.keys(source)) {
    const existing = own(target, key);
    const value = source[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value);
    else define(target, key, value);
  }
}
