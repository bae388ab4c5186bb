// Sweep grids: axes of values for scenario fields, crossed into cells. From the command line
// (--grid 'scheduler.profile=[default,most-allocated]' --grid 'nodePools.general.count=10..50:10')
// or from the scenario's `sweep:` block (grid: {key: [values] | "10..50:10"}).
import { parse as yamlParse } from 'yaml';
import { ScenarioError } from '../scenario/errors.js';
import { resolveKey } from '../scenario/paths.js';
import type { PathSeg } from '../scenario/yaml-source.js';

export interface Axis {
  /** The key as the user wrote it. */
  key: string;
  /** Short column name for outputs: the last named segment ("profile", "count"). */
  column: string;
  path: PathSeg[];
  values: unknown[];
}

export interface Cell {
  /** "c00", "c01", …: the run directory name. */
  id: string;
  index: number;
  /** One value per axis. */
  values: unknown[];
  /** `key=value` overrides for `kubesim run --set`. */
  sets: string[];
  /** "profile=most-allocated count=20" */
  label: string;
}

/** Parses "a..b:step" (inclusive), "[x,y,z]" or a single YAML value. */
export function parseValues(text: unknown, origin: string, key: string): unknown[] {
  if (Array.isArray(text)) {
    if (text.length === 0) throw new ScenarioError(origin, 0, 0, key, 'the list of values is empty');
    return noRepeats(text, origin, key);
  }
  if (typeof text !== 'string') return [text];
  const s = text.trim();
  const range = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)(?:\s*:\s*(-?\d+(?:\.\d+)?))?$/.exec(s);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!(step > 0)) throw new ScenarioError(origin, 0, 0, key, `the step of "${s}" must be positive`);
    if (to < from) throw new ScenarioError(origin, 0, 0, key, `the range "${s}" is empty (${to} < ${from})`);
    const out: number[] = [];
    // Count steps with integers so 0.1 increments do not drift.
    const n = Math.floor((to - from) / step + 1e-9);
    for (let i = 0; i <= n; i++) out.push(Number((from + i * step).toPrecision(12)));
    return out;
  }
  if (s.startsWith('[')) {
    let list: unknown;
    try {
      list = yamlParse(s);
    } catch {
      throw new ScenarioError(origin, 0, 0, key, `cannot read the list "${s}"`, 'write values like [a,b,c] or a range like 10..50:10');
    }
    if (!Array.isArray(list) || list.length === 0) throw new ScenarioError(origin, 0, 0, key, `the list "${s}" is empty`);
    return noRepeats(list, origin, key);
  }
  if (s === '') throw new ScenarioError(origin, 0, 0, key, 'no values given', 'write values like [a,b,c] or a range like 10..50:10');
  return [yamlParse(s)];
}

/** A value listed twice would make two identical cells. */
function noRepeats(values: unknown[], origin: string, key: string): unknown[] {
  const seen = new Set<string>();
  for (const v of values) {
    const t = JSON.stringify(v);
    if (seen.has(t)) throw new ScenarioError(origin, 0, 0, key, `the value ${valueText(v)} is listed twice`);
    seen.add(t);
  }
  return values;
}

/** Parses one --grid argument "key=values". */
export function parseGridArg(arg: string): { key: string; values: unknown[] } {
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new ScenarioError('--grid', 0, 0, '', `expected key=values, got "${arg}"`, 'e.g. --grid "scheduler.profile=[default,first-fit]"');
  const key = arg.slice(0, eq).trim();
  return { key, values: parseValues(arg.slice(eq + 1), '--grid', key) };
}

function columnName(path: PathSeg[], taken: Set<string>): string {
  const named = path.filter((p): p is string => typeof p === 'string');
  let col = named[named.length - 1]!;
  // Disambiguate ("count" twice -> "general_count", "gpu_count") using the list item or parent name.
  for (let i = named.length - 2; taken.has(col) && i >= 0; i--) col = `${named[i]}_${col}`;
  taken.add(col);
  return col;
}

export function makeAxes(raw: unknown, specs: { key: string; values: unknown[] }[], origin: string): Axis[] {
  const taken = new Set<string>();
  const seen = new Set<string>();
  return specs.map(({ key, values }) => {
    const path = resolveKey(raw, key, origin);
    if (path.length === 1 && path[0] === 'seed')
      throw new ScenarioError(
        origin,
        0,
        0,
        key,
        'the seed is not a grid field',
        'use --seeds N (or sweep.seeds): every cell runs with the seeds seed, seed+1, …',
      );
    const canonical = path.join('.');
    if (seen.has(canonical)) throw new ScenarioError(origin, 0, 0, key, 'this field is already on the grid');
    seen.add(canonical);
    return { key, column: columnName(path, taken), path, values };
  });
}

/** A path as `--set` takes it: cluster.nodePools[0].count. */
export function pathKey(path: PathSeg[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** A value as `--set` reads it back (strings that YAML would read otherwise are quoted). */
export function valueText(v: unknown): string {
  if (typeof v === 'string') {
    let back: unknown;
    try {
      back = yamlParse(v);
    } catch {
      back = undefined;
    }
    return back === v ? v : JSON.stringify(v);
  }
  return JSON.stringify(v);
}

/** The cross product of the axes, first axis slowest. */
export function makeCells(axes: Axis[]): Cell[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const width = String(Math.max(0, total - 1)).length;
  const cells: Cell[] = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    const values: unknown[] = new Array(axes.length);
    for (let k = axes.length - 1; k >= 0; k--) {
      const n = axes[k]!.values.length;
      values[k] = axes[k]!.values[rest % n];
      rest = Math.floor(rest / n);
    }
    cells.push({
      id: `c${String(index).padStart(Math.max(2, width), '0')}`,
      index,
      values,
      sets: axes.map((a, k) => `${pathKey(a.path)}=${valueText(values[k])}`),
      label: axes.map((a, k) => `${a.column}=${valueText(values[k])}`).join(' '),
    });
  }
  return cells;
}
