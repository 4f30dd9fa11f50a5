import { describe, expect, it } from 'vitest';
import { ConfigParseError, parseConfigBody, parseConfigText } from './hocon';

describe('parseConfigText', () => {
  it('reads the seed HOCON line with spaces in the value', async () => {
    expect(await parseConfigText('input.string = a b c a b see')).toEqual({ input: { string: 'a b c a b see' } });
  });

  it('reads a JSON object as JSON, keeping key order', async () => {
    expect(Object.keys(await parseConfigText('{"z":1,"a":{"b":[1,2]}}'))).toEqual(['z', 'a']);
  });

  it('treats an empty body as an empty config', async () => {
    expect(await parseConfigText('  \n')).toEqual({});
  });

  it('nests context-settings blocks', async () => {
    const parsed = await parseConfigText('context-settings { num-cpu-cores = 4 }\ninput.string = x');
    expect(parsed).toEqual({ 'context-settings': { 'num-cpu-cores': 4 }, input: { string: 'x' } });
  });

  it('answers a repeated text from its cache with a read-only copy of the same config', async () => {
    const first = await parseConfigText('cached.value = 1 2 3');
    const second = await parseConfigText('cached.value = 1 2 3');
    expect(second).toEqual({ cached: { value: '1 2 3' } });
    expect(second).toBe(first);
    expect(Object.isFrozen((second as { cached: object }).cached)).toBe(true);
  });

  it.each([
    ['an unclosed object', 'a = {'],
    ['a JSON array', '[1, 2]'],
    ['a file include', 'include "/etc/passwd"'],
    ['a file include inside an object', 'a { include file("/etc/hostname") }'],
    ['a URL include', 'include url("http://127.0.0.1:1/x")'],
    ['an environment substitution', 'home = ${HOME}'],
  ])('rejects %s', async (_what, text) => {
    await expect(parseConfigText(text)).rejects.toBeInstanceOf(ConfigParseError);
  });
});

describe('parseConfigBody', () => {
  it("stores a JSON body as its own text (trimmed): no JSON.stringify of a large config", async () => {
    const text = '\uFEFF {"z": 1,\n "a": {"b": [1, 2.50]}}\n';
    const body = await parseConfigBody(text);
    expect(body.json).toBe('{"z": 1,\n "a": {"b": [1, 2.50]}}');
    expect(body.config).toEqual({ z: 1, a: { b: [1, 2.5] } });
    expect(JSON.parse(body.json)).toEqual(body.config);
  });

  it('renders a HOCON body as the JSON of its config', async () => {
    const body = await parseConfigBody('input.string = a b c a b see\nn = 1');
    expect(body).toEqual({ config: { input: { string: 'a b c a b see' }, n: 1 }, json: '{"input":{"string":"a b c a b see"},"n":1}' });
  });

  it('renders an empty body as {}', async () => {
    expect(await parseConfigBody(' ')).toEqual({ config: {}, json: '{}' });
  });
});
