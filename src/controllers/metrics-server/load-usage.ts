// CPU usage from a scenario's `cpuLoad`: the total CPU a workload's pods use, stepping over time, spread evenly
// over its running pods (so more replicas each use less, as when a load balancer shares the work). A usage
// source for metrics-server when no request traffic drives the workload.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { UsageSource } from './controller.js';
import type { PodsByRoot } from './pods-by-root.js';

/** A workload's total CPU load (millicores) from each time on (ms), in time order. */
export type LoadSteps = readonly { readonly atMs: number; readonly milli: number }[];

/** ∫ load over [from, to), in millicore-ms. */
export function loadIntegral(steps: LoadSteps, from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const a = Math.max(from, steps[i]!.atMs);
    const b = Math.min(to, i + 1 < steps.length ? steps[i + 1]!.atMs : Infinity);
    if (b > a) total += steps[i]!.milli * (b - a);
  }
  return total;
}

export class LoadUsage implements UsageSource {
  /** Per pod id: the cumulative use at the time it was last read. */
  private readonly used = new Map<number, { t: number; used: number }>();
  /** Per workload index: its running pods, counted once per instant. */
  private readonly running = new Map<number, { t: number; n: number }>();

  constructor(
    private readonly cluster: ClusterState,
    /** By workload key ("Deployment/default/web"). */
    private readonly loads: ReadonlyMap<string, LoadSteps>,
    private readonly pods: PodsByRoot,
  ) {}

  private runningPods(root: number, now: number): number {
    const c = this.running.get(root);
    if (c && c.t === now) return c.n;
    let n = 0;
    for (const p of this.pods.of(root).values()) if (p.phase === 'Running') n++;
    this.running.set(root, { t: now, n });
    return n;
  }

  cpuUsedMilliMs(pod: Pod, now: number): number {
    if (pod.workload < 0 || this.loads.size === 0) return 0;
    const root = this.cluster.workloads[pod.workload]!.root;
    const steps = this.loads.get(root.key);
    if (!steps) return 0;
    const prev = this.used.get(pod.id) ?? { t: Math.max(0, pod.startedAt), used: 0 };
    // Shared by the pods running now, over the time since the last reading (the count is taken as constant in it).
    const n = Math.max(1, this.runningPods(root.index, now));
    const used = prev.used + loadIntegral(steps, prev.t, now) / n;
    this.used.set(pod.id, { t: now, used });
    return used;
  }
}
