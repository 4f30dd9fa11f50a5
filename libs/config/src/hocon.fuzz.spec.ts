import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigParseError } from './config-parse.error';
import { parseConfigText } from './hocon';

/** Inputs per property; `FUZZ_RUNS=200000 npx vitest run libs/config/src/hocon.fuzz.spec.ts` for a long run. */
const numRuns = Number(process.env.FUZZ_RUNS ?? 500);
/** Long runs get time in proportion (a few ms per input on a busy machine). */
const timeout = Math.max(30_000, numRuns * 5);
const MAX_DEPTH = 64;

const SNIPPETS = [
  'input.string = a b c a b see',
  'a { b = [1, 2, { c = "x\\n" }], d: true }\n# comment\ne = """multi\nline"""',
  '{"a": {"b": [1, 2.5e3, null]}, "c": "d"}',
  'a += 1\na += 2\n"q.k".x = y z // tail',
  'context-settings { num-cpu-cores = 4 }\nx = ${y}\ninclude "z"',
  'y = "a" | eval { expr = "1" }',
];
const SPECIALS = ['{', '}', '[', ']', '"', '"""', '=', ':', ',', '\n', '+=', '$', '${', '|', '#', '//', '.', '\\', '\uFEFF', ' ', 'include '];

/** A snippet with random pieces of text cut out, repeated, or inserted (HOCON's special characters often). */
const mutated = fc
  .tuple(
    fc.constantFrom(...SNIPPETS),
    fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 4 }))), {
      maxLength: 6,
    }),
  )
  .map(([snippet, edits]) =>
    edits.reduce((text, [at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    }, snippet),
  );

async function parsesOrRefuses(text: string): Promise<void> {
  try {
    const value = await parseConfigText(text);
    expect(typeof value).toBe('object');
    JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof ConfigParseError)) throw error;
  }
}

/** JSON objects whose depth (root = 1) stays within the limit. */
const jsonObject = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  }))
  .object.filter((o) => depthOf(o) <= MAX_DEPTH);

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('parseConfigText under fuzzing', { timeout }, () => {
  it('throws nothing but ConfigParseError on arbitrary strings', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), parsesOrRefuses), { numRuns });
  });

  it('throws nothing but ConfigParseError on mutated HOCON snippets', async () => {
    await fc.assert(fc.asyncProperty(mutated, parsesOrRefuses), { numRuns });
  });

  it('reads JSON.stringify(obj) back as obj for JSON objects within the depth limit', async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, async (obj) => {
        expect(await parseConfigText(JSON.stringify(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns },
    );
  });

  it('reads `key = "quoted value"` lines back as the object they render', async () => {
    const flat = fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(flat, async (obj) => {
        const text = Object.entries(obj)
          .map(([key, value]) => `${JSON.stringify(key)} = ${JSON.stringify(value)}`)
          .join('\n');
        expect(await parseConfigText(text)).toEqual(obj);
      }),
      { numRuns },
    );
  });

  it('reads nested HOCON rendered from arbitrary objects back as the object', async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, async (obj) => {
        expect(await parseConfigText(renderHocon(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns },
    );
  });
});

/** Renders an object as HOCON: braceless root, `key { … }` blocks, quoted keys and strings. */
function renderHocon(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([key, child]) => {
      const isObject = typeof child === 'object' && child !== null && !Array.isArray(child);
      return isObject ? `${JSON.stringify(key)} ${renderValue(child)}` : `${JSON.stringify(key)} = ${renderValue(child)}`;
    })
    .join('\n');
}

function renderValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{\n${renderHocon(value as Record<string, unknown>)}\n}`;
  return JSON.stringify(value);
}
