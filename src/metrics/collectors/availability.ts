// Availability of each replicated workload (Deployment, ReplicaSet, StatefulSet): its pods available
// against its desired replicas, as time fractions from the moment it is applied to the end of the run:
// with all desired replicas available, and with at least one. A pod is available as the API shows it:
// Running, Ready and not terminating, for at least the owner's minReadySeconds (podutil.IsPodAvailable,
// pkg/api/v1/pod/util.go). Also per workload: the pods it lost (evicted, or failed with their node), the
// longest stretch below its desired count, container restarts, the time it took to recover from each
// node fault that hit it, and how long its pods waited for a zone their volume is bound to.
//
// Recovery: a fault hits a workload when one of its pods is bound to a node as the node goes down, is cut
// off (partition, kubelet stop) or is removed. From that moment the workload's recovery clock runs until it
// again has its desired count of available pods on nodes that are up and reachable: pods on a faulty node
// do not count even while the API still shows them Ready (the node lifecycle controller's grace period).
// Several nodes failing at one instant (a zone outage) make one clock; a clock still running at the end is
// reported as unrecovered.
//
// workloads.csv holds a row per workload; summary.csv the worst availability and recovery, and totals.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
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
  'container_restarts',
  'faults_hit',
  'recovery_median_s',
  'recovery_max_s',
  'unrecovered',
  'volume_wait_s',
  'volume_wait_longest_s',
  'cost',
];

const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

/** Per pod state bits. */
const AVAILABLE = 1;
/** Ready, waiting out minReadySeconds. */
const PENDING = 2;
/** Counted available while its node is faulty. */
const ON_FAULTY = 4;
/** Its restarts are already added to its workload's. */
const RESTARTS_COUNTED = 8;

interface Crossing {
  pod: Pod;
  /** When the pod becomes available (ready time + minReadySeconds). */
  at: number;
  /** When it turned Ready (a later Ready makes this entry stale). */
  readyAt: number;
}

interface Tracked {
  since: number;
  last: number;
  available: number;
  /** Available pods whose node is down or unreachable. */
  onFaulty: number;
  /** Pods waiting out minReadySeconds, by `at` from `head` on. */
  crossings: Crossing[];
  head: number;
  /** Time with every desired replica available, and with at least one (ms). */
  allMs: number;
  anyMs: number;
  /** When it last fell below its desired count (-1: not below), and the longest stretch below. */
  belowSince: number;
  longestBelowMs: number;
  lost: number;
  restarts: number;
  /** Start times of running recovery clocks, and the durations of closed ones (ms). */
  open: number[];
  recoveries: number[];
  faultsHit: number;
  volumeWaitMs: number;
  volumeWaitLongestMs: number;
}

export class AvailabilityCollector implements Collector {
  static readonly files = [WORKLOADS_FILE];
  private readonly rows: RowSink;
  private readonly tracked: (Tracked | null)[];
  /** Per pod id: the state bits above. */
  private state = new Uint8Array(1024);
  /** Per pod id: when it last turned Ready (for pods waiting out minReadySeconds). */
  private readyAt = new Float64Array(1024);
  /** Per node index: 1 while the machine is down, cut off, or removed. */
  private faulty = new Uint8Array(64);
  /** Pods pinned to a zone by their volume, not bound yet: since when. */
  private readonly volumeWaits = new Map<Pod, number>();
  /** Restarts over every pod, replicated workload or not. */
  private restartsAll = 0;

  constructor(
    private readonly clock: Clock,
    private readonly cluster: ClusterState,
    private readonly names: WorkloadNames,
    sinks: SinkFactory,
    /** Each workload's cost (its pods' share of their nodes' price). */
    private readonly costs: { costOf(i: number): number },
  ) {
    this.rows = sinks.open(WORKLOADS_FILE, WORKLOAD_COLUMNS);
    this.tracked = names.series.map(() => null);
    cluster.watch('metrics', {
      WorkloadAdded: (ev) => this.onWorkload(ev.workload),
      WorkloadSpecChanged: (ev) => this.onWorkload(ev.workload),
      PodAdded: (ev) => {
        if (ev.pod.template.volumeZone !== undefined) this.volumeWaits.set(ev.pod, this.clock.now);
      },
      PodBound: (ev) => this.endVolumeWait(ev.pod),
      PodRunning: (ev) => this.onReady(ev.pod),
      PodReadyChanged: (ev) => this.onReady(ev.pod),
      PodTerminating: (ev) => this.onEnd(ev.pod, true),
      PodFinished: (ev) => this.onEnd(ev.pod, false),
      PodDeleted: (ev) => this.onEnd(ev.pod, false),
      NodeHealthChanged: (ev) => this.onNodeHealth(ev.node, !ev.node.up || !ev.node.reachable),
      NodeRemoved: (ev) => this.onNodeHealth(ev.node, true),
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

  /** Accounts the time since the last change at the old counts, and the pods that became available meanwhile. */
  private advance(i: number): Tracked | null {
    const w = this.names.series[i]!;
    if (!REPLICATED.has(w.kind)) return null;
    const now = this.clock.now;
    let t = this.tracked[i];
    if (!t) {
      if (!this.object(i)) return null;
      this.tracked[i] = t = {
        since: now,
        last: now,
        available: 0,
        onFaulty: 0,
        crossings: [],
        head: 0,
        allMs: 0,
        anyMs: 0,
        belowSince: -1,
        longestBelowMs: 0,
        lost: 0,
        restarts: 0,
        open: [],
        recoveries: [],
        faultsHit: 0,
        volumeWaitMs: 0,
        volumeWaitLongestMs: 0,
      };
    }
    const q = t.crossings;
    while (t.head < q.length && q[t.head]!.at <= now) {
      const c = q[t.head++]!;
      const id = c.pod.id;
      if ((this.state[id]! & PENDING) === 0 || this.readyAt[id] !== c.readyAt) continue;
      this.account(i, t, c.at);
      this.makeAvailable(c.pod, t);
      this.settle(i, t, c.at);
    }
    if (t.head === q.length) {
      q.length = 0;
      t.head = 0;
    }
    this.account(i, t, now);
    return t;
  }

  private account(i: number, t: Tracked, until: number): void {
    const dt = until - t.last;
    const want = this.desired(i);
    if (t.available >= want) t.allMs += dt;
    if (t.available >= 1 || want === 0) t.anyMs += dt;
    t.last = until;
  }

  /** After a change at time `at`: whether it is below its desired count, and whether it has recovered. */
  private settle(i: number, t: Tracked, at = this.clock.now): void {
    const want = this.desired(i);
    const below = t.available < want;
    if (below && t.belowSince < 0) t.belowSince = at;
    else if (!below && t.belowSince >= 0) {
      t.longestBelowMs = Math.max(t.longestBelowMs, at - t.belowSince);
      t.belowSince = -1;
    }
    if (t.open.length > 0 && t.available - t.onFaulty >= want) {
      for (const start of t.open) t.recoveries.push(at - start);
      t.open.length = 0;
    }
  }

  private grow(id: number): void {
    if (id < this.state.length) return;
    const n = Math.max(id + 1, this.state.length * 2);
    const s = new Uint8Array(n);
    s.set(this.state);
    this.state = s;
    const r = new Float64Array(n);
    r.set(this.readyAt);
    this.readyAt = r;
  }

  private makeAvailable(pod: Pod, t: Tracked): void {
    let s = (this.state[pod.id]! & ~PENDING) | AVAILABLE;
    t.available++;
    if (pod.node && this.faulty[pod.node.index] === 1) {
      s |= ON_FAULTY;
      t.onFaulty++;
    }
    this.state[pod.id] = s;
  }

  /** Stops counting the pod as available (or as on its way to); whether it was available. */
  private uncount(pod: Pod, t: Tracked): boolean {
    const s = this.state[pod.id]!;
    this.state[pod.id] = s & RESTARTS_COUNTED;
    if ((s & AVAILABLE) === 0) return false;
    t.available--;
    if (s & ON_FAULTY) t.onFaulty--;
    return true;
  }

  /** A workload object was applied or changed: its desired count may have moved. */
  private onWorkload(w: Workload): void {
    const i = this.names.indexOfObject(w);
    if (i < 0) return;
    const t = this.advance(i);
    if (t) this.settle(i, t);
  }

  /** The pod started running or its Ready condition changed. */
  private onReady(pod: Pod): void {
    const i = this.names.indexOf(pod);
    if (i < 0) return;
    const t = this.advance(i);
    if (!t) return;
    this.grow(pod.id);
    const s = this.state[pod.id]!;
    const counted = (s & (AVAILABLE | PENDING)) !== 0;
    if (pod.ready && !pod.terminating && pod.phase === 'Running') {
      if (counted) return;
      const minReadyMs = (this.object(i)?.spec.minReadySeconds ?? 0) * 1000;
      if (minReadyMs === 0) this.makeAvailable(pod, t);
      else {
        const now = this.clock.now;
        this.state[pod.id] = s | PENDING;
        this.readyAt[pod.id] = now;
        const c: Crossing = { pod, at: now + minReadyMs, readyAt: now };
        // Crossings are kept by time; minReadySeconds rarely changes, so this is almost always a push.
        const q = t.crossings;
        let k = q.length;
        while (k > t.head && q[k - 1]!.at > c.at) k--;
        q.splice(k, 0, c);
      }
      this.settle(i, t);
    } else if (counted) {
      this.uncount(pod, t);
      this.settle(i, t);
    }
  }

  /** The pod began terminating (terminating = true), ended or was deleted. */
  private onEnd(pod: Pod, terminating: boolean): void {
    this.grow(pod.id);
    let restarts = 0;
    if (!terminating) {
      this.endVolumeWait(pod);
      // Its restarts count once: when it finished, or when it was deleted without finishing.
      const s = this.state[pod.id]!;
      if ((s & RESTARTS_COUNTED) === 0) {
        this.state[pod.id] = s | RESTARTS_COUNTED;
        restarts = pod.restarts;
        this.restartsAll += restarts;
      }
    }
    const i = this.names.indexOf(pod);
    if (i < 0) return;
    const t = this.advance(i);
    if (!t) return;
    const lost = pod.outcome === 'TaintManagerEviction' || pod.outcome === 'NodeRestarted' || pod.outcome === 'Evicted';
    // A pod is lost once: when its deletion begins (or when it ends, if it ended without one).
    if (lost && (terminating || pod.deletionTimestamp < 0)) t.lost++;
    t.restarts += restarts;
    this.uncount(pod, t);
    this.settle(i, t);
  }

  private endVolumeWait(pod: Pod): void {
    const since = this.volumeWaits.get(pod);
    if (since === undefined) return;
    this.volumeWaits.delete(pod);
    this.addVolumeWait(pod, this.clock.now - since);
  }

  private addVolumeWait(pod: Pod, ms: number): void {
    const i = this.names.indexOf(pod);
    const t = i >= 0 ? this.advance(i) : null;
    if (!t) return;
    t.volumeWaitMs += ms;
    t.volumeWaitLongestMs = Math.max(t.volumeWaitLongestMs, ms);
  }

  /** A node became faulty (down, cut off, removed) or healthy again. */
  private onNodeHealth(node: Node, faulty: boolean): void {
    if (node.index >= this.faulty.length) {
      const f = new Uint8Array(Math.max(node.index + 1, this.faulty.length * 2));
      f.set(this.faulty);
      this.faulty = f;
    }
    if ((this.faulty[node.index] === 1) === faulty) return;
    this.faulty[node.index] = faulty ? 1 : 0;
    const now = this.clock.now;
    const touched: number[] = [];
    for (const pod of node.pods) {
      const i = this.names.indexOf(pod);
      if (i < 0) continue;
      const t = this.advance(i);
      if (!t) continue;
      this.grow(pod.id);
      const s = this.state[pod.id]!;
      if (faulty) {
        if ((s & (AVAILABLE | ON_FAULTY)) === AVAILABLE) {
          this.state[pod.id] = s | ON_FAULTY;
          t.onFaulty++;
        }
        if (!pod.terminating && this.desired(i) > 0 && t.open[t.open.length - 1] !== now) {
          t.open.push(now);
          t.faultsHit++;
        }
      } else if (s & ON_FAULTY) {
        this.state[pod.id] = s & ~ON_FAULTY;
        t.onFaulty--;
      }
      if (!touched.includes(i)) touched.push(i);
    }
    for (const i of touched) this.settle(i, this.tracked[i]!);
  }

  finish(): void {
    const now = this.clock.now;
    for (const [pod, since] of this.volumeWaits) this.addVolumeWait(pod, now - since);
    this.volumeWaits.clear();
    for (const pod of this.cluster.livePods.values()) {
      this.restartsAll += pod.restarts;
      const i = this.names.indexOf(pod);
      const t = i >= 0 ? this.advance(i) : null;
      if (t) t.restarts += pod.restarts;
    }
    this.names.series.forEach((w, i) => {
      const t = this.advance(i);
      if (!t) return;
      const span = t.last - t.since;
      const longest = Math.max(t.longestBelowMs, t.belowSince >= 0 ? t.last - t.belowSince : 0);
      const rec = Float64Array.from(t.recoveries).sort();
      this.rows.write([
        `${w.namespace}/${w.name}`,
        w.kind,
        this.desired(i),
        t.available,
        span > 0 ? tidy(t.allMs / span) : 1,
        span > 0 ? tidy(t.anyMs / span) : 1,
        tidy(longest / 1000),
        t.lost,
        t.restarts,
        t.faultsHit,
        rec.length > 0 ? tidy(median(rec) / 1000) : '',
        rec.length > 0 ? tidy(rec[rec.length - 1]! / 1000) : '',
        t.open.length,
        tidy(t.volumeWaitMs / 1000),
        tidy(t.volumeWaitLongestMs / 1000),
        tidy(this.costs.costOf(i)),
      ]);
    });
  }

  summary(): Figures {
    let min = 1;
    let lost = 0;
    let recoveryMax = -1;
    let unrecovered = 0;
    let volumeWait = 0;
    this.names.series.forEach((_w, i) => {
      const t = this.tracked[i];
      if (!t) return;
      const span = t.last - t.since;
      if (span > 0) min = Math.min(min, t.allMs / span);
      lost += t.lost;
      for (const r of t.recoveries) recoveryMax = Math.max(recoveryMax, r);
      unrecovered += t.open.length;
      volumeWait += t.volumeWaitMs;
    });
    return {
      availability_min: tidy(min),
      pods_lost: lost,
      container_restarts: this.restartsAll,
      recovery_max_s: recoveryMax >= 0 ? tidy(recoveryMax / 1000) : '',
      unrecovered,
      volume_wait_s: tidy(volumeWait / 1000),
    };
  }
}

/** The median of values sorted ascending (the mean of the middle two for an even count). */
function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}
