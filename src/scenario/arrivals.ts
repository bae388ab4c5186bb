// Batch and trace workload entries -> ArrivalSpec.
import { resolve, relative } from 'node:path';
import type { Distribution } from '../engine/distributions.js';
import { PODS, type ResourceSpace } from '../model/resources.js';
import { makeTemplate } from '../model/template.js';
import { SYSTEM_PRIORITY_CLASSES, type PriorityClassInfo } from '../workload/manifests.js';
import {
  GOOGLE_PRIORITY_MAX,
  GOOGLE_PRIORITY_MIN,
  parseGoogleTaskEvents,
  parsePriorityKey,
  parseSimpleTrace,
  readTraceText,
  type TracePriority,
} from '../workload/trace.js';
import type { ArrivalSpec } from '../workload/spec.js';
import type { Taint, Toleration } from '../model/selectors.js';
import type { Config } from './config.js';
import { didYouMean } from './errors.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';

/** The PriorityClass named at path (from the manifests, or a built-in one); an unknown name is an error with a did-you-mean. */
function priorityClass(cls: string, priorities: ReadonlyMap<string, PriorityClassInfo>, doc: YamlDoc, path: PathSeg[]): PriorityClassInfo {
  const p = priorities.get(cls);
  if (!p) {
    const dym = didYouMean(cls, priorities.keys());
    throw doc.error(
      path,
      `no PriorityClass named "${cls}"`,
      dym ? `did you mean "${dym}"?` : 'define it with a PriorityClass object in the manifests',
    );
  }
  return p;
}

function batchSpec(
  b: Record<string, unknown>,
  path: PathSeg[],
  doc: YamlDoc,
  space: ResourceSpace,
  priorities: ReadonlyMap<string, PriorityClassInfo>,
  durationMs: number,
): ArrivalSpec {
  const name = b.name as string;
  const arr = b.arrivals as { poisson?: { rate: number }; interarrival?: Distribution };
  if ((arr.poisson ? 1 : 0) + (arr.interarrival ? 1 : 0) !== 1)
    throw doc.error([...path, 'arrivals'], 'expected exactly one of poisson or interarrival');
  const interarrival: Distribution = arr.poisson ? { kind: 'exponential', mean: 1 / arr.poisson.rate } : arr.interarrival!;
  const reqs = b.requests as Record<string, Distribution>;
  const duration = b.duration as Distribution;
  // Without a class, what a pod without priorityClassName gets: the globalDefault class, else 0 (manifests.ts).
  const globalDefault = [...priorities.values()].find((p) => p.globalDefault);
  let priority = (b.priority as number | undefined) ?? globalDefault?.value ?? 0;
  let preemptionPolicy: 'PreemptLowerPriority' | 'Never' = globalDefault?.preemptionPolicy ?? 'PreemptLowerPriority';
  const cls = b.priorityClassName as string | undefined;
  if (cls !== undefined) {
    const p = priorityClass(cls, priorities, doc, [...path, 'priorityClassName']);
    if (b.priority === undefined) priority = p.value;
    preemptionPolicy = p.preemptionPolicy;
  }
  const entries = Object.entries(reqs).map(([k, d]) => [space.indexOf(k)!, d] as const);
  const labels = new Map(Object.entries(b.labels as Record<string, string>));
  const nodeSelector = new Map(Object.entries(b.nodeSelector as Record<string, string>));
  // core/v1 validation (ValidateTolerations), as for tolerations in manifests (selectors-reader.ts).
  (b.tolerations as Toleration[]).forEach((t, i) => {
    if (t.operator === 'Exists' && t.value !== '')
      throw doc.error([...path, 'tolerations', i, 'value'], 'a toleration with operator Exists takes no value');
    if (t.key === '' && t.operator !== 'Exists')
      throw doc.error([...path, 'tolerations', i, 'operator'], 'a toleration with an empty key must use operator Exists');
  });
  const tolerations = (b.tolerations as Toleration[]).map((t) => ({ ...t, effect: t.effect as Taint['effect'] | '' }));
  const owner = `${b.namespace as string}/${name}`;
  return {
    name,
    interarrival,
    start: b.start as number,
    stop: (b.stop as number | undefined) ?? durationMs,
    limit: (b.count as number | undefined) ?? Infinity,
    trace: null,
    source: { file: doc.file, line: doc.locate(path).line },
    makePod: (draw) => {
      const req = space.vector();
      for (const [idx, d] of entries) req[idx] = Math.max(0, Math.ceil(draw(`request:${space.names[idx]}`, d)));
      req[PODS] = 1;
      const runMs = Math.max(0, Math.round(draw('duration', duration)));
      // A batch pod is a task: it runs its duration once (restartPolicy Never).
      const template = makeTemplate(space, {
        owner,
        restartPolicy: 'Never',
        namespace: b.namespace as string,
        labels,
        requests: req,
        priority,
        preemptionPolicy,
        priorityClassName: cls ?? '',
        nodeSelector,
        tolerations,
      });
      return { template, runMs };
    },
  };
}

/** The built-in classes alone, for callers that have no manifests. */
const BUILT_IN_CLASSES: ReadonlyMap<string, PriorityClassInfo> = new Map(Object.entries(SYSTEM_PRIORITY_CLASSES));

/**
 * A trace entry's `priorities` mapping (trace priority or range -> PriorityClass name) as a lookup. Trace
 * priorities it does not name get what a pod without priorityClassName gets: the globalDefault class's
 * value and preemptionPolicy if there is one, else 0 (as manifests.ts resolves an empty class name), so a
 * replay takes no precedence over the scenario's own pods unless the mapping says so.
 */
function tracePriorities(
  t: Record<string, unknown>,
  path: PathSeg[],
  doc: YamlDoc,
  priorities: ReadonlyMap<string, PriorityClassInfo>,
): (tracePriority: number) => TracePriority {
  const globalDefault = [...priorities.values()].find((p) => p.globalDefault);
  const unmapped: TracePriority = {
    priority: globalDefault?.value ?? 0,
    preemptionPolicy: globalDefault?.preemptionPolicy ?? 'PreemptLowerPriority',
    priorityClassName: '',
  };
  const google = t.format === 'google-task-events';
  // In file order, so that of two overlapping ranges the later one is named.
  const entries = Object.entries((t.priorities as Record<string, string> | undefined) ?? {})
    .map(([key, cls]) => ({ key, cls, pos: doc.locate([...path, 'priorities', key], true) }))
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
  const ranges: { lo: number; hi: number; key: string; to: TracePriority }[] = [];
  for (const { key, cls } of entries) {
    const where = [...path, 'priorities', key];
    const r = parsePriorityKey(key);
    if (typeof r === 'string') throw doc.error(where, r, undefined, true);
    if (google && (r.lo < GOOGLE_PRIORITY_MIN || r.hi > GOOGLE_PRIORITY_MAX))
      throw doc.error(
        where,
        `google-task-events priorities are ${GOOGLE_PRIORITY_MIN}..${GOOGLE_PRIORITY_MAX}, got "${key}"`,
        undefined,
        true,
      );
    const other = ranges.find((o) => o.lo <= r.hi && r.lo <= o.hi);
    if (other) {
      const both = Math.max(r.lo, other.lo);
      throw doc.error(
        where,
        `trace priority ${both} is matched by both "${other.key}" and "${key}"`,
        'each trace priority may be mapped once',
        true,
      );
    }
    const p = priorityClass(cls, priorities, doc, where);
    ranges.push({ lo: r.lo, hi: r.hi, key, to: { priority: p.value, preemptionPolicy: p.preemptionPolicy, priorityClassName: cls } });
  }
  return (tracePriority) => ranges.find((r) => r.lo <= tracePriority && tracePriority <= r.hi)?.to ?? unmapped;
}

function traceSpec(
  t: Record<string, unknown>,
  path: PathSeg[],
  doc: YamlDoc,
  dir: string,
  space: ResourceSpace,
  priorities: ReadonlyMap<string, PriorityClassInfo> = BUILT_IN_CLASSES,
): ArrivalSpec {
  // The mapping is checked before the file is read: a mistake in the scenario is reported as such.
  const priorityOf = tracePriorities(t, path, doc, priorities);
  const file = resolve(dir, t.file as string);
  const display = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readTraceText(file, display);
  } catch (e) {
    throw doc.error([...path, 'file'], `${(e as Error).message.replace(`${display}: `, '')}: ${t.file as string}`);
  }
  const opts = {
    space,
    namespace: t.namespace as string,
    owner: `${t.namespace as string}/${t.name as string}`,
    cpuPerUnit: t.cpuPerUnit as number,
    memoryPerUnit: t.memoryPerUnit as number,
    limit: (t.limit as number | undefined) ?? Infinity,
    priorityOf,
    display,
  };
  const res = t.format === 'google-task-events' ? parseGoogleTaskEvents(text, opts) : parseSimpleTrace(text, opts);
  return {
    name: t.name as string,
    interarrival: null,
    start: 0,
    stop: Infinity,
    limit: Infinity,
    makePod: null,
    trace: res.arrivals,
    source: { file: doc.file, line: doc.locate(path).line },
    skipped: res.skipped,
  };
}

/**
 * The streams of the `batch` and `trace` entries, in entry order; `at` shifts a whole stream (a trace's arrivals,
 * a batch stream's start). A trace file is added to `sources`.
 */
export function readStreams(
  cfg: Config,
  doc: YamlDoc,
  dir: string,
  space: ResourceSpace,
  priorities: ReadonlyMap<string, PriorityClassInfo>,
  sources: string[],
): ArrivalSpec[] {
  const arrivals: ArrivalSpec[] = [];
  const streamNames = new Set<string>();
  cfg.workloads.forEach((w, i) => {
    const a = w.batch
      ? batchSpec(w.batch, ['workloads', i, 'batch'], doc, space, priorities, cfg.duration)
      : w.trace
        ? traceSpec(w.trace, ['workloads', i, 'trace'], doc, dir, space, priorities)
        : null;
    if (w.trace) sources.push(resolve(dir, w.trace.file as string));
    if (!a) return;
    if (a.trace) for (const t of a.trace) t.at += w.at;
    else a.start += w.at;
    if (streamNames.has(a.name))
      throw doc.error(['workloads', i, w.batch ? 'batch' : 'trace', 'name'], `duplicate stream name "${a.name}"`);
    streamNames.add(a.name);
    arrivals.push(a);
  });
  return arrivals;
}
