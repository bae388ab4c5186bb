// Pods running per workload the scenario declares: a series for each from the start of the run, whether
// or not its object exists yet. A pod counts for its top-level owner (a Deployment for the pods of its
// ReplicaSets); a bare pod for the scenario's Pod entry of its name.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import { workloadKey } from '../../model/workloads.js';
import type { Collector, RowSink } from '../collector.js';

/** A workload the scenario declares. */
export interface WorkloadSeries {
  kind: string;
  namespace: string;
  name: string;
}

/** Which declared workload a pod counts for, and its name in outputs ("namespace/name"). */
export class WorkloadNames {
  private readonly byKey = new Map<string, number>();
  /** Series index per workload object index (undefined: not looked up yet; -1: none). */
  private readonly ofWorkload: number[] = [];

  /** One series per workload: an object the scenario applies again keeps the place of its first entry. */
  readonly series: readonly WorkloadSeries[];

  constructor(
    private readonly cluster: ClusterState,
    declared: readonly WorkloadSeries[],
  ) {
    const series: WorkloadSeries[] = [];
    for (const w of declared) {
      const key = workloadKey(w.kind, w.namespace, w.name);
      if (this.byKey.has(key)) continue;
      this.byKey.set(key, series.length);
      series.push(w);
    }
    this.series = series;
  }

  /** The index of the declared workload the pod counts for, or -1. */
  indexOf(pod: Pod): number {
    if (pod.workload < 0) return this.byKey.get(workloadKey('Pod', pod.namespace, pod.name)) ?? -1;
    let i = this.ofWorkload[pod.workload];
    if (i === undefined) {
      i = this.byKey.get(this.cluster.workloads[pod.workload]!.root.key) ?? -1;
      this.ofWorkload[pod.workload] = i;
    }
    return i;
  }

  /** The index of the declared workload that is this object (not its owner), or -1. */
  indexOfObject(w: { readonly key: string }): number {
    return this.byKey.get(w.key) ?? -1;
  }

  /** "namespace/name" of the declared workload the pod counts for, or ''. */
  of(pod: Pod): string {
    const i = this.indexOf(pod);
    if (i < 0) return '';
    const w = this.series[i]!;
    return `${w.namespace}/${w.name}`;
  }
}

export class WorkloadsCollector implements Collector {
  private readonly running: number[];
  /** Each series' name in outputs, made once. */
  private readonly labels: string[];

  constructor(
    cluster: ClusterState,
    private readonly names: WorkloadNames,
  ) {
    this.running = names.series.map(() => 0);
    this.labels = names.series.map((w) => `${w.namespace}/${w.name}`);
    cluster.watch('metrics', {
      PodRunning: (ev) => this.add(ev.pod, 1),
      PodFinished: (ev) => this.ended(ev.pod),
      PodDeleted: (ev) => this.ended(ev.pod),
    });
  }

  private add(pod: Pod, d: 1 | -1): void {
    const i = this.names.indexOf(pod);
    if (i >= 0) this.running[i]! += d;
  }

  private ended(pod: Pod): void {
    if (pod.startedAt >= 0) this.add(pod, -1);
  }

  sample(t: number | string, ts: RowSink): void {
    const labels = this.labels;
    for (let i = 0; i < labels.length; i++) ts.write([t, 'pods_running', '', '', labels[i]!, this.running[i]!]);
  }
}
