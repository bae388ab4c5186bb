// Availability of each replicated workload (Deployment, ReplicaSet, StatefulSet): its pods available
// (Running, Ready, not terminating) against its desired replicas, as time fractions from the moment it
// is applied to the end of the run: with all desired replicas available, and with at least one. Also
// the pods it lost (evicted, or failed with their node) and the longest stretch below its desired count.
// workloads.csv holds a row per workload; summary.csv the worst availability and the pods lost in all.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { Workload, WorkloadKind } from '../../model/workloads.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { tidy } from '../stats.js';
import type { WorkloadNames } from './workloads.js';

export const WORKLOADS_FILE = 'workloads.csv';
export const WORKLOAD_COLUMNS = [
  'workload',
  'kind',
  'replicas_desired_end',
  'pods_available_end',
  'availability_all_ratio',
  'availability_any_ratio',
  'unavailable_longest_s',
  'pods_lost',
];

const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

interface Tracked {
  since: number;
  last: number;
  available: number;
  /** Time with every desired replica available, and with at least one (ms). */
  allMs: number;
  anyMs: number;
  /** When it last fell below its desired count (-1: not below), and the longest stretch below. */
  belowSince: number;
  longestBelowMs: number;
  lost: number;
}

export class AvailabilityCollector implements Collector {
  static readonly files = [WORKLOADS_FILE];
  private readonly rows: RowSink;
  private readonly tracked: (Tracked | null)[];
  /** Per pod id: 1 if the pod is counted as available. */
  private counted = new Uint8Array(1024);

  constructor(
    private readonly clock: Clock,
    private readonly cluster: ClusterState,
    private readonly names: WorkloadNames,
    sinks: SinkFactory,
  ) {
    this.rows = sinks.open(WORKLOADS_FILE, WORKLOAD_COLUMNS);
    this.tracked = names.series.map(() => null);
    cluster.watch('metrics', {
      WorkloadAdded: (ev) => this.onWorkload(ev.workload),
      WorkloadSpecChanged: (ev) => this.onWorkload(ev.workload),
      PodRunning: (ev) => this.onReady(ev.pod),
      PodReadyChanged: (ev) => this.onReady(ev.pod),
      PodTerminating: (ev) => this.onEnd(ev.pod, true),
      PodFinished: (ev) => this.onEnd(ev.pod, false),
      PodDeleted: (ev) => this.onEnd(ev.pod, false),
    });
  }

  /** Declared workload i's object once it exists (looked up until then). */
  private readonly objects: (Workload | undefined)[] = [];

  private object(i: number): Workload | undefined {
    let o = this.objects[i];
    if (!o) {
      const w = this.names.series[i]!;
      o = this.objects[i] = this.cluster.findWorkload(w.kind as WorkloadKind, w.namespace, w.name);
    }
    return o;
  }

  /** The desired replicas of declared workload i now (0 before it is applied). */
  private desired(i: number): number {
    return this.object(i)?.spec.replicas ?? 0;
  }

  /** Accounts the time since the last change at the old counts. */
  private advance(i: number): Tracked | null {
    const w = this.names.series[i]!;
    if (!REPLICATED.has(w.kind)) return null;
    const now = this.clock.now;
    let t = this.tracked[i];
    if (!t) {
      if (!this.object(i)) return null;
      this.tracked[i] = t = { since: now, last: now, available: 0, allMs: 0, anyMs: 0, belowSince: -1, longestBelowMs: 0, lost: 0 };
    }
    const dt = now - t.last;
    const want = this.desired(i);
    if (t.available >= want) t.allMs += dt;
    if (t.available >= 1 || want === 0) t.anyMs += dt;
    t.last = now;
    return t;
  }

  /** After a change: whether it is below its desired count now. */
  private settle(i: number, t: Tracked): void {
    const below = t.available < this.desired(i);
    if (below && t.belowSince < 0) t.belowSince = this.clock.now;
    else if (!below && t.belowSince >= 0) {
      t.longestBelowMs = Math.max(t.longestBelowMs, this.clock.now - t.belowSince);
      t.belowSince = -1;
    }
  }

  private change(pod: Pod, d: 1 | -1 | 0, lost = false): void {
    const i = this.names.indexOf(pod);
    if (i < 0) return;
    const t = this.advance(i);
    if (!t) return;
    t.available += d;
    if (lost) t.lost++;
    this.settle(i, t);
  }

  /** A workload object was applied or changed: its desired count may have moved. */
  private onWorkload(w: Workload): void {
    const i = this.names.series.findIndex((s) => s.kind === w.kind && s.namespace === w.namespace && s.name === w.name);
    if (i < 0) return;
    const t = this.advance(i);
    if (t) this.settle(i, t);
  }

  private isCounted(pod: Pod): boolean {
    return pod.id < this.counted.length && this.counted[pod.id] === 1;
  }

  /** Stops counting the pod as available; false if it was not. */
  private uncount(pod: Pod): boolean {
    if (!this.isCounted(pod)) return false;
    this.counted[pod.id] = 0;
    return true;
  }

  /** The pod started running or its Ready condition changed. */
  private onReady(pod: Pod): void {
    if (pod.ready && !pod.terminating && pod.phase === 'Running' && !this.isCounted(pod)) {
      if (pod.id >= this.counted.length) {
        const c = new Uint8Array(Math.max(pod.id + 1, this.counted.length * 2));
        c.set(this.counted);
        this.counted = c;
      }
      this.counted[pod.id] = 1;
      this.change(pod, 1);
    } else if (!pod.ready && this.uncount(pod)) this.change(pod, -1);
  }

  /** The pod began terminating (terminating = true), ended or was deleted. */
  private onEnd(pod: Pod, terminating: boolean): void {
    const lost = pod.outcome === 'TaintManagerEviction' || pod.outcome === 'NodeRestarted' || pod.outcome === 'Evicted';
    // A pod is lost once: when its deletion begins (or when it ends, if it ended without one).
    const firstEnd = terminating || pod.deletionTimestamp < 0;
    if (this.uncount(pod)) this.change(pod, -1, lost && firstEnd);
    else if (lost && firstEnd) this.change(pod, 0, true);
  }

  finish(): void {
    this.names.series.forEach((w, i) => {
      const t = this.advance(i);
      if (!t) return;
      const span = t.last - t.since;
      const longest = Math.max(t.longestBelowMs, t.belowSince >= 0 ? t.last - t.belowSince : 0);
      this.rows.write([
        `${w.namespace}/${w.name}`,
        w.kind,
        this.desired(i),
        t.available,
        span > 0 ? tidy(t.allMs / span) : 1,
        span > 0 ? tidy(t.anyMs / span) : 1,
        tidy(longest / 1000),
        t.lost,
      ]);
    });
  }

  summary(): Figures {
    let min = 1;
    let lost = 0;
    this.names.series.forEach((_w, i) => {
      const t = this.tracked[i];
      if (!t) return;
      const span = t.last - t.since;
      if (span > 0) min = Math.min(min, t.allMs / span);
      lost += t.lost;
    });
    return { availability_min: tidy(min), pods_lost: lost };
  }
}
