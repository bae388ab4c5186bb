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

/** The HPA's metrics must be ones the simulation produces: CPU (from traffic or cpuLoad). */
export function checkHPAMetrics(h: HPASpec, o: ManifestObject): HPASpec {
  h.metrics.forEach((m, i) => {
    if (m.type === 'Resource' && m.resource === 'cpu') return;
    const what =
      m.type === 'Resource'
        ? `the ${m.resource} resource metric: kubesim has no ${m.resource} usage model`
        : `the ${m.type} metric "${m.metric}": kubesim does not produce ${m.type} metrics yet`;
    throw o.reader.error(
      null,
      `spec.metrics[${i}]: the simulation cannot produce ${what}`,
      'autoscale on cpu (Utilization or AverageValue)',
    );
  });
  return h;
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

function milli(v: unknown, path: PathSeg[], doc: YamlDoc): number {
  if (typeof v !== 'string' && typeof v !== 'number') throw doc.error(path, 'expected a CPU quantity such as 500m or "2"');
  try {
    const m = parseMilliQuantity(v);
    if (m < 0) throw doc.error(path, 'expected a CPU quantity at least 0');
    return m;
  } catch (e) {
    if (e instanceof QuantityError) throw doc.error(path, `malformed CPU quantity "${v}"`);
    throw e;
  }
}

/** cpuLoad: a quantity (constant from 0), or {steps: [{at, cpu}]} in time order. */
export function readCpuLoad(v: unknown, path: PathSeg[], doc: YamlDoc): LoadSteps {
  if (typeof v === 'string' || typeof v === 'number') return [{ atMs: 0, milli: milli(v, path, doc) }];
  const steps = (v as { steps?: unknown } | null)?.steps;
  if (!v || typeof v !== 'object' || Object.keys(v).some((k) => k !== 'steps') || !Array.isArray(steps) || steps.length === 0)
    throw doc.error(path, 'expected a CPU quantity such as "2", or {steps: [{at: 0s, cpu: 500m}, {at: 10m, cpu: "3"}]}');
  let last = -1;
  return steps.map((s: unknown, i) => {
    const p = [...path, 'steps', i];
    const o = (s ?? {}) as { at?: unknown; cpu?: unknown };
    const at = typeof o.at === 'string' ? parseDuration(o.at) : typeof o.at === 'number' ? o.at : undefined;
    if (at === undefined || at < 0) throw doc.error([...p, 'at'], 'expected a time such as 10m');
    if (at <= last) throw doc.error([...p, 'at'], 'expected steps in time order');
    last = at;
    return { atMs: at, milli: milli(o.cpu, [...p, 'cpu'], doc) };
  });
}
