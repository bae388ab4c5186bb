// A small schema language for the scenario file: one description drives validation (with positions and
// "did you mean"), conversion to base units, defaults, and the JSON Schema that `kubesim schema` prints.
import { lognormalFromMedianP90, type Distribution } from '../engine/distributions.js';
import { parseDuration } from '../engine/time.js';
import { MAX_QUANTITY, parseMilliQuantity, parseQuantity, QUANTITY_EXPECTED, QuantityError } from '../model/quantity.js';
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
    // -0.5 rounds up to -0, which is not < 0: the sign is the text's.
    if (q < 0 || Object.is(q, -0)) throw doc.error(path, `expected a non-negative quantity, ${describeValue(v)}`);
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
      throw doc.error(at, `expected a mapping with ${[...names, ...opt.map((o) => `${o} (optional)`)].join(', ')}, ${describeValue(args)}`);
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
      if (a.rate !== undefined && a.mean !== undefined) throw doc.error([...at, 'mean'], 'give "mean" or "rate", not both');
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
      if (a.values !== undefined && (a.file !== undefined || a.column !== undefined))
        throw doc.error([...at, a.file !== undefined ? 'file' : 'column'], 'give "values", or "file" and "column", not both');
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
      // Beyond 2^53 a number is not kept exactly (a seed of 9007199254740993 would run as ...992).
      if (s.kind === 'integer' && !Number.isSafeInteger(v))
        throw doc.error(path, `expected an integer below 2^53 = 9007199254740992, ${describeValue(v)}`);
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

// ---- JSON Schema, for editors (`kubesim schema`) ----
// The JSON Schema accepts what check() accepts: the same value syntax (the patterns below follow the parsers), the
// same types (a string field also takes a number or true/false, which check() turns into text), null for an optional
// field (check() treats it as absent). What the loader checks beyond a schema's reach (max >= min, a positive mean, a
// PriorityClass that exists, one kind per workloads entry, values in range) it leaves to `kubesim validate`.
// test/scenario/json-schema.test.ts holds the two to each other.

type Json = Record<string, unknown>;

/** What parseDuration (engine/time.ts) reads: trimmed, "0" or one or more <decimal><unit>. Numbers are refused. */
const DURATION_PATTERN = '^\\s*(?:0|(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d|w))+)\\s*$';
/**
 * What parseQuantity (model/quantity.ts) reads, trimmed: <sign><decimal><suffix>; and what scalarIn then keeps: no
 * negative value, so a minus sign only before a zero ("-0"). Magnitude (at most 2^63-1 base units) is not a pattern.
 */
const QUANTITY_PATTERN =
  '^\\s*(?:\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)|-(?:0+(?:\\.0*)?|\\.0+))(?:Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\\d+|[numkMGTPE])?\\s*$';
/** What parseRate (above) reads. */
const RATE_PATTERN = '^\\s*\\d+(?:\\.\\d+)?\\s*/\\s*(?:ms|s|m|h|d)\\s*$';
/** A rate above zero, as the `rate` of an exponential distribution must be. */
const POSITIVE_RATE_PATTERN = '^\\s*(?=[\\d.]*[1-9])\\d+(?:\\.\\d+)?\\s*/\\s*(?:ms|s|m|h|d)\\s*$';
/** Extended resource names as isValidResourceName (model/resources.ts) takes them: hugepages-<size>, <domain>/<name>. */
const EXTENDED_RESOURCE_PATTERN = '^hugepages-|^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$';
/** Resource names every resource list takes; `pods` only where the list declares it (node allocatable, not requests). */
const NATIVE_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * format.ts's notYet(): a section reserved for a later version. The loader refuses it whatever it holds (NOT_YET in
 * format.ts), so the JSON Schema does too.
 */
const isNotYet = (s: Schema): boolean => s.kind === 'any' && /\bnot supported yet\b/.test(s.desc ?? '');

const VALUE_TEXT: Record<Unit, string> = {
  duration: 'a duration such as "90s", "15m", "1h30m"',
  cpu: 'a CPU quantity such as 500m or 2',
  bytes: 'a quantity such as 512Mi, 2Gi or 1',
  number: 'a number',
};

/** A single value in a unit, as scalarIn takes it. */
function valueJson(unit: Unit): Json {
  switch (unit) {
    case 'duration':
      return { type: 'string', pattern: DURATION_PATTERN };
    case 'number':
      return { type: 'number' };
    case 'cpu':
    case 'bytes':
      // pattern applies to strings only, minimum and maximum to numbers only.
      return { type: ['string', 'number'], pattern: QUANTITY_PATTERN, minimum: 0, maximum: MAX_QUANTITY };
  }
}

/** The distributions checkDistribution takes, with values in `unit`. */
function distributionJson(unit: Unit): Json {
  const v = (description: string): Json => ({ ...valueJson(unit), description });
  const form = (kind: string, description: string, args: Json): Json => ({
    type: 'object',
    description,
    properties: { [kind]: args },
    required: [kind],
    additionalProperties: false,
  });
  const params = (properties: Json, required: Json): Json => ({ type: 'object', properties, ...required, additionalProperties: false });
  return {
    description: `${VALUE_TEXT[unit]}, or a distribution of such values`,
    oneOf: [
      v(VALUE_TEXT[unit]),
      form('constant', 'always the same value', v(VALUE_TEXT[unit])),
      form(
        'uniform',
        'uniform between min and max',
        params({ min: v('lower bound'), max: v('upper bound (>= min)') }, { required: ['min', 'max'] }),
      ),
      form(
        'exponential',
        'exponential, by its mean or by a rate (mean = 1/rate)',
        params(
          {
            mean: v('mean (positive)'),
            rate: {
              type: 'string',
              pattern: POSITIVE_RATE_PATTERN,
              description: 'events per unit of time, e.g. 2/m; used instead of mean',
            },
          },
          { oneOf: [{ required: ['mean'] }, { required: ['rate'] }] },
        ),
      ),
      form(
        'normal',
        'normal, truncated at 0',
        params({ mean: v('mean'), stddev: v('standard deviation') }, { required: ['mean', 'stddev'] }),
      ),
      form(
        'lognormal',
        'lognormal, by its median and 90th percentile',
        params({ median: v('median (positive)'), p90: v('90th percentile (>= median)') }, { required: ['median', 'p90'] }),
      ),
      form(
        'weibull',
        'Weibull',
        params(
          { shape: { type: 'number', exclusiveMinimum: 0, description: 'shape k, a positive number' }, scale: v('scale λ (positive)') },
          { required: ['shape', 'scale'] },
        ),
      ),
      form(
        'empirical',
        'one of the values listed, or of a CSV column, with equal probability',
        params(
          {
            values: { type: 'array', minItems: 1, items: valueJson(unit), description: 'the values' },
            file: { type: 'string', description: 'CSV file, relative to the scenario' },
            column: { type: 'string', description: 'column of the CSV file (by its header)' },
          },
          { oneOf: [{ required: ['values'] }, { required: ['file', 'column'] }], not: { required: ['values', 'file'] } },
        ),
      ),
    ],
  };
}

/** The same schema, also taking null (an optional field left empty, which check() treats as absent). */
function orNull(j: Json): Json {
  if ('not' in j || !('type' in j || '$ref' in j || 'oneOf' in j)) return j;
  if ('$ref' in j) {
    const { $ref, ...rest } = j;
    return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
  }
  if ('oneOf' in j) return { ...j, oneOf: [...(j.oneOf as Json[]), { type: 'null' }] };
  const types = Array.isArray(j.type) ? (j.type as string[]) : [j.type as string];
  return { ...j, type: [...types, 'null'], ...(Array.isArray(j.enum) ? { enum: [...(j.enum as unknown[]), null] } : {}) };
}

/**
 * A mapping whose other keys hold quantities or distributions of them is a resource list (node allocatable, batch
 * requests): the loader takes as its other keys the resource names a pod may request.
 */
function resourceNames(s: Extract<Schema, { kind: 'object' }>): Json | undefined {
  if (s.additional?.kind !== 'quantity' && s.additional?.kind !== 'distribution') return undefined;
  // Resource maps name cpu and memory among their fields; other quantity maps (imageSizes) take any key.
  if (Object.keys(s.props).length === 0) return undefined;
  const names = [...new Set([...NATIVE_RESOURCES, ...Object.keys(s.props)])].map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return { type: 'string', pattern: `^(?:${names.join('|')})$|${EXTENDED_RESOURCE_PATTERN}` };
}

function emit(s: Schema, defs: Json): Json {
  const d = s.desc ? { description: s.desc } : {};
  switch (s.kind) {
    case 'any':
      return isNotYet(s) ? { ...d, not: {} } : { ...d };
    case 'object': {
      const properties: Json = {};
      const required: string[] = [];
      for (const [k, p] of Object.entries(s.props)) {
        const j = emit(p.schema, defs);
        properties[k] = {
          ...(p.required ? j : orNull(j)),
          description: p.desc,
          ...(p.default !== undefined ? { default: p.default } : {}),
        };
        if (p.required) required.push(k);
      }
      const names = resourceNames(s);
      return {
        type: 'object',
        ...d,
        properties,
        ...(required.length ? { required } : {}),
        ...(names ? { propertyNames: names } : {}),
        additionalProperties: s.additional ? emit(s.additional, defs) : false,
      };
    }
    case 'array':
      return { type: 'array', ...d, items: emit(s.items, defs), ...(s.minItems ? { minItems: s.minItems } : {}) };
    case 'string':
      // check() takes a number or true/false as its text; no enum of this format holds such a text.
      return s.enum ? { type: 'string', ...d, enum: [...s.enum] } : { type: ['string', 'number', 'boolean'], ...d };
    case 'stringOrList':
      return { ...d, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] };
    case 'integer':
    case 'number':
      return { type: s.kind, ...d, ...(s.min !== undefined ? { minimum: s.min } : {}), ...(s.max !== undefined ? { maximum: s.max } : {}) };
    case 'boolean':
      return { type: 'boolean', ...d };
    case 'duration':
      return { ...valueJson('duration'), ...d };
    case 'quantity':
      return { ...valueJson(s.unit), ...d };
    case 'rate':
      return { type: 'string', pattern: RATE_PATTERN, ...d };
    case 'distribution': {
      const name = `${s.unit}Distribution`;
      defs[name] ??= distributionJson(s.unit);
      return { $ref: `#/$defs/${name}`, ...d };
    }
  }
}

/**
 * JSON Schema (draft 2020-12) of a schema, for editors; the distributions are in `$defs`, so the result is meant to
 * be a document's root.
 */
export function toJsonSchema(s: Schema): Record<string, unknown> {
  const defs: Json = {};
  const root = emit(s, defs);
  return Object.keys(defs).length ? { ...root, $defs: defs } : root;
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
