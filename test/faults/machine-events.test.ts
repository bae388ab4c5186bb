// The Google cluster trace 2011 machine_events table (timestamp µs, machine ID, event type 0 ADD /
// 1 REMOVE / 2 UPDATE, platform ID, CPU, memory; no header): the strict parser, its messages, and the
// mapping of machines onto node names. The expected timelines of test/fixtures/traces/machine-events-small.csv
// are worked out row by row in the comments; the corpus suite checks the real table where ../shared exists.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  machineTimeline,
  parseMachineEvents,
  readMachineEvents,
  type MachineEvent,
  type NodeChange,
} from '../../src/faults/machine-events.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const SMALL = fileURLToPath(new URL('../fixtures/traces/machine-events-small.csv', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/data/traces/google-2011/machine_events/part-00000-of-00001.csv.gz', import.meta.url));

const P = 'h6VgRs9HNbyH2NdMmOobHfLzOyOmcvJWdRQFYg67dPs=';
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
const down = (atMs: number, node: string, line: number): NodeChange => ({ atMs, node, up: false, line });
const up = (atMs: number, node: string, line: number): NodeChange => ({ atMs, node, up: true, line });

function parseError(text: string): ScenarioError {
  try {
    parseMachineEvents(text, 'm.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

/** The state each node ends in after applying a timeline in order (nodes it never names stay up). */
function finalDown(timeline: readonly NodeChange[]): number {
  const state = new Map<string, boolean>();
  for (const c of timeline) state.set(c.node, c.up);
  let n = 0;
  for (const isUp of state.values()) if (!isUp) n++;
  return n;
}

describe('parseMachineEvents', () => {
  it('reads good rows: empty capacities, IDs above 2^32, CRLF, a BOM, blank lines and the final newline', () => {
    const text = `\uFEFF0,5,0,${P},0.5,0.2493\r\n0,6457070948,0,${P},,\r\n\r\n600000000,5,2,${P},1,1\n2506135490000,5,1,${P},0.5,1e-3\n`;
    expect(parseMachineEvents(text, 'm.csv')).toEqual<MachineEvent[]>([
      { timeUs: 0, machine: 5, type: 'ADD', line: 1 },
      { timeUs: 0, machine: 6457070948, type: 'ADD', line: 2 },
      { timeUs: 600000000, machine: 5, type: 'UPDATE', line: 4 },
      { timeUs: 2506135490000, machine: 5, type: 'REMOVE', line: 5 },
    ]);
    expect(parseMachineEvents('', 'm.csv')).toEqual([]);
  });

  it('keeps file order for rows of one timestamp', () => {
    const ev = parseMachineEvents(`7,3,0,,,\n7,1,0,,,\n7,2,1,,,\n`, 'm.csv');
    expect(ev.map((e) => [e.machine, e.type])).toEqual([
      [3, 'ADD'],
      [1, 'ADD'],
      [2, 'REMOVE'],
    ]);
  });

  const good = `0,5,0,${P},0.5,0.5`;
  const cases: { name: string; text: string; line: number; column: number; message: string }[] = [
    {
      name: 'too few columns',
      text: `${good}\n0,6,0,${P},0.5\n`,
      line: 2,
      column: 1,
      message: 'expected 6 columns of machine_events, got 5',
    },
    {
      name: 'too many columns',
      text: `${good}\n0,6,0,${P},0.5,0.5,1\n`,
      line: 2,
      column: 1,
      message: 'expected 6 columns of machine_events, got 7',
    },
    {
      name: 'a non-numeric timestamp',
      text: `${good}\nsoon,6,0,${P},0.5,0.5\n`,
      line: 2,
      column: 1,
      message: 'time: expected a non-negative integer number of microseconds, got "soon"',
    },
    {
      name: 'an empty timestamp',
      text: `${good}\n,6,0,${P},0.5,0.5\n`,
      line: 2,
      column: 1,
      message: 'time: expected a non-negative integer number of microseconds, got ""',
    },
    {
      name: 'a fractional timestamp',
      text: `${good}\n1.5,6,0,${P},0.5,0.5\n`,
      line: 2,
      column: 1,
      message: 'time: expected a non-negative integer number of microseconds, got "1.5"',
    },
    {
      name: 'a negative timestamp',
      text: `-5,6,0,${P},0.5,0.5\n`,
      line: 1,
      column: 1,
      message: 'time: expected a non-negative integer number of microseconds, got "-5"',
    },
    {
      name: 'a header row',
      text: `timestamp,machine ID,event type,platform ID,CPU,memory\n${good}\n`,
      line: 1,
      column: 1,
      message: 'time: expected a non-negative integer number of microseconds, got "timestamp" (machine_events has no header row)',
    },
    {
      name: 'unsorted rows',
      text: `${good}\n10,6,0,${P},0.5,0.5\n\n5,7,0,${P},0.5,0.5\n`,
      line: 4,
      column: 1,
      message: 'time: rows must be in time order (5 < 10 on line 2)',
    },
    {
      name: 'a non-numeric machine ID',
      text: `${good}\n0,m-6,0,${P},0.5,0.5\n`,
      line: 2,
      column: 2,
      message: 'machine ID: expected a non-negative integer, got "m-6"',
    },
    {
      name: 'a machine ID beyond 2^53',
      text: `0,9007199254740993,0,${P},0.5,0.5\n`,
      line: 1,
      column: 2,
      message: 'machine ID: expected a non-negative integer, got "9007199254740993"',
    },
    {
      name: 'an unknown event type',
      text: `${good}\n0,6,3,${P},0.5,0.5\n`,
      line: 2,
      column: 3,
      message: 'event type: expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "3"',
    },
    {
      name: 'an event type by name',
      text: `0,6,ADD,${P},0.5,0.5\n`,
      line: 1,
      column: 3,
      message: 'event type: expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "ADD"',
    },
    {
      name: 'a CPU capacity above 1',
      text: `0,6,0,${P},8,0.5\n`,
      line: 1,
      column: 5,
      message: 'CPU capacity: expected a number 0..1 or nothing, got "8"',
    },
    {
      name: 'a memory capacity in bytes',
      text: `0,6,0,${P},0.5,16Gi\n`,
      line: 1,
      column: 6,
      message: 'memory capacity: expected a number 0..1 or nothing, got "16Gi"',
    },
    {
      name: 'a long value, cut short',
      text: `${'x'.repeat(300)},6,0,${P},0.5,0.5\n`,
      line: 1,
      column: 1,
      message: `time: expected a non-negative integer number of microseconds, got "${'x'.repeat(20)}…" (machine_events has no header row)`,
    },
  ];
  it.each(cases)('refuses $name', ({ text, line, column, message }) => {
    const e = parseError(text);
    expect([e.file, e.line, e.column, e.problem + (e.hint ? ` (${e.hint})` : '')]).toEqual(['m.csv', line, column, message]);
    expect(e.message).toBe(`m.csv:${line}:${column}: ${message}`);
  });
});

describe('readMachineEvents', () => {
  let dir: string | null = null;
  const tmp = () => (dir ??= mkdtempSync(join(tmpdir(), 'kubesim-machines-')));
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the small trace plain and gzipped alike', () => {
    const plain = readMachineEvents(SMALL, 'machine-events-small.csv');
    expect(plain).toHaveLength(37);
    const gz = join(tmp(), 'machine-events-small.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(SMALL)));
    expect(readMachineEvents(gz, 'small.csv.gz')).toEqual(plain);
  });

  it('names the file in errors of a gzipped trace, and refuses a broken or missing one', () => {
    const gz = join(tmp(), 'bad.csv.gz');
    writeFileSync(gz, gzipSync(`0,5,0,${P},0.5,0.5\n0,6,9,${P},0.5,0.5\n`));
    expect(() => readMachineEvents(gz, 'bad.csv.gz')).toThrow(
      'bad.csv.gz:2:3: event type: expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "9"',
    );
    const broken = join(tmp(), 'broken.csv.gz');
    writeFileSync(broken, 'not gzip');
    expect(() => readMachineEvents(broken, 'broken.csv.gz')).toThrow('broken.csv.gz: cannot decompress the gzip trace file');
    expect(() => readMachineEvents(join(tmp(), 'none.csv'), 'none.csv')).toThrow('none.csv: trace file not found');
  });
});

describe('machineTimeline on the small trace', () => {
  const events = parseMachineEvents(readFileSync(SMALL, 'utf8'), 'machine-events-small.csv');
  const HOUR = 3_600_000;

  // Machines by first appearance: 11 n0, 12 n1, 13 n2, 21 n3, 22 n4, 305419896 n5, 1073741824 n6
  // (lines 1-7), 2147483659 n7 (line 15), 4294967311 n8 (line 19), 5000000007 n9 (line 24),
  // 6442450951 n10 (line 27), 7 n11 (line 34, past the first hour).
  it('maps 12 machines onto 12 nodes for an hour from the window start (600 s)', () => {
    const r = machineTimeline(events, { nodes: nodes(12), durationMs: HOUR });
    expect(r.timeline).toEqual([
      // At the start: 22 removed at exactly 600 s (line 12), 305419896 removed at 120 s (line 8);
      // 1073741824 removed and added back before 600 s starts up. Machines first seen later start down.
      down(0, 'n4', 12),
      down(0, 'n5', 8),
      down(0, 'n7', 15),
      down(0, 'n8', 19),
      down(0, 'n9', 24),
      down(0, 'n10', 27),
      down(0, 'n11', 34),
      down(179231, 'n0', 13), // (779,231,019 − 600,000,000) / 1000 = 179,231.019
      up(600001, 'n7', 15), // 600,000.5 rounds up
      down(860220, 'n2', 16), // 860,219.913
      up(1471422, 'n0', 17), // 1,471,421.51
      up(1980105, 'n5', 20), // 1,980,105.468
      up(2400000, 'n2', 21), // ties at 3,000 s keep file order
      down(2400000, 'n3', 22),
      up(2500000, 'n9', 24), // the ADD with empty CPU and memory
      up(2650000, 'n4', 25),
      up(2800000, 'n8', 26),
      up(2900000, 'n10', 27),
      down(3100000, 'n9', 29),
      down(3599999, 'n1', 30), // 3,599,999.499: kept; line 31 rounds to 3,600,000 and is dropped
    ]);
    expect(r.ignoredMachines).toBe(0);
    expect(Object.fromEntries(r.skipped)).toEqual({
      'capacity changes are not modelled (UPDATE)': 3, // lines 11, 14, 28
      'ADD of a machine already present': 1, // line 18
      'REMOVE of a machine not present': 2, // lines 19, 23
      'events at or past the end of the run': 7, // lines 31-37
    });
    // Down at the end of the hour: n1, n3, n9, and n11 whose machine comes only later.
    expect(finalDown(r.timeline)).toBe(4);
  });

  it('ignores and counts machines beyond the node count', () => {
    const r = machineTimeline(events, { nodes: nodes(8), durationMs: HOUR });
    expect(r.timeline).toEqual([
      down(0, 'n4', 12),
      down(0, 'n5', 8),
      down(0, 'n7', 15),
      down(179231, 'n0', 13),
      up(600001, 'n7', 15),
      down(860220, 'n2', 16),
      up(1471422, 'n0', 17),
      up(1980105, 'n5', 20),
      up(2400000, 'n2', 21),
      down(2400000, 'n3', 22),
      up(2650000, 'n4', 25),
      down(3599999, 'n1', 30),
    ]);
    expect(r.ignoredMachines).toBe(4); // 4294967311, 5000000007, 6442450951, 7
    expect(Object.fromEntries(r.skipped)).toEqual({
      'capacity changes are not modelled (UPDATE)': 3,
      'ADD of a machine already present': 1,
      'REMOVE of a machine not present': 1, // line 23; line 19's machine has no node
      'events of machines beyond the node count': 5, // lines 19, 24, 26, 27, 29
      'events at or past the end of the run': 7,
    });
  });

  it('takes the state at a later start from every row at or before it', () => {
    // Start at 3,000 s: rows 1-23 set the state. 21 is gone (line 22), 22 is gone (line 12),
    // 4294967311 was only removed while absent (line 19); 11, 13 and 305419896 are back.
    const r = machineTimeline(events, { nodes: nodes(12), startUs: 3_000_000_000, durationMs: 1_000_000 });
    expect(r.timeline).toEqual([
      down(0, 'n3', 22),
      down(0, 'n4', 12),
      down(0, 'n8', 19),
      down(0, 'n9', 24),
      down(0, 'n10', 27),
      down(0, 'n11', 34),
      up(100000, 'n9', 24),
      up(250000, 'n4', 25),
      up(400000, 'n8', 26),
      up(500000, 'n10', 27),
      down(700000, 'n9', 29),
    ]);
    expect(Object.fromEntries(r.skipped)).toEqual({
      'capacity changes are not modelled (UPDATE)': 3,
      'ADD of a machine already present': 1,
      'REMOVE of a machine not present': 2,
      'events at or past the end of the run': 8, // lines 30-37
    });
  });

  it('starts every node up when the run starts at trace time 0 (the inventory is there)', () => {
    const r = machineTimeline(events.slice(0, 7), { nodes: nodes(7), startUs: 0, durationMs: HOUR });
    expect(r.timeline).toEqual([]);
  });

  it('gives a shorter run a prefix of a longer run', () => {
    const long = machineTimeline(events, { nodes: nodes(12), durationMs: 10 * HOUR }).timeline;
    expect(finalDown(long)).toBe(2); // 13 and 11 removed (lines 31, 32); 12, 21, 5000000007 and 7 back or new
    for (const d of [1, 179231, 179232, 2400000, HOUR, 2 * HOUR, 5 * HOUR]) {
      expect(machineTimeline(events, { nodes: nodes(12), durationMs: d }).timeline).toEqual(long.filter((c) => c.atMs < d));
    }
  });

  it('refuses options that cannot be mapped', () => {
    expect(() => machineTimeline(events, { nodes: ['a', 'a'], durationMs: HOUR })).toThrow('node names must be distinct');
    expect(() => machineTimeline(events, { nodes: nodes(2), durationMs: 0 })).toThrow('durationMs must be positive');
    expect(() => machineTimeline(events, { nodes: nodes(2), startUs: -1, durationMs: HOUR })).toThrow('startUs');
    expect(() => machineTimeline([...events].reverse(), { nodes: nodes(2), durationMs: HOUR })).toThrow('out of time order');
  });
});

describe.skipIf(!existsSync(CORPUS))('corpus: the Google 2011 machine_events table', () => {
  const display = 'machine_events/part-00000-of-00001.csv.gz';
  const events = existsSync(CORPUS) ? readMachineEvents(CORPUS, display) : [];
  // The raw rows, read independently of the parser: [timestamp, machine, event type].
  const rows = existsSync(CORPUS)
    ? gunzipSync(readFileSync(CORPUS))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(','))
    : [];

  it('has the rows and machines its README lists', () => {
    expect(events).toHaveLength(37780);
    const count = (t: MachineEvent['type']) => events.filter((e) => e.type === t).length;
    expect([count('ADD'), count('REMOVE'), count('UPDATE')]).toEqual([21443, 8957, 7380]);
    expect(new Set(events.map((e) => e.machine)).size).toBe(12583);
    expect(events.filter((e) => e.timeUs === 0)).toHaveLength(12477);
    expect(Math.round(events.at(-1)!.timeUs / 1e4) / 100).toBe(2_506_135.49); // seconds, as the README rounds them
    expect(events.reduce((m, e) => Math.max(m, e.machine), 0)).toBe(6457070948);
  });

  it('maps onto 12,583 nodes and ends with the machines the raw rows leave removed down', () => {
    const n = 12583;
    const r = machineTimeline(events, { nodes: nodes(n), durationMs: 30 * 24 * 3600 * 1000 });
    expect(r.ignoredMachines).toBe(0);
    expect(Object.fromEntries(r.skipped)).toEqual({ 'capacity changes are not modelled (UPDATE)': 7380 });
    for (let i = 1; i < r.timeline.length; i++) expect(r.timeline[i]!.atMs).toBeGreaterThanOrEqual(r.timeline[i - 1]!.atMs);

    // Independently: a machine ends down when its last ADD/REMOVE row is a REMOVE; it starts down when its
    // first row comes after the window opens at 600 s.
    const last = new Map<string, string>();
    const firstUs = new Map<string, number>();
    for (const [t, m, type] of rows) {
      if (!firstUs.has(m!)) firstUs.set(m!, Number(t));
      if (type === '0' || type === '1') last.set(m!, type);
    }
    const removed = [...last.values()].filter((t) => t === '1').length;
    const late = [...firstUs.values()].filter((t) => t > 600_000_000).length;
    expect(rows).toHaveLength(37780);
    expect(finalDown(r.timeline)).toBe(removed);
    expect(r.timeline.filter((c) => c.atMs === 0 && !c.up)).toHaveLength(late);
    expect(r.timeline.length).toBe(late + 21443 + 8957 - 12477);
  });
});
