// Scenario checks for autoscaling: the metrics an HPA may use (those the simulation produces), HPAs whose
// target no manifest defines (accepted, as the API server accepts them, with a warning: the HPA reports
// FailedGetScale), and a workloads entry's cpuLoad.
import { parseMilliQuantity, QuantityError } from '../model/quantity.js';
import { parseDuration } from '../engine/time.js';
import { didYouMean } from './errors.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';
import type { ManifestObject } from '../workload/manifests.js';
import type { HPASpec } from '../workload/hpa-spec.js';
import type { WorkloadSpec } from '../workload/spec.js';
import type { LoadSteps } from '../controllers/metrics-server/load-usage.js';
import { REQUESTS_PER_SECOND } from '../controllers/metrics-server/controller.js';

/** What the scenario offers HPA metrics: its Services with traffic, and its external metrics. */
export interface MetricSources {
  /** "namespace/name" of the Services that receive traffic. */
  services: readonly string[];
  externals: readonly string[];
}

/**
 * The HPA's metrics must be ones the simulation produces: CPU (from traffic or cpuLoad); requests_per_second per
 * pod (Pods) or of a Service (Object) with traffic; an External metric the scenario defines (externalMetrics).
 */
export function checkHPAMetrics(h: HPASpec, o: ManifestObject, src: MetricSources): HPASpec {
  h.metrics.forEach((m, i) => {
    const at = `spec.metrics[${i}]`;
    const refuse = (problem: string, hint?: string) => o.reader.error(null, `${at}: ${problem}`, hint);
    if (m.type === 'Resource') {
      if (m.resource === 'cpu') return;
      throw refuse(
        `the simulation cannot produce the ${m.resource} resource metric: kubesim has no ${m.resource} usage model`,
        'autoscale on cpu (Utilization or AverageValue), requests_per_second, or an external metric',
      );
    }
    if (m.type === 'External') {
      if (src.externals.includes(m.metric)) return;
      const dym = didYouMean(m.metric, src.externals);
      throw refuse(
        `no external metric "${m.metric}" in the scenario${dym ? ` (did you mean "${dym}"?)` : ''}`,
        'define its values under externalMetrics, e.g. externalMetrics: {queue_depth: {steps: [{at: 0s, value: 100}]}}',
      );
    }
    if (m.metric !== REQUESTS_PER_SECOND) {
      const dym = didYouMean(m.metric, [REQUESTS_PER_SECOND]);
      throw refuse(
        `the simulation cannot produce the ${m.type} metric "${m.metric}"${dym ? ` (did you mean "${dym}"?)` : ''}`,
        `kubesim produces ${REQUESTS_PER_SECOND} for pods and Services that receive traffic`,
      );
    }
    if (m.type === 'Object') {
      const key = `${h.namespace}/${m.object.name}`;
      if (m.object.kind === 'Service' && src.services.includes(key)) return;
      if (m.object.kind !== 'Service') throw refuse(`${REQUESTS_PER_SECOND} is produced for Services, not for a ${m.object.kind}`);
      throw refuse(`the Service "${m.object.name}" receives no traffic in the scenario, so it has no ${REQUESTS_PER_SECOND}`);
    }
    if (src.services.length === 0) throw refuse(`${REQUESTS_PER_SECOND} needs traffic: the scenario has no traffic section`);
  });
  return h;
}

/** externalMetrics: per name, a value (constant from 0) or {steps: [{at, value}]} in time order; in milli-units. */
export function readExternalMetrics(v: Record<string, unknown> | undefined, doc: YamlDoc): Map<string, LoadSteps> {
  const out = new Map<string, LoadSteps>();
  for (const [name, spec] of Object.entries(v ?? {})) out.set(name, readSteps(spec, ['externalMetrics', name], doc, 'value'));
  return out;
}

/** One warning per HPA whose target is not among the workloads (with "did you mean"). */
export function hpaTargetWarnings(hpas: readonly { spec: HPASpec }[], workloads: readonly WorkloadSpec[]): string[] {
  const out: string[] = [];
  for (const { spec: h } of hpas) {
    const t = h.target;
    if (workloads.some((w) => w.kind === t.kind && w.namespace === h.namespace && w.name === t.name)) continue;
    const names = workloads.filter((w) => w.kind === t.kind && w.namespace === h.namespace).map((w) => w.name);
    const dym = didYouMean(t.name, names);
    out.push(
      `${h.source.file}:${h.source.line}: HorizontalPodAutoscaler ${h.namespace}/${h.name} targets ${t.kind} "${t.name}", which no manifest defines: it will report FailedGetScale and scale nothing${dym ? ` (did you mean "${dym}"?)` : ''}`,
    );
  }
  return out;
}

function milli(v: unknown, path: PathSeg[], doc: YamlDoc, what: string): number {
  if (typeof v !== 'string' && typeof v !== 'number') throw doc.error(path, `expected ${what} such as 500m or "2"`);
  try {
    const m = parseMilliQuantity(v);
    if (m < 0) throw doc.error(path, `expected ${what} at least 0`);
    return m;
  } catch (e) {
    if (e instanceof QuantityError) throw doc.error(path, `malformed quantity "${v}"`);
    throw e;
  }
}

/** A quantity (constant from 0), or {steps: [{at, <key>}]} in time order, in milli-units. */
function readSteps(v: unknown, path: PathSeg[], doc: YamlDoc, key: 'cpu' | 'value'): LoadSteps {
  const what = key === 'cpu' ? 'a CPU quantity' : 'a quantity';
  if (typeof v === 'string' || typeof v === 'number') return [{ atMs: 0, milli: milli(v, path, doc, what) }];
  const steps = (v as { steps?: unknown } | null)?.steps;
  if (!v || typeof v !== 'object' || Object.keys(v).some((k) => k !== 'steps') || !Array.isArray(steps) || steps.length === 0)
    throw doc.error(
      path,
      key === 'cpu'
        ? 'expected a CPU quantity such as "2", or {steps: [{at: 0s, cpu: 500m}, {at: 10m, cpu: "3"}]}'
        : 'expected a quantity such as "100", or {steps: [{at: 0s, value: 100}, {at: 10m, value: 400}]}',
    );
  let last = -1;
  return steps.map((s: unknown, i) => {
    const p = [...path, 'steps', i];
    const o = (s ?? {}) as Record<string, unknown>;
    const at = typeof o.at === 'string' ? parseDuration(o.at) : typeof o.at === 'number' ? o.at : undefined;
    if (at === undefined || at < 0) throw doc.error([...p, 'at'], 'expected a time such as 10m');
    if (at <= last) throw doc.error([...p, 'at'], 'expected steps in time order');
    last = at;
    return { atMs: at, milli: milli(o[key], [...p, key], doc, what) };
  });
}

/** cpuLoad: a quantity (constant from 0), or {steps: [{at, cpu}]} in time order. */
export function readCpuLoad(v: unknown, path: PathSeg[], doc: YamlDoc): LoadSteps {
  return readSteps(v, path, doc, 'cpu');
}
