// Batch and trace workload entries -> ArrivalSpec.
import { resolve, relative } from 'node:path';
import type { Distribution } from '../engine/distributions.js';
import { PODS, type ResourceSpace } from '../model/resources.js';
import { makeTemplate } from '../model/template.js';
import type { PriorityClassInfo } from '../workload/manifests.js';
import { parseGoogleTaskEvents, parseSimpleTrace, readTraceText } from '../workload/trace.js';
import type { ArrivalSpec } from '../workload/spec.js';
import type { Taint, Toleration } from '../model/selectors.js';
import { didYouMean } from './errors.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';

export function batchSpec(
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
  let priority = (b.priority as number | undefined) ?? 0;
  let preemptionPolicy: 'PreemptLowerPriority' | 'Never' = 'PreemptLowerPriority';
  const cls = b.priorityClassName as string | undefined;
  if (cls !== undefined) {
    const p = priorities.get(cls);
    if (!p) {
      const dym = didYouMean(cls, priorities.keys());
      throw doc.error(
        [...path, 'priorityClassName'],
        `no PriorityClass named "${cls}"`,
        dym ? `did you mean "${dym}"?` : 'define it with a PriorityClass object in the manifests',
      );
    }
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
      const template = makeTemplate(space, {
        owner,
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

export function traceSpec(t: Record<string, unknown>, path: PathSeg[], doc: YamlDoc, dir: string, space: ResourceSpace): ArrivalSpec {
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
