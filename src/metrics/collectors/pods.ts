// Pods through their life: created, pending, scheduled (with the scheduling latency), running, and how
// each ended; nodes in use (at least one pod bound: what a packing strategy minimises); one row per pod
// in pods.csv, written when the pod ends (or at the end of the run for pods still live).
//
// Pods pending (created, not yet bound): the peak is the largest number pending at any instant, taken
// after each change, so pods created at t = 0 all count before the first scheduling cycle binds any;
// the mean is the count integrated over virtual time from each change to the next (exact, whatever the
// metrics interval), divided by the time run.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { CPU, MEMORY } from '../../model/resources.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { DoubleList, percentile, seconds, tidy } from '../stats.js';
import type { WorkloadNames } from './workloads.js';

export const POD_COLUMNS = [
  'pod',
  'namespace',
  'workload',
  'priority',
  'cpu_request_millicores',
  'memory_request_bytes',
  'created_s',
  'scheduled_s',
  'started_s',
  'finished_s',
  'node',
  'attempts',
  'outcome',
];
export const PODS_FILE = 'pods.csv';

export class PodsCollector implements Collector {
  static readonly files = [PODS_FILE];
  pending = 0;
  running = 0;
  created = 0;
  scheduled = 0;
  succeeded = 0;
  failed = 0;
  preempted = 0;
  deleted = 0;
  peakPending = 0;
  /** Pods pending integrated over virtual time (pod-milliseconds), up to pendingSince. */
  private pendingArea = 0;
  private pendingSince: number;
  private readonly startedAt: number;
  nodesUsed = 0;
  peakNodesUsed = 0;
  readonly schedulingLatency = new DoubleList();
  private readonly rows: RowSink;

  constructor(
    private readonly cluster: ClusterState,
    sinks: SinkFactory,
    private readonly names: WorkloadNames,
  ) {
    this.rows = sinks.open(PODS_FILE, POD_COLUMNS);
    this.startedAt = this.pendingSince = cluster.clock.now;
    cluster.watch('metrics', {
      PodAdded: () => this.onAdded(),
      PodBound: (ev) => this.onBound(ev.pod, ev.node),
      PodRunning: () => this.running++,
      PodFinished: (ev) => this.onEnd(ev.pod, ev.node, true),
      PodDeleted: (ev) => this.onEnd(ev.pod, ev.node, false),
    });
  }

  private onAdded(): void {
    this.created++;
    this.integratePending();
    this.pending++;
    if (this.pending > this.peakPending) this.peakPending = this.pending;
  }

  private onBound(pod: Pod, node: Node): void {
    this.integratePending();
    this.pending--;
    this.scheduled++;
    this.schedulingLatency.push(pod.scheduledAt - pod.createdAt);
    // bindPod has added the pod by the time watchers hear of it.
    if (node.pods.length === 1) {
      this.nodesUsed++;
      if (this.nodesUsed > this.peakNodesUsed) this.peakNodesUsed = this.nodesUsed;
    }
  }

  /** The pod finished (PodFinished) or its object was deleted (PodDeleted). */
  private onEnd(pod: Pod, node: Node | null, finished: boolean): void {
    // release has removed the pod from its node by the time watchers hear of it.
    if (node && node.pods.length === 0) this.nodesUsed--;
    if (pod.startedAt >= 0) this.running--;
    else if (pod.scheduledAt < 0) {
      this.integratePending();
      this.pending--;
    }
    if (finished) {
      if (pod.phase === 'Succeeded') this.succeeded++;
      else this.failed++;
    } else if (pod.outcome === 'Preempted') this.preempted++;
    else this.deleted++;
    this.writePod(pod);
  }

  /** Adds the pods pending since the last change, for the time since then, to the integral. */
  private integratePending(): void {
    const now = this.cluster.clock.now;
    this.pendingArea += this.pending * (now - this.pendingSince);
    this.pendingSince = now;
  }

  /** Time-weighted mean of the pods pending from the start of the run up to now (the count now if no time has passed). */
  meanPending(): number {
    this.integratePending();
    const elapsed = this.pendingSince - this.startedAt;
    return elapsed > 0 ? this.pendingArea / elapsed : this.pending;
  }

  writePod(pod: Pod): void {
    const s = (ms: number) => (ms < 0 ? '' : seconds(ms));
    this.rows.write([
      pod.name,
      pod.namespace,
      this.names.of(pod),
      pod.priority,
      tidy(pod.requests[CPU]!),
      tidy(pod.requests[MEMORY]!),
      s(pod.createdAt),
      s(pod.scheduledAt),
      s(pod.startedAt),
      s(pod.finishedAt),
      pod.nodeName,
      pod.attempts,
      pod.outcome || pod.phase,
    ]);
  }

  sample(t: number | string, ts: RowSink): void {
    ts.write([t, 'nodes_used', '', '', '', this.nodesUsed]);
    ts.write([t, 'pods_pending', '', '', '', this.pending]);
    ts.write([t, 'pods_running', '', '', '', this.running]);
  }

  /** Pods still live at the end get their row. */
  finish(): void {
    for (const pod of this.cluster.livePods.values()) this.writePod(pod);
  }

  summary(): Figures {
    const lat = this.schedulingLatency.sorted();
    const sec = (ms: number) => tidy(ms / 1000);
    return {
      nodes_used_end: this.nodesUsed,
      nodes_used_peak: this.peakNodesUsed,
      pods_created: this.created,
      pods_scheduled: this.scheduled,
      pods_pending_end: this.pending,
      pods_running_end: this.running,
      pods_succeeded: this.succeeded,
      pods_preempted: this.preempted,
      pods_deleted: this.deleted,
      pods_pending_peak: this.peakPending,
      pods_pending_mean: tidy(this.meanPending()),
      scheduling_latency_p50_s: sec(percentile(lat, 50)),
      scheduling_latency_p90_s: sec(percentile(lat, 90)),
      scheduling_latency_p99_s: sec(percentile(lat, 99)),
      scheduling_latency_max_s: sec(percentile(lat, 100)),
    };
  }
}
