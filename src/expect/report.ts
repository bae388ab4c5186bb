// Expectations checked against a run: the run's tables (from its files, or from a probe run in memory), the
// terminal table of verdicts, and JUnit XML for CI systems.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ScenarioError } from '../scenario/errors.js';
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { prepareRun } from '../run/simulate.js';
import type { RowSink } from '../metrics/collector.js';
import { lookup, parseExpectation, type Expectation, type RunTables, type Verdict } from './expectation.js';
import type { SweepVerdict } from './sweep.js';

function table(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** --assert options as expectations; a malformed one is an error naming it. */
export function parseAsserts(texts: readonly string[]): Expectation[] {
  return texts.map((text) => {
    const e = parseExpectation(text, { file: `--assert '${text}'`, line: 0, column: 0, path: '' });
    if ('error' in e) throw new ScenarioError('--assert', 0, 0, '', e.error);
    return e;
  });
}

/** The tables of a finished run's directory. */
export function readRunTables(dir: string): RunTables {
  const read = (f: string) => table(readFileSync(join(dir, f), 'utf8'));
  return {
    summary: read('summary.csv')[0] ?? {},
    workloads: read('workloads.csv'),
    pools: read('pools.csv'),
    services: read('services.csv'),
  };
}

/**
 * The tables a run of the scenario will have: a run cut to a millisecond, in memory, has the same columns and rows
 * (summary figures, workloads, pools, Services) as the whole run.
 */
export function probeTables(file: string, opts: LoadOptions): RunTables {
  const s = loadScenario(file, { ...opts, set: [...(opts.set ?? []), 'duration=1ms'] });
  const rows: Record<string, string[][]> = {};
  const result = prepareRun(s, {
    open(name: string, columns: readonly string[]): RowSink {
      const list: string[][] = [[...columns]];
      rows[name] = list;
      return { write: (r) => list.push(r.map((x) => String(x))) };
    },
  }).run();
  const objects = (name: string) => {
    const [head, ...body] = rows[name] ?? [[]];
    return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
  };
  const summary = Object.fromEntries(Object.entries(result.summary).map(([k, v]) => [k, String(v)]));
  return { summary, workloads: objects('workloads.csv'), pools: objects('pools.csv'), services: objects('services.csv') };
}

/** Every expectation must name a metric and a row the run will have (`tables`: probeTables'); the first wrong one is the error. */
export function checkExpectations(tables: RunTables, exps: readonly Expectation[]): void {
  for (const e of exps) {
    const r = lookup(e, tables);
    if ('error' in r) throw new ScenarioError(e.origin.file, e.origin.line, e.origin.column, e.origin.path, r.error);
  }
}

/** The terminal table: each expectation, its measured value and verdict, then the count. */
export function verdictTable(verdicts: readonly Verdict[]): string {
  const w = Math.max(...verdicts.map((v) => v.expectation.text.length), 'expectation'.length);
  const m = Math.max(...verdicts.map((v) => (v.measured === '' ? 4 : v.measured.length)), 'measured'.length);
  const lines = [`  ${'expectation'.padEnd(w)}  ${'measured'.padStart(m)}  verdict`];
  for (const v of verdicts) {
    lines.push(`  ${v.expectation.text.padEnd(w)}  ${(v.measured === '' ? 'none' : v.measured).padStart(m)}  ${v.pass ? 'pass' : 'FAIL'}`);
  }
  const failed = verdicts.filter((v) => !v.pass).length;
  lines.push(failed === 0 ? `  all ${verdicts.length} hold` : `  ${failed} of ${verdicts.length} failed`);
  return `expectations\n${lines.join('\n')}\n`;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** JUnit XML: one test suite for the run, one test case per expectation (a failure with the measured value). */
export function junitXml(suite: string, verdicts: readonly Verdict[], seconds: number): string {
  const failures = verdicts.filter((v) => !v.pass).length;
  const cases = verdicts.map((v) => {
    const head = `    <testcase classname="${xml(suite)}" name="${xml(v.expectation.text)}" time="0">`;
    if (v.pass) return `${head}</testcase>`;
    const measured = v.measured === '' ? 'no value' : v.measured;
    return `${head}\n      <failure message="${xml(`measured ${measured}`)}">${xml(`${v.expectation.text}: measured ${measured}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${verdicts.length}" failures="${failures}">`,
    `  <testsuite name="${xml(suite)}" tests="${verdicts.length}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A sweep's verdicts: per cell and expectation, the figure's mean and 95 % interval, and the verdict. */
export function sweepVerdictTable(verdicts: readonly SweepVerdict[]): string {
  const rows = verdicts.map((v) => [
    `${v.cell.id} ${v.cell.label}`,
    v.expectation.text,
    v.measured,
    v.skipped ? 'n/a' : v.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['cell', 'expectation', 'mean [95% interval]', 'verdict'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i === 3 ? c : c.padEnd(w[i]!))).join('  ')}`;
  const failed = verdicts.filter((v) => !v.pass).length;
  const judged = verdicts.filter((v) => !v.skipped).length;
  return `expectations\n${[line(head), ...rows.map(line)].join('\n')}\n${
    failed === 0 ? `  all ${judged} hold` : `  ${failed} of ${judged} failed`
  }\n`;
}

/** JUnit XML for a sweep: a test suite per cell, a test case per expectation. */
export function sweepJunitXml(name: string, verdicts: readonly SweepVerdict[]): string {
  const cells = [...new Map(verdicts.map((v) => [v.cell.id, v.cell])).values()];
  const suites = cells.map((c) => {
    const vs = verdicts.filter((v) => v.cell.id === c.id);
    const failures = vs.filter((v) => !v.pass).length;
    const suite = `${name} ${c.id} ${c.label}`.trim();
    const cases = vs.map((v) => {
      const head = `    <testcase classname="${xml(suite)}" name="${xml(v.expectation.text)}" time="0">`;
      if (v.skipped) return `${head}<skipped message="the baseline cell"/></testcase>`;
      if (v.pass) return `${head}</testcase>`;
      return `${head}\n      <failure message="${xml(`measured ${v.measured}`)}">${xml(`${v.expectation.text}: measured ${v.measured}`)}</failure>\n    </testcase>`;
    });
    return [`  <testsuite name="${xml(suite)}" tests="${vs.length}" failures="${failures}" errors="0">`, ...cases, '  </testsuite>'].join(
      '\n',
    );
  });
  const failures = verdicts.filter((v) => !v.pass).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${verdicts.length}" failures="${failures}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
