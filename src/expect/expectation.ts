// Expectations of a run, as CI checks them: `metric op number`, or `metric{label=value} op number`, where the
// metric is a column of summary.csv, or with a label a column of the row it selects in workloads.csv
// (workload=), pools.csv (pool=) or services.csv (service=, entrypoint=). Operators < <= == >= > !=.
import { didYouMean } from '../scenario/errors.js';

export type ExpectOp = '<' | '<=' | '==' | '>=' | '>' | '!=';

/** Over a sweep's seeds: the mean, a bound of its 95 % interval, or the paired difference against the baseline. */
export const STATISTICS = ['mean', 'ci95_low', 'ci95_high', 'diff', 'diff_ci95_low', 'diff_ci95_high'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface Expectation {
  text: string;
  /** Sweeps only: which figure of the cell's runs is compared (absent: the mean, or a run's value). */
  statistic: Statistic | null;
  metric: string;
  /** The label selecting a row, if any. */
  label: { key: LabelKey; value: string } | null;
  op: ExpectOp;
  value: number;
  /** Where it was written: a scenario file's position, or the --assert option. */
  origin: { file: string; line: number; column: number; path: string };
}

export const LABEL_KEYS = ['workload', 'pool', 'service', 'entrypoint'] as const;
export type LabelKey = (typeof LABEL_KEYS)[number];

/** Short names users write, for the columns they stand for. */
export const METRIC_ALIASES: Readonly<Record<string, string>> = {
  availability: 'availability_all_ratio',
};

const SYNTAX = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{([^}]*)\})?\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*$/i;
/** statistic(inner) op number. */
const WRAPPED = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([^()]*?)\s*\)\s*((?:<=|>=|==|!=|<|>).*)$/;

/** Parses one expectation, or says what is wrong with it. */
export function parseExpectation(text: string, origin: Expectation['origin']): Expectation | { error: string } {
  let statistic: Statistic | null = null;
  let body = text;
  const w = WRAPPED.exec(text);
  if (w) {
    if (!(STATISTICS as readonly string[]).includes(w[1]!)) {
      const d = didYouMean(w[1]!, STATISTICS);
      return {
        error: `unknown statistic "${w[1]}" in "${text}"${d ? ` (did you mean "${d}"?)` : ''}; statistics: ${STATISTICS.join(', ')}`,
      };
    }
    statistic = w[1] as Statistic;
    body = `${w[2]} ${w[3]}`;
  }
  const m = SYNTAX.exec(body);
  if (!m) {
    return {
      error: `expected "metric op number" or "metric{label=value} op number" with op one of <, <=, ==, >=, >, != (e.g. "pdb_violations == 0", "availability{workload=cartservice} >= 0.999"), got "${text}"`,
    };
  }
  let label: Expectation['label'] = null;
  if (m[2] !== undefined) {
    const parts = m[2].split(',').map((p) => p.trim());
    if (parts.length !== 1 || !/^[A-Za-z_]+\s*=\s*\S/.test(parts[0]!))
      return { error: `expected one label such as {workload=cartservice} in "${text}"` };
    const [k, ...rest] = parts[0]!.split('=');
    const key = k!.trim();
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!(LABEL_KEYS as readonly string[]).includes(key)) {
      const d = didYouMean(key, LABEL_KEYS);
      return { error: `unknown label "${key}" in "${text}"${d ? ` (did you mean "${d}"?)` : ''}; labels: ${LABEL_KEYS.join(', ')}` };
    }
    label = { key: key as LabelKey, value };
  }
  return { text: text.trim(), statistic, metric: m[1]!, label, op: m[3] as ExpectOp, value: Number(m[4]), origin };
}

/** A run's result tables, as its CSV files hold them (each row keyed by column). */
export interface RunTables {
  summary: Record<string, string>;
  workloads: Record<string, string>[];
  pools: Record<string, string>[];
  services: Record<string, string>[];
}

const TABLE_OF: Readonly<Record<LabelKey, { table: Exclude<keyof RunTables, 'summary'>; column: string; file: string }>> = {
  workload: { table: 'workloads', column: 'workload', file: 'workloads.csv' },
  pool: { table: 'pools', column: 'node_pool', file: 'pools.csv' },
  service: { table: 'services', column: 'service', file: 'services.csv' },
  entrypoint: { table: 'services', column: 'service', file: 'services.csv' },
};

/** The cell an expectation reads ('' when the run has no value there), or what is wrong with it. */
export function lookup(e: Expectation, t: RunTables): { cell: string } | { error: string } {
  const metric = METRIC_ALIASES[e.metric] ?? e.metric;
  if (!e.label) {
    if (metric in t.summary) return { cell: t.summary[metric]! };
    const d = didYouMean(e.metric, Object.keys(t.summary));
    return { error: `"${e.metric}" is not a column of summary.csv${d ? ` (did you mean "${d}"?)` : ''}` };
  }
  const where = TABLE_OF[e.label.key];
  const rows = t[where.table].filter((r) =>
    e.label!.key === 'entrypoint' ? r.scope === 'entry' : e.label!.key === 'service' ? r.scope === 'service' : true,
  );
  const names = rows.map((r) => r[where.column]!);
  const want = e.label.value;
  const row = rows.find((r) => r[where.column] === want) ?? rows.find((r) => r[where.column] === `default/${want}`);
  if (!row) {
    const d = didYouMean(want, [...names, ...names.map((n) => n.replace(/^default\//, ''))]);
    return {
      error: `no ${e.label.key} "${want}" in ${where.file}${d ? ` (did you mean "${d}"?)` : ''}${names.length ? `; there are ${names.join(', ')}` : ''}`,
    };
  }
  if (metric in row && metric !== where.column && metric !== 'scope') return { cell: row[metric]! };
  const columns = Object.keys(row).filter((c) => c !== where.column && c !== 'scope');
  const d = didYouMean(e.metric, [...columns, ...Object.keys(METRIC_ALIASES)]);
  return { error: `"${e.metric}" is not a column of ${where.file}${d ? ` (did you mean "${d}"?)` : ''}` };
}

/** Whether `measured op value` holds; a missing value never does. */
export function holds(op: ExpectOp, measured: number, value: number): boolean {
  if (!Number.isFinite(measured)) return false;
  switch (op) {
    case '<':
      return measured < value;
    case '<=':
      return measured <= value;
    case '==':
      return measured === value;
    case '>=':
      return measured >= value;
    case '>':
      return measured > value;
    case '!=':
      return measured !== value;
  }
}

export interface Verdict {
  expectation: Expectation;
  /** The cell as the file has it ('' when the run has no value). */
  measured: string;
  pass: boolean;
}

export function judge(exps: readonly Expectation[], t: RunTables): Verdict[] {
  return exps.map((e) => {
    const r = lookup(e, t);
    const measured = 'cell' in r ? r.cell : '';
    return { expectation: e, measured, pass: measured !== '' && holds(e.op, Number(measured), e.value) };
  });
}
