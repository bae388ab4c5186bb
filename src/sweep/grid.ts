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
  /**
   * The axis's column in the outputs: the key's full field path, one spelling whatever the key's
   * (cluster.scheduler.profile, cluster.nodePools.general.count, workloads[1].batch.count); see columnName.
   */
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
  /** "profile=most-allocated count=20": short names (see shortNames), as --baseline and sweep.baseline name cells. */
  label: string;
}

/** Parses "a..b:step" (inclusive), "[x,y,z]" or a single YAML value. */
export function parseValues(text: unknown, origin: string, key: string, maxValues = Infinity): unknown[] {
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
    // Counted before it is made: a range of millions of values is refused at once (scenario/limits.ts).
    if (n + 1 > maxValues)
      throw new ScenarioError(
        origin,
        0,
        0,
        key,
        `the range "${s}" has ${(n + 1).toLocaleString('en-US')} values, more than the ceiling of ${maxValues.toLocaleString('en-US')} runs in the sweep`,
        `raise it with --limit runs=${n + 1} if you mean it`,
      );
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
export function parseGridArg(arg: string, maxValues = Infinity): { key: string; values: unknown[] } {
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new ScenarioError('--grid', 0, 0, '', `expected key=values, got "${arg}"`, 'e.g. --grid "scheduler.profile=[default,first-fit]"');
  const key = arg.slice(0, eq).trim();
  return { key, values: parseValues(arg.slice(eq + 1), '--grid', key, maxValues) };
}

/**
 * The column of a grid key: its full field path from the scenario's root, with `cluster.` where the key
 * leaves it out and list indices written [i]; list items named by their name stay so. Every spelling of a key
 * gives one column (scheduler.profile and cluster.scheduler.profile: cluster.scheduler.profile;
 * nodePools[0].count and nodePools.0.count: cluster.nodePools[0].count), and two axes never share one, as
 * they are different fields. `path` is the key resolved (resolveKey: one segment per segment of the key, after
 * the `cluster` it may add).
 */
export function columnName(key: string, path: readonly PathSeg[]): string {
  const segs: string[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    segs.push(m ? m[1]! : part);
    if (m) for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) segs.push(idx[1]!);
  }
  if (segs.length === path.length - 1) segs.unshift(String(path[0]));
  let out = '';
  segs.forEach((seg, i) => {
    const item = path[i];
    out += typeof item === 'number' ? (/^\d+$/.test(seg) ? `[${item}]` : `.${seg}`) : out === '' ? seg : `.${seg}`;
  });
  return out;
}

/**
 * Short names for cell labels: the last named segment of each path ("profile", "count"), with the parents'
 * names before it where two axes would share one ("count" twice: "count", "nodePools_count").
 */
function shortNames(axes: readonly { key: string; path: PathSeg[] }[]): string[] {
  const taken = new Set<string>();
  return axes.map(({ key, path }) => {
    // The key's own words where it names list items (nodePools.small.count: "small_count" on a clash), else the path's.
    const fromKey = key.split('.').map((k) => k.replace(/\[\d+\]$/, ''));
    const named = fromKey.every((k) => /^[A-Za-z0-9_-]+$/.test(k)) ? fromKey : path.filter((p): p is string => typeof p === 'string');
    let name = named[named.length - 1]!;
    for (let i = named.length - 2; taken.has(name) && i >= 0; i--) name = `${named[i]}_${name}`;
    taken.add(name);
    return name;
  });
}

export function makeAxes(raw: unknown, specs: { key: string; values: unknown[] }[], origin: string): Axis[] {
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
    return { key, column: columnName(key, path), path, values };
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
  const names = shortNames(axes);
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
      label: axes.map((_, k) => `${names[k]}=${valueText(values[k])}`).join(' '),
    });
  }
  return cells;
}
