import { describe, expect, it } from 'vitest';
import { ConfigParseError } from './config-parse.error';
import { parseHocon } from './hocon.parser';
import { parseConfigText } from './hocon';

const parse = (text: string) => parseHocon(text, 64);

describe('our HOCON subset: what it reads', () => {
  it.each<[string, string, unknown]>([
    ['the walk-through line', 'input.string = a b c a b see', { input: { string: 'a b c a b see' } }],
    ['the walk-through bad input', 'bad.input=abc', { bad: { input: 'abc' } }],
    ['a root in braces', '{ a = 1 }', { a: 1 }],
    ['`:` and `=` separators', 'a: 1\nb = 2', { a: 1, b: 2 }],
    ['the key { … } shorthand', 'a { b { c = x } }', { a: { b: { c: 'x' } } }],
    ['quoted keys, dots inside them kept', '"a.b".c = 1\n"" = 2', { 'a.b': { c: 1 }, '': 2 }],
    ['a key with inner whitespace', 'foo bar = 1', { 'foo bar': 1 }],
    ['JSON escapes', String.raw`a = "q\"\\\/\b\f\n\r\t\u00e9"`, { a: 'q"\\/\b\f\n\r\té' }],
    ['a triple-quoted multi-line string, raw', 'a = """x\n  "y" \\n"""', { a: 'x\n  "y" \\n' }],
    ['quotes just before the closing triple', 'a = """x""""', { a: 'x"' }],
    ['numbers as numbers', 'a = 1, b = -2.5, c = 1e3, d = 0, e = -1e+21, f = 2E-3', { a: 1, b: -2.5, c: 1000, d: 0, e: -1e21, f: 0.002 }],
    ['number-like text as strings', 'a = 10s, b = 1.2.3, c = 01', { a: '10s', b: '1.2.3', c: '01' }],
    ['true, false, null', 'a = true, b = false, c = null', { a: true, b: false, c: null }],
    ['quoted literals as strings', 'a = "true", b = "1"', { a: 'true', b: '1' }],
    ['value concatenation keeping inner whitespace', 'a =  x   y\t"z" 1  ', { a: 'x   y\tz 1' }],
    ['concatenated literals as a string', 'a = true 1 null', { a: 'true 1 null' }],
    ['# and // comments', 'a = 1 # one\n// two\nb = x//y', { a: 1, b: 'x' }],
    ['commas, newlines and trailing commas', '{ a = 1, b = [1, 2,], c = [\n1\n2\n], }', { a: 1, b: [1, 2], c: [1, 2] }],
    ['nested arrays and objects', 'a = [{ b = [[1], []] }, {}]', { a: [{ b: [[1], []] }, {}] }],
    ['a repeated key merging objects', 'a { x = 1, y = 1 }\na { y = 2 }\na.z = 3', { a: { x: 1, y: 2, z: 3 } }],
    ['a repeated key, the later winning otherwise', 'a = 1\na = 2\nb = { x = 1 }\nb = 3', { a: 2, b: 3 }],
    ['an object after a scalar replacing it', 'a = 1\na { x = 1 }', { a: { x: 1 } }],
    ['+= appending to an array', 'a += 1\na += x\nb = [0]\nb += 1', { a: [1, 'x'], b: [0, 1] }],
    ['array concatenation', 'a = [1] [2, 3]', { a: [1, 2, 3] }],
    ['object concatenation', 'a = { x = 1 } { y = 2 }', { a: { x: 1, y: 2 } }],
    ['a newline after the separator', 'a =\n  1', { a: 1 }],
    ['JSON itself', '{"a": {"b": [1, "two", null]}, "c": true}', { a: { b: [1, 'two', null] }, c: true }],
    ['an empty text and only comments', '  # nothing\n', {}],
    ['a BOM as whitespace', '\uFEFFa = 1', { a: 1 }],
    ['unicode in unquoted text', 'név = árvíztűrő tükörfúrógép', { név: 'árvíztűrő tükörfúrógép' }],
  ])('reads %s', (_what, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('keeps __proto__ a plain own key, never the prototype', () => {
    const value = parse('__proto__ { polluted = yes }\na.__proto__.b = 1') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":"yes"},"a":{"__proto__":{"b":1}}}');
  });

  it('counts depth with dotted keys and arrays, the root being 1', () => {
    expect(() => parseHocon('a.b = 1', 2)).not.toThrow();
    expect(() => parseHocon('a.b.c = 1', 2)).toThrow('it nests deeper than config-max-depth (2)');
    expect(() => parseHocon('a = [[1]]', 2)).toThrow('config-max-depth (2)');
    expect(() => parseHocon('a = [1]', 2)).not.toThrow();
    expect(() => parseHocon('a += {}', 2)).toThrow('config-max-depth (2)');
  });
});

describe('our HOCON subset: what it refuses, naming line and column', () => {
  it.each<[string, string, RegExp]>([
    ['a substitution', 'home = ${HOME}', /substitutions .* at line 1, column 8/],
    ['an optional substitution', 'a = 1\npath = ${?PATH}', /substitutions .* at line 2, column 8/],
    ['a substitution inside a string concatenation', 'a = x ${y}', /substitutions/],
    ['a plain include', 'include "/etc/passwd"', /include is not allowed at line 1, column 1/],
    ['include file()', 'include file("/etc/hostname")', /include is not allowed/],
    ['include url()', 'include url("http://127.0.0.1:1/x")', /include is not allowed/],
    ['include classpath()', 'include classpath("application.conf")', /include is not allowed/],
    ['include required()', 'include required(file("x.conf"))', /include is not allowed/],
    ['an include inside an object', 'a {\n  include file("/etc/hostname")\n}', /include is not allowed at line 2, column 3/],
    ['the | eval transform', 'y = "a" | eval { expr = "process.mainModule.require(\\"child_process\\").execSync(\\"id\\").toString()" }', /`\|` transforms are not allowed at line 1, column 9/],
    ['a | transform on an unquoted value', 'y = a | b', /`\|` transforms/],
    ['an environment lookup via the env transform', 'h = HOME | env', /`\|` transforms/],
    ['an unclosed object', 'a = {', /unclosed \{/],
    ['an unclosed object after a field', 'a { b = 1', /unclosed \{/],
    ['an unclosed array', 'a = [1', /unclosed \[/],
    ['an unterminated string', 'a = "x', /unterminated quoted string at line 1, column 5/],
    ['an unterminated triple-quoted string', 'a = """x', /unterminated """ string/],
    ['a bad escape', 'a = "\\q"', /bad escape/],
    ['a newline in a quoted string', 'a = "x\ny"', /unterminated quoted string/],
    ['a key without a value', 'a', /expected = or : after the key/],
    ['a separator without a value', 'a = ', /expected a value/],
    ['a double comma', 'a = 1,, b = 2', /expected a key, not ','/],
    ['an empty path segment', 'a..b = 1', /empty segment in key path/],
    ['a forbidden character', 'a = x*y', /unexpected character '\*' at line 1, column 6/],
    ['a lone +', 'a + 1', /unexpected character '\+'/],
    ['two values on one line without a comma', 'a = 1 b = 2', /expected a comma or a newline/],
    ['a string concatenated with an object', 'a = x { y = 1 }', /cannot concatenate/],
    ['text after the root object', '{ a = 1 } b', /after the root object/],
    ['a root array', '[1, 2]', /not an object/],
    ['+= on a value that is not an array', 'a = 1\na += 2', /\+= on a/],
  ])('refuses %s', (_what, text, reason) => {
    expect(() => parse(text)).toThrow(ConfigParseError);
    expect(() => parse(text)).toThrow(reason);
  });
});

describe('parseConfigText limits', () => {
  it('refuses a text nested deeper than the limit before parsing, JSON and HOCON', async () => {
    const json = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const hocon = `${'a{'.repeat(100_000)}x=1${'}'.repeat(100_000)}`;
    for (const text of [json, hocon, `x = ${'['.repeat(65)}`]) {
      await expect(parseConfigText(text)).rejects.toThrow('it nests deeper than config-max-depth (64)');
    }
  });

  it('accepts exactly the depth limit and refuses one more, braces or not', async () => {
    const braced = (n: number) => `${'{"a":'.repeat(n - 1)}{"x":1}${'}'.repeat(n - 1)}`;
    await expect(parseConfigText(braced(64))).resolves.toBeTypeOf('object');
    await expect(parseConfigText(braced(65))).rejects.toThrow('config-max-depth (64)');
    const bare = (n: number) => `${'a{'.repeat(n - 1)}x=1${'}'.repeat(n - 1)}`;
    await expect(parseConfigText(bare(64))).resolves.toBeTypeOf('object');
    await expect(parseConfigText(bare(65))).rejects.toThrow('config-max-depth (64)');
    await expect(parseConfigText(`${Array(64).fill('a').join('.')} = 1`)).resolves.toBeTypeOf('object');
    await expect(parseConfigText(`${Array(65).fill('a').join('.')} = 1`)).rejects.toThrow('config-max-depth (64)');
  });

  it('ignores brackets inside strings and comments when counting depth', async () => {
    const text = `a = "${'{'.repeat(100)}"\nb = """${'['.repeat(100)}"""\n# ${'{'.repeat(100)}\nc = x // ${'['.repeat(100)}`;
    await expect(parseConfigText(text)).resolves.toMatchObject({ a: '{'.repeat(100), c: 'x' });
  });

  it('ignores brackets inside strings and comments of a long text too (the regexp scan)', async () => {
    const n = 2000;
    const text = `a = "\\"${'{'.repeat(n)}"\nb = """${'['.repeat(n)}"""\n# ${'{'.repeat(n)}\nc = x/y // ${'['.repeat(n)}\nd = [[1]]`;
    await expect(parseConfigText(text, { maxDepth: 3 })).resolves.toMatchObject({ a: `"${'{'.repeat(n)}`, c: 'x/y', d: [[1]] });
    await expect(parseConfigText(`${text}\ne = [[[1]]]`, { maxDepth: 3 })).rejects.toThrow('config-max-depth (3)');
  });

  it('refuses a text over the size limit, counted in UTF-8 bytes', async () => {
    await expect(parseConfigText(`a = ${'x'.repeat(100)}`, { maxSize: 64 })).rejects.toThrow(
      'it is larger than config-max-size (64 bytes)',
    );
    await expect(parseConfigText(`a = "${'é'.repeat(600)}"`, { maxSize: 1024 })).rejects.toThrow('(1 KiB)');
    await expect(parseConfigText('a=1\n'.repeat(300_000))).rejects.toThrow('larger than config-max-size (1 MiB)');
  });

  it('uses the depth limit it is given', async () => {
    await expect(parseConfigText('a.b.c = 1', { maxDepth: 3 })).resolves.toEqual({ a: { b: { c: 1 } } });
    await expect(parseConfigText('a.b.c = 1', { maxDepth: 2 })).rejects.toThrow('config-max-depth (2)');
  });
});
