// A small schema language for the scenario file: one description drives validation (with positions and
// "did you mean"), conversion to base units, defaults, and the JSON Schema that `kubesim schema` prints.
import { lognormalFromMedianP90, type Distribution } from '../engine/distributions.js';
import { parseDuration } from '../engine/time.js';
import { parseMilliQuantity, parseQuantity, QUANTITY_EXPECTED, QuantityError } from '../model/quantity.js';
import { describeValue, didYouMean } from './errors.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';

export type Unit = 'duration' | 'cpu' | 'bytes' | 'number';

export type Schema =
  | { kind: 'object'; props: Record<string, Prop>; additional?: Schema; desc?: string }
  | { kind: 'array'; items: Schema; minItems?: number; desc?: string }
  | { kind: 'string'; enum?: readonly string[]; desc?: string }
  | { kind: 'integer' | 'number'; min?: number; max?: number; desc?: string }
  | { kind: 'boolean'; desc?: string }
  | { kind: 'duration'; desc?: string }
  | { kind: 'quantity'; unit: 'cpu' | 'bytes'; desc?: string }
  | { kind: 'rate'; desc?: string }
  | { kind: 'distribution'; unit: Unit; desc?: string }
  | { kind: 'stringOrList'; desc?: string }
  | { kind: 'any'; desc?: string };

export interface Prop {
  schema: Schema;
  required?: boolean;
  default?: unknown;
  desc: string;
}

export const obj = (props: Record<string, Prop>, desc?: string, additional?: Schema): Schema => ({
  kind: 'object',
  props,
  desc,
  additional,
});
export const prop = (schema: Schema, desc: string, extra: Omit<Prop, 'schema' | 'desc'> = {}): Prop => ({ schema, desc, ...extra });

/** Converts a rate such as "2/m", "800/s", "0.5/h" to events per ms. */
export function parseRate(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return undefined;
  const per: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };
  return Number(m[1]) / per[m[2]!]!;
}

export interface CheckContext {
  doc: YamlDoc;
  /** Reads a CSV column for empirical distributions (relative paths resolve against the scenario). */
  readColumn?: (file: string, column: string, path: PathSeg[]) => number[];
}

function scalarIn(unit: Unit, v: unknown, ctx: CheckContext, path: PathSeg[]): number {
  const { doc } = ctx;
  if (unit === 'duration') {
    if (typeof v === 'number')
      throw doc.error(path, `expected a duration such as "90s", "15m", "2h", ${describeValue(v)}`, `write "${v}s" for seconds`);
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) throw doc.error(path, `expected a duration such as "90s", "15m", "2h", "7d", ${describeValue(v)}`);
    return ms;
  }
  if (unit === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw doc.error(path, `expected a number, ${describeValue(v)}`);
    return v;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw doc.error(path, `expected ${QUANTITY_EXPECTED}, ${describeValue(v)}`);
  try {
    const q = unit === 'cpu' ? parseMilliQuantity(v) : parseQuantity(v);
    if (q < 0) throw doc.error(path, `expected a non-negative quantity, ${describeValue(v)}`);
    return q;
  } catch (e) {
    if (e instanceof QuantityError && e.outOfRange) throw doc.error(path, `quantity "${v}" ${e.outOfRange}`);
    if (e instanceof QuantityError)
      throw doc.error(path, `malformed quantity "${v}": expected ${QUANTITY_EXPECTED}`, e.hint ? `did you mean ${e.hint}?` : undefined);
    throw e;
  }
}

const DIST_KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'weibull', 'empirical'];

function checkDistribution(v: unknown, unit: Unit, ctx: CheckContext, path: PathSeg[]): Distribution {
  const { doc } = ctx;
  if (typeof v === 'string' || typeof v === 'number') return { kind: 'constant', value: scalarIn(unit, v, ctx, path) };
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw doc.error(path, `expected a value or a distribution such as {exponential: {mean: ...}}, ${describeValue(v)}`);
  }
  const keys = Object.keys(v);
  if (keys.length !== 1) throw doc.error(path, `expected exactly one distribution (${DIST_KINDS.join(', ')}), got ${keys.length} keys`);
  const kind = keys[0]!;
  const args = (v as Record<string, unknown>)[kind];
  const at = [...path, kind];
  const need = (names: string[], opt: string[] = []): Record<string, unknown> => {
    if (!args || typeof args !== 'object' || Array.isArray(args))
      throw doc.error(at, `expected a mapping with ${names.join(', ')}, ${describeValue(args)}`);
    const a = args as Record<string, unknown>;
    for (const k of Object.keys(a)) {
      if (!names.includes(k) && !opt.includes(k)) {
        const dym = didYouMean(k, [...names, ...opt]);
        throw doc.error(
          [...at, k],
          `unknown field "${k}" of ${kind}; expected ${[...names, ...opt].join(', ')}`,
          dym ? `did you mean "${dym}"?` : undefined,
          true,
        );
      }
    }
    for (const k of names) if (a[k] === undefined) throw doc.error(at, `${kind} needs "${k}"`);
    return a;
  };
  const num = (a: Record<string, unknown>, k: string) => scalarIn(unit, a[k], ctx, [...at, k]);
  const positive = (x: number, k: string) => {
    if (!(x > 0)) throw doc.error([...at, k], `expected a positive value, ${describeValue(x)}`);
    return x;
  };
  switch (kind) {
    case 'constant':
      return { kind: 'constant', value: scalarIn(unit, args, ctx, at) };
    case 'uniform': {
      const a = need(['min', 'max']);
      const min = num(a, 'min');
      const max = num(a, 'max');
      if (max < min) throw doc.error([...at, 'max'], 'expected max >= min');
      return { kind: 'uniform', min, max };
    }
    case 'exponential': {
      const a = need([], ['mean', 'rate']);
      if (a.rate !== undefined) {
        const r = typeof a.rate === 'string' ? parseRate(a.rate) : undefined;
        if (!r) throw doc.error([...at, 'rate'], `expected a rate such as "2/m", ${describeValue(a.rate)}`);
        return { kind: 'exponential', mean: 1 / r };
      }
      if (a.mean === undefined) throw doc.error(at, 'exponential needs "mean" (or "rate")');
      return { kind: 'exponential', mean: positive(num(a, 'mean'), 'mean') };
    }
    case 'normal': {
      const a = need(['mean', 'stddev']);
      return { kind: 'normal', mean: num(a, 'mean'), stddev: num(a, 'stddev') };
    }
    case 'lognormal': {
      const a = need(['median', 'p90']);
      const median = positive(num(a, 'median'), 'median');
      const p90 = num(a, 'p90');
      if (p90 < median) throw doc.error([...at, 'p90'], 'expected p90 >= median');
      return { kind: 'lognormal', ...lognormalFromMedianP90(median, p90) };
    }
    case 'weibull': {
      const a = need(['shape', 'scale']);
      const shape = a.shape;
      if (typeof shape !== 'number' || !(shape > 0))
        throw doc.error([...at, 'shape'], `expected a positive number, ${describeValue(shape)}`);
      return { kind: 'weibull', shape, scale: positive(num(a, 'scale'), 'scale') };
    }
    case 'empirical': {
      const a = need([], ['values', 'file', 'column']);
      let raw: unknown[];
      if (a.values !== undefined) {
        if (!Array.isArray(a.values) || a.values.length === 0)
          throw doc.error([...at, 'values'], `expected a non-empty list, ${describeValue(a.values)}`);
        raw = a.values;
      } else {
        if (typeof a.file !== 'string' || typeof a.column !== 'string')
          throw doc.error(at, 'empirical needs "values", or "file" and "column"');
        if (!ctx.readColumn) throw doc.error(at, 'empirical distributions from files are not available here');
        raw = ctx.readColumn(a.file, a.column, at);
      }
      const values = Float64Array.from(raw.map((x, i) => scalarIn(unit, x, ctx, [...at, 'values', i])));
      return { kind: 'empirical', values };
    }
    default: {
      const dym = didYouMean(kind, DIST_KINDS);
      throw doc.error(
        at,
        `unknown distribution "${kind}"; expected one of ${DIST_KINDS.join(', ')}`,
        dym ? `did you mean "${dym}"?` : undefined,
        true,
      );
    }
  }
}

/** Validates `v` against `s` and returns it converted (durations in ms, quantities in base units, defaults filled). */
export function check(v: unknown, s: Schema, ctx: CheckContext, path: PathSeg[]): unknown {
  const { doc } = ctx;
  switch (s.kind) {
    case 'any':
      return v;
    case 'object': {
      if (v === null || v === undefined) v = {};
      if (typeof v !== 'object' || Array.isArray(v)) throw doc.error(path, `expected a mapping, ${describeValue(v)}`);
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(src)) {
        if (Object.hasOwn(s.props, k)) continue;
        if (s.additional) {
          out[k] = check(src[k], s.additional, ctx, [...path, k]);
          continue;
        }
        const dym = didYouMean(k, Object.keys(s.props));
        throw doc.error(
          [...path, k],
          `unknown field "${k}"`,
          dym ? `did you mean "${dym}"?` : `expected one of ${Object.keys(s.props).join(', ')}`,
          true,
        );
      }
      for (const [k, p] of Object.entries(s.props)) {
        const val = src[k];
        if (val === undefined || val === null) {
          if (p.required) throw doc.error(path, `missing required field "${k}" (${p.desc})`);
          if (p.default !== undefined) out[k] = check(structuredClone(p.default), p.schema, ctx, [...path, k]);
          continue;
        }
        out[k] = check(val, p.schema, ctx, [...path, k]);
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(v)) throw doc.error(path, `expected a list, ${describeValue(v)}`);
      if (s.minItems && v.length < s.minItems) throw doc.error(path, `expected at least ${s.minItems} item(s), got ${v.length}`);
      return v.map((x, i) => check(x, s.items, ctx, [...path, i]));
    }
    case 'string': {
      if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
      if (typeof v !== 'string') throw doc.error(path, `expected a string, ${describeValue(v)}`);
      if (s.enum && !s.enum.includes(v)) {
        const dym = didYouMean(v, s.enum);
        throw doc.error(path, `expected one of ${s.enum.join(', ')}, ${describeValue(v)}`, dym ? `did you mean "${dym}"?` : undefined);
      }
      return v;
    }
    case 'stringOrList': {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string')) {
        throw doc.error(path, `expected a file name or a list of file names, ${describeValue(v)}`);
      }
      return list;
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw doc.error(path, `expected ${s.kind === 'integer' ? 'an integer' : 'a number'}, ${describeValue(v)}`);
      if (s.kind === 'integer' && !Number.isInteger(v)) throw doc.error(path, `expected an integer, ${describeValue(v)}`);
      if (s.min !== undefined && v < s.min)
        throw doc.error(path, `expected ${s.min === 0 ? 'a non-negative value' : `a value >= ${s.min}`}, ${describeValue(v)}`);
      if (s.max !== undefined && v > s.max) throw doc.error(path, `expected a value <= ${s.max}, ${describeValue(v)}`);
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw doc.error(path, `expected true or false, ${describeValue(v)}`);
      return v;
    case 'duration':
      return scalarIn('duration', v, ctx, path);
    case 'quantity':
      return scalarIn(s.unit, v, ctx, path);
    case 'rate': {
      const r = typeof v === 'string' ? parseRate(v) : undefined;
      if (r === undefined) throw doc.error(path, `expected a rate such as "2/m" or "800/s", ${describeValue(v)}`);
      return r;
    }
    case 'distribution':
      return checkDistribution(v, s.unit, ctx, path);
  }
}

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+$|^0$';
const QUANTITY_PATTERN = '^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$';

/** JSON Schema (draft 2020-12) of a schema, for editors. */
export function toJsonSchema(s: Schema): Record<string, unknown> {
  const d = s.desc ? { description: s.desc } : {};
  switch (s.kind) {
    case 'any':
      return { ...d };
    case 'object': {
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const [k, p] of Object.entries(s.props)) {
        properties[k] = { ...toJsonSchema(p.schema), description: p.desc, ...(p.default !== undefined ? { default: p.default } : {}) };
        if (p.required) required.push(k);
      }
      return {
        type: 'object',
        ...d,
        properties,
        ...(required.length ? { required } : {}),
        additionalProperties: s.additional ? toJsonSchema(s.additional) : false,
      };
    }
    case 'array':
      return { type: 'array', ...d, items: toJsonSchema(s.items), ...(s.minItems ? { minItems: s.minItems } : {}) };
    case 'string':
      return { type: 'string', ...d, ...(s.enum ? { enum: [...s.enum] } : {}) };
    case 'stringOrList':
      return { ...d, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] };
    case 'integer':
    case 'number':
      return { type: s.kind, ...d, ...(s.min !== undefined ? { minimum: s.min } : {}), ...(s.max !== undefined ? { maximum: s.max } : {}) };
    case 'boolean':
      return { type: 'boolean', ...d };
    case 'duration':
      return { type: 'string', pattern: DURATION_PATTERN, ...d };
    case 'quantity':
      return {
        ...d,
        oneOf: [
          { type: 'string', pattern: QUANTITY_PATTERN },
          { type: 'number', minimum: 0 },
        ],
      };
    case 'rate':
      return { type: 'string', pattern: '^\\d+(\\.\\d+)?/(ms|s|m|h|d)$', ...d };
    case 'distribution': {
      const scalar =
        s.unit === 'duration'
          ? { type: 'string', pattern: DURATION_PATTERN }
          : s.unit === 'number'
            ? { type: 'number' }
            : { oneOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }] };
      const one = (k: string, props: string[]) => ({
        type: 'object',
        additionalProperties: false,
        required: [k],
        properties: { [k]: { type: 'object', properties: Object.fromEntries(props.map((p) => [p, scalar])) } },
      });
      return {
        ...d,
        oneOf: [
          scalar,
          one('uniform', ['min', 'max']),
          one('exponential', ['mean', 'rate']),
          one('normal', ['mean', 'stddev']),
          one('lognormal', ['median', 'p90']),
          one('weibull', ['shape', 'scale']),
          one('empirical', ['values', 'file', 'column']),
          { type: 'object', required: ['constant'], properties: { constant: scalar }, additionalProperties: false },
        ],
      };
    }
  }
}

/** The input with schema defaults filled in, in the input's own units (for the resolved scenario file). */
export function fillDefaults(v: unknown, s: Schema): unknown {
  if (s.kind === 'object') {
    if (v === null || v === undefined) v = {};
    if (typeof v !== 'object' || Array.isArray(v)) return v;
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.props)) {
      const val = src[k] ?? p.default;
      if (val !== undefined && val !== null) out[k] = fillDefaults(structuredClone(val), p.schema);
    }
    for (const k of Object.keys(src)) if (!Object.hasOwn(s.props, k)) out[k] = s.additional ? fillDefaults(src[k], s.additional) : src[k];
    return out;
  }
  if (s.kind === 'array' && Array.isArray(v)) return v.map((x) => fillDefaults(x, s.items));
  return v;
}
