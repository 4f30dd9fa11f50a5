import { describe, expect, it } from 'vitest';
import { JobReporter, MAX_STAGES, ReportBuffer, toLogLine, toProgress, toStageName, type ReportedEvent } from './job-events';

describe('toProgress', () => {
  it('clamps a fraction to 0…1 and ignores NaN', () => {
    expect(toProgress(0.25)).toEqual({ fraction: 0.25 });
    expect(toProgress(-3)).toEqual({ fraction: 0 });
    expect(toProgress(7)).toEqual({ fraction: 1 });
    expect(toProgress(Infinity)).toEqual({ fraction: 1 });
    expect(toProgress(NaN)).toBeNull();
  });

  it('gives done/total as the fraction, done clamped to 0…total, total 0 counting as done', () => {
    expect(toProgress({ done: 3, total: 4, message: 'reading' })).toEqual({ fraction: 0.75, done: 3, total: 4, message: 'reading' });
    expect(toProgress({ done: 9, total: 4 })).toEqual({ fraction: 1, done: 4, total: 4 });
    expect(toProgress({ done: -1, total: 4 })).toEqual({ fraction: 0, done: 0, total: 4 });
    expect(toProgress({ done: 0, total: 0 })).toEqual({ fraction: 1, done: 0, total: 0 });
  });

  it.each([
    ['a string', '0.5'],
    ['null', null],
    ['an array', [1, 2]],
    ['an object without done/total', { fraction: 0.5 }],
    ['a string done', { done: '1', total: 2 }],
    ['a NaN total', { done: 1, total: NaN }],
    ['an infinite done', { done: Infinity, total: 2 }],
    ['a negative total', { done: 1, total: -2 }],
    ['a boolean', true],
  ])('ignores %s', (_what, value) => {
    expect(toProgress(value)).toBeNull();
  });

  it('leaves out a message that is not a string and cuts a long one at 200 characters', () => {
    expect(toProgress({ done: 1, total: 2, message: 42 })).toEqual({ fraction: 0.5, done: 1, total: 2 });
    expect(toProgress({ done: 1, total: 2, message: 'm'.repeat(10_000) })!.message).toHaveLength(200);
  });
});

describe('toStageName', () => {
  it('keeps a string, cuts it at 200 characters (never half a surrogate pair), ignores anything else', () => {
    expect(toStageName('load')).toBe('load');
    expect(toStageName('x'.repeat(10_000))).toHaveLength(200);
    expect(toStageName(`${'x'.repeat(199)}😀`)).toBe('x'.repeat(199));
    for (const bad of [42, null, undefined, {}, '']) expect(toStageName(bad)).toBeNull();
  });
});

describe('toLogLine', () => {
  it('keeps a short line as is, with its fields', () => {
    expect(toLogLine('hello', { n: 1 }, 8192)).toEqual({ message: 'hello', fields: { n: 1 } });
    expect(toLogLine(42, undefined, 8192)).toEqual({ message: '42' });
  });

  it('cuts a long line to the limit in UTF-8 bytes, with a note of its size', () => {
    const { message } = toLogLine('é'.repeat(1024 * 1024), undefined, 1024);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(1024);
    expect(message).toMatch(/^é+… \(truncated: 2\.0 MB line\)$/);
  });

  it('replaces fields over half the limit or unrepresentable by a fieldsError, and counts fields in the limit', () => {
    expect(toLogLine('m', { big: 'x'.repeat(5000) }, 8192).fields).toEqual({ fieldsError: 'fields take 4.9 KB, over half of log-line-limit (4.0 KB)' });
    const line = toLogLine('m'.repeat(8192), { n: 'x'.repeat(1000) }, 8192);
    expect(Buffer.byteLength(line.message) + Buffer.byteLength(JSON.stringify(line.fields))).toBeLessThanOrEqual(8192);
    expect(toLogLine('m', { f: () => 1 }, 8192).fields).toEqual({ f: expect.stringContaining('=>') });
  });
});

describe('ReportBuffer', () => {
  const log = (line: number): ReportedEvent => ({ type: 'log', time: 0, line, level: 'INFO', message: `l${line}` });
  const progress = (fraction: number): ReportedEvent => ({ type: 'progress', time: 0, fraction });

  it('keeps call order, the latest progress only, at its own place', () => {
    const buffer = new ReportBuffer(10);
    buffer.add(progress(0.1));
    buffer.add(log(0));
    buffer.add({ type: 'stage', time: 0, name: 's' });
    buffer.add(progress(0.2));
    buffer.add(log(1));
    expect(buffer.take()).toEqual({ events: [log(0), { type: 'stage', time: 0, name: 's' }, progress(0.2), log(1)], dropped: 0 });
    expect(buffer.empty).toBe(true);
    expect(buffer.take()).toEqual({ events: [], dropped: 0 });
  });

  it('drops the oldest log lines beyond the bound and counts them', () => {
    const buffer = new ReportBuffer(3);
    for (let i = 0; i < 100_000; i++) buffer.add(log(i));
    expect(buffer.take()).toEqual({ events: [log(99_997), log(99_998), log(99_999)], dropped: 99_997 });
  });
});

describe('JobReporter', () => {
  it('records what the rules keep, numbers log lines over all lines, and calls onReport per event', () => {
    let reports = 0;
    const reporter = new JobReporter({ logLineLimit: 1024, logLinesRetained: 2 }, () => reports++);
    reporter.progress('half');
    reporter.progress(0.5);
    reporter.stage(undefined);
    reporter.stage('s1');
    for (let i = 0; i < 3; i++) reporter.log('INFO', `line ${i}`);
    const { events, dropped } = reporter.buffer.take();
    expect(events.map(({ time: _t, ...e }) => e)).toEqual([
      { type: 'progress', fraction: 0.5 },
      { type: 'stage', name: 's1' },
      { type: 'log', line: 1, level: 'INFO', message: 'line 1' },
      { type: 'log', line: 2, level: 'INFO', message: 'line 2' },
    ]);
    expect(dropped).toBe(1);
    expect(reports).toBe(5);
  });

  it('never throws into job code, whatever it passes', () => {
    const reporter = new JobReporter({ logLineLimit: 1024, logLinesRetained: 10 });
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
    const noString = { toString: () => { throw new Error('no'); } };
    expect(() => reporter.progress(hostile)).not.toThrow();
    expect(() => reporter.log('WARN', noString)).not.toThrow();
    expect(() => reporter.log('WARN', Symbol('s'))).not.toThrow();
    expect(reporter.buffer.take().events.map((e) => e.type === 'log' && e.message)).toEqual(['Symbol(s)']);
  });

  it('ignores stages past the 1000th', () => {
    const reporter = new JobReporter({ logLineLimit: 1024, logLinesRetained: 10 });
    for (let i = 0; i < MAX_STAGES + 5; i++) reporter.stage(`s${i}`);
    expect(reporter.buffer.take().events).toHaveLength(MAX_STAGES);
  });
});
