// The faults: section of a scenario, checked against the pools, zones and nodes the cluster has, and
// machine-events traces read and mapped onto their pool.
import { relative } from 'node:path';
import { machineTimeline, readMachineEvents } from '../faults/machine-events.js';
import { ScenarioError, didYouMean } from './errors.js';
import type { FaultSpec, NodePoolSpec } from './types.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';

const FAULT_KINDS: Record<string, FaultSpec['kind']> = {
  nodeFailure: 'Down',
  zoneOutage: 'Down',
  networkPartition: 'Partition',
  kubeletStop: 'Partition',
  drain: 'Drain',
  machineEvents: 'Trace',
};

/** The faults: section, checked against the pools, zones and nodes the cluster has. */
export function readFaults(
  list: Record<string, Record<string, unknown>>[],
  pools: NodePoolSpec[],
  doc: YamlDoc,
  display: string,
  fileOf: (relative: string) => string,
  durationMs: number,
): FaultSpec[] {
  const zones = [...new Set(pools.flatMap((p) => p.zones))];
  // Node names are <pool>-<i>; checked by parsing, not by listing (a pool may hold millions of nodes).
  const isNode = (v: string) =>
    pools.some((p) => {
      if (!v.startsWith(`${p.name}-`)) return false;
      const i = v.slice(p.name.length + 1);
      return /^(0|[1-9][0-9]*)$/.test(i) && Number(i) < p.count;
    });
  const someNodes = () => pools.flatMap((p) => Array.from({ length: Math.min(p.count, 50) }, (_, i) => `${p.name}-${i}`));
  return list.map((entry, i) => {
    const kinds = Object.keys(entry);
    if (kinds.length !== 1)
      throw doc.error(
        ['faults', i],
        `expected exactly one of ${Object.keys(FAULT_KINDS).join(', ')}, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
      );
    const name = kinds[0]!;
    if (name === 'machineEvents')
      return readMachineEventsFault(
        entry[name] as { file: string; pool: string; start: number },
        ['faults', i, name],
        pools,
        doc,
        display,
        fileOf,
        durationMs,
      );
    const t = entry[name] as { zone?: string; pool?: string; node?: string; count?: number; at: number; for?: number };
    const path = ['faults', i, name];
    const given = (['zone', 'pool', 'node'] as const).filter((k) => t[k] !== undefined);
    if (given.length !== 1)
      throw doc.error(path, `expected exactly one of zone, pool or node, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
    if (name === 'zoneOutage' && given[0] !== 'zone')
      throw doc.error(path, 'a zoneOutage names a zone', 'use nodeFailure for a pool or a node');
    const check = (k: 'zone' | 'pool' | 'node', known: string[], has = (v: string) => known.includes(v)) => {
      const v = t[k];
      if (v === undefined || has(v)) return;
      const dym = didYouMean(v, known);
      throw doc.error(
        [...path, k],
        `no ${k} "${v}" in the cluster`,
        dym ? `did you mean "${dym}"?` : `${k}s: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}`,
      );
    };
    check('zone', zones);
    check(
      'pool',
      pools.map((p) => p.name),
    );
    if (t.node !== undefined && !isNode(t.node)) check('node', someNodes(), isNode);
    if (t.for !== undefined && t.for <= 0) throw doc.error([...path, 'for'], 'expected a positive duration');
    return {
      kind: FAULT_KINDS[name]!,
      name,
      target: { zone: t.zone, pool: t.pool, node: t.node, count: t.count },
      at: t.at,
      forMs: t.for ?? null,
      source: { file: display, line: doc.locate(path).line },
    };
  });
}

/**
 * A machineEvents fault: the trace's machines take the pool's nodes in order of first appearance; a
 * REMOVE takes a node down, the machine's next ADD brings it back. A REMOVE of a machine the trace never
 * added is refused (the table is cut or not a machine_events table).
 */
function readMachineEventsFault(
  t: { file: string; pool: string; start: number },
  path: PathSeg[],
  pools: NodePoolSpec[],
  doc: YamlDoc,
  display: string,
  fileOf: (relative: string) => string,
  durationMs: number,
): FaultSpec {
  const pool = pools.find((p) => p.name === t.pool);
  if (!pool) {
    const dym = didYouMean(
      t.pool,
      pools.map((p) => p.name),
    );
    throw doc.error([...path, 'pool'], `no pool "${t.pool}" in the cluster`, dym ? `did you mean "${dym}"?` : undefined);
  }
  const file = fileOf(t.file);
  const traceName = relative(process.cwd(), file) || file;
  const events = readMachineEvents(file, traceName);
  const present = new Set<number>();
  for (const e of events) {
    if (e.type === 'ADD') present.add(e.machine);
    else if (e.type === 'REMOVE' && !present.delete(e.machine))
      throw new ScenarioError(
        traceName,
        e.line,
        2,
        '',
        `REMOVE of machine ${e.machine}, which the trace has not added`,
        "a machine_events table lists each machine's ADD before its REMOVE",
      );
  }
  const names = Array.from({ length: pool.count }, (_, k) => `${pool.name}-${k}`);
  const { timeline } = machineTimeline(events, { nodes: names, startUs: t.start * 1000, durationMs });
  return {
    kind: 'Trace',
    name: 'machineEvents',
    target: { pool: pool.name },
    at: 0,
    forMs: null,
    source: { file: display, line: doc.locate(path).line },
    timeline,
  };
}
