// Field paths for --set and sweep grids: "cluster.scheduler.profile", "nodePools.general.count"
// (cluster. may be left out; list items may be named by their `name`), "cluster.nodePools[0].count".
import { didYouMean, ScenarioError } from './errors.js';
import { SCENARIO_SCHEMA } from './format.js';
import type { Schema } from './schema.js';
import type { PathSeg } from './yaml-source.js';

function splitKey(key: string, origin: string): string[] {
  const out: string[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m)
      throw new ScenarioError(
        origin,
        0,
        0,
        key,
        'malformed field path',
        'write it like cluster.nodePools[0].count or nodePools.general.count',
      );
    out.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(idx[1]!);
  }
  return out;
}

function itemName(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  for (const v of [o, o.batch, o.trace]) {
    if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).name === 'string')
      return (v as Record<string, unknown>).name as string;
  }
  return undefined;
}

/**
 * Resolves a key against the scenario's schema and its current values; returns the concrete path
 * (list items by index). Unknown fields are errors with a "did you mean".
 */
export function resolveKey(raw: unknown, key: string, origin: string): PathSeg[] {
  let segs = splitKey(key, origin);
  const root = SCENARIO_SCHEMA as Extract<Schema, { kind: 'object' }>;
  const cluster = root.props.cluster!.schema as Extract<Schema, { kind: 'object' }>;
  if (!Object.hasOwn(root.props, segs[0]!) && Object.hasOwn(cluster.props, segs[0]!)) segs = ['cluster', ...segs];
  const path: PathSeg[] = [];
  let schema: Schema = root;
  let value: unknown = raw;
  const fail = (problem: string, hint?: string) => new ScenarioError(origin, 0, 0, key, problem, hint);
  for (const seg of segs) {
    if (schema.kind === 'object') {
      let next: Schema | undefined;
      if (Object.hasOwn(schema.props, seg)) next = schema.props[seg]!.schema;
      else if (schema.additional) next = schema.additional;
      if (!next) {
        const names = Object.keys(schema.props);
        const dym = didYouMean(seg, names);
        throw fail(
          `no field "${seg}"${path.length ? ` under ${pathString(path)}` : ''}`,
          dym ? `did you mean "${dym}"?` : `expected one of ${names.join(', ')}`,
        );
      }
      path.push(seg);
      schema = next;
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[seg] : undefined;
    } else if (schema.kind === 'array') {
      const list = Array.isArray(value) ? value : [];
      let index: number;
      if (/^\d+$/.test(seg)) {
        index = Number(seg);
        if (index >= list.length) throw fail(`${pathString(path)} has ${list.length} item(s); there is no [${index}]`);
      } else {
        index = list.findIndex((it) => itemName(it) === seg);
        if (index < 0) {
          const names = list.map(itemName).filter((n): n is string => !!n);
          const dym = didYouMean(seg, names);
          throw fail(
            `${pathString(path)} has no item named "${seg}"`,
            dym ? `did you mean "${dym}"?` : names.length ? `names: ${names.join(', ')}` : undefined,
          );
        }
      }
      path.push(index);
      schema = schema.items;
      value = list[index];
    } else if (schema.kind === 'any') {
      // Free-form (inline Kubernetes objects): follow the value itself.
      if (Array.isArray(value)) {
        if (!/^\d+$/.test(seg))
          throw fail(`${pathString(path)} is a list; it has no field "${seg}"`, `give an index, e.g. ${pathString(path)}[0]`);
        if (Number(seg) >= value.length) throw fail(`${pathString(path)} has ${value.length} item(s); there is no [${seg}]`);
        path.push(Number(seg));
        value = value[Number(seg)];
        continue;
      }
      if (value !== undefined && value !== null && typeof value !== 'object') {
        throw fail(`${pathString(path)} is a single value; it has no field "${seg}"`);
      }
      path.push(seg);
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[seg] : undefined;
    } else {
      throw fail(`${pathString(path)} is a single value; it has no field "${seg}"`);
    }
  }
  return path;
}

export function pathString(path: readonly PathSeg[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}
