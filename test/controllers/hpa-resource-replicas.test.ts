// getResourceReplicas sums in one pass over the pods what upstream's GetResourceReplicas sums over a copy of the
// samples with the ignored and unready pods deleted. Checked against that algorithm, written here from the other
// exported steps (groupPods, calculateRequests, getResourceUtilizationRatio), on random pods and samples: ready,
// unready, Pending, deleting, Failed and missing pods, samples of pods the selector did not list, requests missing;
// and so must getResourceReplicasFromColumns, the controller's path over the same pods in columns.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  calculateRequests,
  getResourceReplicas,
  getResourceUtilizationRatio,
  groupPods,
  isReplicaCalcError,
  isWithin,
  type HPAPodView,
  type PodMetric,
  type ReplicaCalculator,
  type Tolerances,
} from '../../src/controllers/hpa/calc.js';
import { getResourceReplicasFromColumns, PodColumns } from '../../src/controllers/hpa/columns.js';

/** replica_calculator.go GetResourceReplicas, step by step as upstream writes it. */
function reference(
  c: ReplicaCalculator,
  current: number,
  target: number,
  resource: string,
  tol: Tolerances,
  podMetrics: ReadonlyMap<string, PodMetric>,
) {
  if (c.pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const metrics = new Map(podMetrics);
  const g = groupPods(c.pods, metrics, resource, c.cpuInitializationPeriod, c.delayOfInitialReadinessStatus, c.now);
  for (const name of g.ignoredPods) metrics.delete(name);
  for (const name of g.unreadyPods) metrics.delete(name);
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const requests = calculateRequests(c.pods, resource);
  if (isReplicaCalcError(requests)) return requests;
  const first = getResourceUtilizationRatio(metrics, requests, target);
  if (isReplicaCalcError(first)) return first;
  const { usageRatio, utilization, rawUtilization } = first;
  const scaleUpWithUnready = g.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && g.missingPods.size === 0) {
    if (isWithin(tol, usageRatio)) return { replicas: current, utilization, rawUtilization };
    return { replicas: Math.trunc(Math.ceil(usageRatio * g.readyPodCount)), utilization, rawUtilization };
  }
  if (g.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      const fallback = Math.max(100, target);
      for (const name of g.missingPods) {
        const v = requests.get(name)! * fallback;
        metrics.set(name, { value: (v - (v % 100)) / 100 });
      }
    } else if (usageRatio > 1.0) for (const name of g.missingPods) metrics.set(name, { value: 0 });
  }
  if (scaleUpWithUnready) for (const name of g.unreadyPods) metrics.set(name, { value: 0 });
  const second = getResourceUtilizationRatio(metrics, requests, target);
  if (isReplicaCalcError(second)) return second;
  const n = second.usageRatio;
  let replicas: number;
  if (isWithin(tol, n) || (usageRatio < 1 && n > 1) || (usageRatio > 1 && n < 1)) replicas = current;
  else {
    replicas = Math.trunc(Math.ceil(n * metrics.size));
    if ((n < 1 && replicas > current) || (n > 1 && replicas < current)) replicas = current;
  }
  return { replicas, utilization, rawUtilization };
}

describe('getResourceReplicas against upstream step by step', () => {
  it('agrees on 20,000 random cases', () => {
    const rng = seedrandom('hpa-resource-replicas');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const now = 1_000_000;
    let agreed = 0;
    for (let k = 0; k < 20_000; k++) {
      const count = Math.floor(rng() * 6);
      const pods: HPAPodView[] = [];
      const metrics = new Map<string, PodMetric>();
      for (let i = 0; i < count; i++) {
        const name = `p${i}`;
        const phase = pick(['Running', 'Running', 'Running', 'Pending', 'Failed'] as const);
        const start = now - pick([10_000, 100_000, 400_000]);
        pods.push({
          name,
          phase,
          deleting: rng() < 0.1,
          ...(rng() < 0.95 ? { startTime: start } : {}),
          ...(phase === 'Running' && rng() < 0.95
            ? { ready: pick(['True', 'True', 'False'] as const), readyTransitionTime: start + pick([0, 5_000, 60_000, 65_000]) }
            : {}),
          ...(rng() < 0.97 ? { requests: { cpu: pick([0, 100, 250, 1000]) } } : {}),
        });
        if (rng() < 0.8) metrics.set(name, { value: Math.floor(rng() * 1500), timestamp: now - pick([0, 20_000]), window: 15_000 });
      }
      if (rng() < 0.2) metrics.set('unlisted', { value: Math.floor(rng() * 1000) });
      const c = { pods, now, cpuInitializationPeriod: 300_000, delayOfInitialReadinessStatus: 30_000 };
      const current = 1 + Math.floor(rng() * 5);
      const target = pick([50, 80, 100, 150]);
      const tol = { scaleUp: 0.1, scaleDown: 0.1 };
      const want = reference(c, current, target, 'cpu', tol, metrics);
      expect(getResourceReplicas(c, current, target, 'cpu', tol, metrics), `case ${k}`).toEqual(want);
      // The same over columns (the controller's path): each listed pod's sample in slot i.
      const columns = new PodColumns(count);
      const stamps = new Float64Array(count);
      const windows = new Float64Array(count);
      const values = new Float64Array(count);
      const samples = { value: (s: number) => values[s]!, timestamp: (s: number) => stamps[s]!, window: (s: number) => windows[s]! };
      pods.forEach((p, i) => {
        columns.set(i, p);
        const m = metrics.get(p.name);
        if (!m) return;
        columns.slot[i] = i;
        values[i] = m.value;
        stamps[i] = m.timestamp!;
        windows[i] = m.window!;
      });
      const viaColumns = getResourceReplicasFromColumns(columns, samples, metrics.size, now, 300_000, 30_000, current, target, tol);
      expect(viaColumns, `case ${k} over columns`).toEqual(want);
      if (!isReplicaCalcError(want)) agreed++;
    }
    // Many cases give replicas rather than an error.
    expect(agreed).toBeGreaterThan(5_000);
  });
});
