// A sweep plan: the cells of the grid crossed with the seeds, in a fixed order, and a fingerprint
// that identifies the sweep (scenario and every file it reads, overrides, grid, seeds).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { didYouMean, ScenarioError } from '../scenario/errors.js';
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { checkSweepRuns, DEFAULT_LIMITS, type Limits } from '../scenario/limits.js';
import { parseYaml, readText, type PathSeg, type YamlDoc } from '../scenario/yaml-source.js';
import { unknownMetrics, type ObjectiveSpec } from './objective.js';
import type { Expectation } from '../expect/expectation.js';
import { checkExpectations, parseAsserts, probeTables } from '../expect/report.js';
import { makeAxes, makeCells, parseGridArg, parseValues, pathKey, valueText, type Axis, type Cell } from './grid.js';

export const SWEEP_FORMAT = 2;

export interface Run {
  /** Position in the full run list (cells slowest, then seeds). */
  index: number;
  cell: Cell;
  seed: number;
}

export interface SweepPlan {
  /** The scenario file as given (relative to the working directory where possible). */
  file: string;
  /** --set overrides applied to every run. */
  sets: string[];
  axes: Axis[];
  cells: Cell[];
  seeds: number[];
  baseline: Cell | null;
  /** The scenario's capacity-planning objective (sweep.objective), if it has one. */
  objective: ObjectiveSpec | null;
  /** Expectations judged per cell: the scenario's expect: block and --assert. */
  expect: Expectation[];
  fingerprint: string;
  runs: Run[];
  /** Ceilings every run is loaded with (not part of the fingerprint: they change no result). */
  limits: Limits;
}

export interface PlanOptions {
  grid: string[];
  seeds?: number;
  /** --seed: the first seed (default the scenario's). */
  seed?: LoadOptions['seed'];
  set: string[];
  baseline?: string;
  /** --assert expressions. */
  asserts?: string[];
  /** Ceilings (--limit); DEFAULT_LIMITS when absent. */
  limits?: Limits;
}

export function findCell(cells: Cell[], name: string, origin: string): Cell {
  const norm = (s: string) => s.replace(/[,\s]+/g, ' ').trim();
  const c = cells.find((x) => x.id === name || norm(x.label) === norm(name));
  if (!c) {
    const dym = didYouMean(
      norm(name),
      cells.map((x) => norm(x.label)),
    );
    throw new ScenarioError(
      origin,
      0,
      0,
      '',
      `no cell "${name}"`,
      `${dym ? `did you mean "${dym}"? ` : ''}cells: ${cells.map((x) => `${x.id} (${x.label})`).join(', ')}`,
    );
  }
  return c;
}

/**
 * Errors in the scenario's own `sweep:` block are raised without a position by the grid helpers: this
 * gives them the line of the field they concern.
 */
function inFile<T>(doc: YamlDoc | null, path: PathSeg[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (doc && e instanceof ScenarioError && e.line === 0) throw doc.error(path, e.problem, e.hint);
    throw e;
  }
}

/**
 * Checks every value of every axis once, as the runs will apply it, so a misspelt or impossible value
 * stops the sweep before it starts (with the --grid option or the sweep.grid line that holds it).
 */
function checkValues(
  file: string,
  axes: Axis[],
  sets: string[],
  origin: string,
  doc: YamlDoc | null,
  fileGrid: Record<string, unknown>,
  limits: Limits,
): void {
  const gridKeys = Object.keys(fileGrid);
  const cache: NonNullable<LoadOptions['manifestCache']> = new Map();
  axes.forEach((axis, k) => {
    axis.values.forEach((v, i) => {
      const set = `${pathKey(axis.path)}=${valueText(v)}`;
      try {
        loadScenario(file, { set: [...sets, set], manifestCache: cache, limits });
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        const comma = typeof v === 'string' && v.includes(',') ? 'several values are written as a list: [a,b]' : undefined;
        const problem = `the value ${valueText(v)} is not valid here: ${e.path ? `${e.path}: ` : ''}${e.problem}`;
        const hint = [e.hint, comma].filter(Boolean).join('; ') || undefined;
        if (doc) {
          const key = gridKeys[k]!;
          throw doc.error(['sweep', 'grid', key, ...(Array.isArray(fileGrid[key]) ? [i] : [])], problem, hint);
        }
        throw new ScenarioError(origin, 0, 0, axis.key, problem, hint);
      }
    });
  });
}

/** The objective's metrics must be columns of summary.csv (`known`: a probe run's), so a misspelt one stops the sweep before it starts. */
function checkObjective(file: string, known: string[], objective: ObjectiveSpec, doc: YamlDoc | null): void {
  const names = [objective.minimize, ...objective.constraints.map((c) => c.metric)];
  names.forEach((n, i) => {
    const problems = unknownMetrics({ minimize: n, constraints: [] }, known);
    if (problems.length === 0) return;
    const path: PathSeg[] = i === 0 ? ['sweep', 'objective', 'minimize'] : ['sweep', 'objective', 'constraints', i - 1];
    inFile(doc, path, () => {
      throw new ScenarioError(file, 0, 0, '', problems[0]!);
    });
  });
}

export function planSweep(file: string, opts: PlanOptions): SweepPlan {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const base = loadScenario(file, { set: opts.set, seed: opts.seed, limits });
  const fromFile = base.sweep;
  const gridFromFile = opts.grid.length === 0 && fromFile !== null && Object.keys(fromFile.grid).length > 0;
  // The scenario file's YAML, for the positions of errors in its sweep: block.
  const objective = fromFile?.objective ?? null;
  const doc =
    gridFromFile || objective !== null || (opts.baseline === undefined && fromFile?.baseline !== undefined)
      ? (parseYaml(readText(file), base.file)[0] ?? null)
      : null;
  const specs = opts.grid.length
    ? opts.grid.map((g) => parseGridArg(g, limits.runs))
    : Object.entries(fromFile?.grid ?? {}).map(([key, v]) => ({
        key,
        values: inFile(doc, ['sweep', 'grid', key], () => parseValues(v, base.file, '', limits.runs)),
      }));
  const origin = opts.grid.length ? '--grid' : base.file;
  const axes = specs.map((sp) => inFile(gridFromFile ? doc : null, ['sweep', 'grid', sp.key], () => makeAxes(base.raw, [sp], origin)[0]!));
  // makeAxes also checks the axes against each other: repeated fields and output column names.
  const checked = makeAxes(base.raw, specs, origin);
  axes.forEach((a, k) => (a.column = checked[k]!.column));
  const nSeeds = opts.seeds ?? fromFile?.seeds ?? 1;
  if (!(Number.isInteger(nSeeds) && nSeeds >= 1))
    throw new ScenarioError('--seeds', 0, 0, '', `expected a positive integer, got ${nSeeds}`);
  // Before any value is checked or cell made: a grid of millions of cells is refused at once.
  const nRuns = axes.reduce((n, a) => n * a.values.length, 1) * nSeeds;
  const runsAt =
    opts.seeds !== undefined
      ? { file: '--seeds', line: 0, column: 0, path: '' }
      : opts.grid.length || !doc
        ? { file: origin, line: 0, column: 0, path: '' }
        : { file: base.file, ...doc.locate(['sweep']), path: 'sweep' };
  checkSweepRuns(nRuns, limits, runsAt);
  checkValues(file, axes, opts.set, origin, gridFromFile ? doc : null, gridFromFile ? fromFile.grid : {}, limits);
  const cells = makeCells(axes);
  const seeds = Array.from({ length: nSeeds }, (_, i) => base.seed + i);
  const baselineName = opts.baseline ?? fromFile?.baseline;
  const baseline =
    baselineName === undefined
      ? null
      : opts.baseline !== undefined
        ? findCell(cells, baselineName, '--baseline')
        : inFile(doc, ['sweep', 'baseline'], () => findCell(cells, baselineName, base.file));
  const expect = [...base.expect, ...parseAsserts(opts.asserts ?? [])];
  // One probe run tells both which columns and rows the runs will have.
  if (objective || expect.length > 0) {
    const tables = probeTables(file, { set: opts.set, seed: opts.seed, limits });
    if (objective) checkObjective(file, Object.keys(tables.summary), objective, doc);
    checkExpectations(tables, expect);
  }
  const runs: Run[] = [];
  for (const cell of cells) for (const seed of seeds) runs.push({ index: runs.length, cell, seed });

  const h = createHash('sha256');
  h.update(`kubesim-sweep ${SWEEP_FORMAT}\n`);
  // Contents, not paths: the same sweep checked out in two places has one fingerprint.
  for (const src of base.sources) h.update(createHash('sha256').update(readFileSync(src)).digest('hex')).update('\n');
  h.update(JSON.stringify({ sets: opts.set, axes: axes.map((a) => [a.path, a.values.map(valueText)]), seeds }));
  return {
    file: relative(process.cwd(), file) || file,
    sets: opts.set,
    axes,
    cells,
    seeds,
    baseline,
    objective,
    expect,
    fingerprint: h.digest('hex').slice(0, 16),
    runs,
    limits,
  };
}

/** The runs of shard `index` of `count`: every count-th run, so long and short cells spread evenly. */
export function shardRuns(runs: Run[], index: number, count: number): Run[] {
  return runs.filter((r) => r.index % count === index);
}

/** Parses "i/n" (0-based i, as $JOB_COMPLETION_INDEX is). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ScenarioError('--shard', 0, 0, '', `expected i/n such as 0/4, got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ScenarioError('--shard', 0, 0, '', `the number of shards must be at least 1, got ${count}`);
  if (index >= count)
    throw new ScenarioError('--shard', 0, 0, '', `shard index ${index} is out of range: shards are numbered 0 to ${count - 1}`);
  return { index, count };
}

/** The directory of one run inside a sweep's output. */
export function runDir(run: Run): string {
  return `runs/${run.cell.id}/${run.seed}`;
}

/** The command that repeats one run on its own. */
export function reproduce(plan: SweepPlan, run: Run, outDir: string): string {
  const q = (s: string) => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const sets = [...plan.sets, ...run.cell.sets].map((s) => `--set ${q(s)}`).join(' ');
  return `npx kubesim run ${q(plan.file)} --seed ${run.seed}${sets ? ` ${sets}` : ''} --out ${q(`${outDir}/${runDir(run)}`)}`;
}
