// The metrics recorder: counts and samples the cluster as the run goes, keeping every aggregate
// incrementally (DESIGN rule 3), and hands rows to sinks (CSV files in the run's output directory).
import type { Simulation } from '../engine/simulation.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { ClusterEvent } from '../model/events.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import { CPU, MEMORY } from '../model/resources.js';
import { DoubleList, tidy } from './stats.js';

export type Row = (string | number)[];
export interface RowSink {
  write(row: Row): void;
}

export const TIMESERIES_COLUMNS = ['time_s', 'metric', 'node_pool', 'zone', 'workload', 'value'];
export const POD_COLUMNS = [
  'pod', 'namespace', 'workload', 'priority', 'cpu_request_millicores', 'memory_request_bytes', 'created_s', 'scheduled_s',
  'started_s', 'finished_s', 'node', 'attempts', 'outcome',
];

interface Group {
  pool: string;
  zone: string;
  nodes: number;
  cpuAlloc: number;
  memAlloc: number;
  cpuReq: number;
  memReq: number;
}

/** A workload the scenario declares: it gets a series from the start, whether or not it exists yet. */
export interface WorkloadSeries {
  kind: string;
  namespace: string;
  name: string;
}

/** The pod whose fit defines fragmentation: free CPU on nodes that cannot hold it is stranded. */
export interface ReferencePod {
  cpu: number;
  memory: number;
}

export class Recorder {
  private readonly groups = new Map<string, Group>();
  private readonly nodeGroup: Group[] = [];
  private readonly workloadRunning: number[] = [];
  pending = 0;
  running = 0;
  created = 0;
  scheduled = 0;
  succeeded = 0;
  failed = 0;
  preempted = 0;
  deleted = 0;
  readonly schedulingLatency = new DoubleList();
  private cpuReq = 0;
  private cpuAlloc = 0;
  private memReq = 0;
  private memAlloc = 0;
  private lastChange = 0;
  private cpuArea = 0;
  private memArea = 0;
  peakCpuUtilization = 0;
  peakFragmentation = 0;
  peakPending = 0;
  /** Nodes with at least one pod bound: what a packing strategy minimises. */
  nodesUsed = 0;
  peakNodesUsed = 0;
  /** Free CPU on nodes that cannot fit the reference pod (stranded), kept per node and in total. */
  private stranded: Float64Array = new Float64Array(0);
  private strandedTotal = 0;
  private readonly kSample: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly intervalMs: number,
    private readonly timeseries: RowSink,
    private readonly pods: RowSink,
    private readonly reference: ReferencePod,
    private readonly series: readonly WorkloadSeries[] = [],
  ) {
    this.kSample = sim.register('metrics.sample', () => this.sample());
    cluster.watch('metrics', (ev) => this.on(ev));
    sim.schedule(0, this.kSample);
    series.forEach((w, i) => this.seriesByKey.set(`${w.kind}/${w.namespace}/${w.name}`, i));
  }

  private readonly seriesByKey = new Map<string, number>();
  /** Series index per workload object index (-2: not looked up yet, -1: none). */
  private seriesOfWorkload: number[] = [];

  /**
   * The declared workload a pod counts for: its top-level owner (a Deployment for the pods of its
   * ReplicaSets), or for a bare pod the Pod entry of its own name; -1 if none.
   */
  private seriesOf(pod: Pod): number {
    if (pod.workload < 0) return this.seriesByKey.get(`Pod/${pod.namespace}/${pod.name}`) ?? -1;
    let i = this.seriesOfWorkload[pod.workload];
    if (i === undefined) {
      const root = this.cluster.workloads[pod.workload]!.root;
      i = this.seriesByKey.get(root.key) ?? -1;
      this.seriesOfWorkload[pod.workload] = i;
    }
    return i;
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'NodeAdded': {
        const n = ev.node;
        const key = `${n.pool}\u0000${n.zone}`;
        let g = this.groups.get(key);
        if (!g) this.groups.set(key, (g = { pool: n.pool, zone: n.zone, nodes: 0, cpuAlloc: 0, memAlloc: 0, cpuReq: 0, memReq: 0 }));
        this.integrate();
        g.nodes++;
        g.cpuAlloc += n.allocatable[CPU]!;
        g.memAlloc += n.allocatable[MEMORY]!;
        this.cpuAlloc += n.allocatable[CPU]!;
        this.memAlloc += n.allocatable[MEMORY]!;
        this.nodeGroup[n.index] = g;
        if (this.stranded.length <= n.index) {
          const s = new Float64Array(Math.max(64, (n.index + 1) * 2));
          s.set(this.stranded);
          this.stranded = s;
        }
        this.updateStranded(n);
        return;
      }
      case 'PodAdded':
        this.created++;
        this.pending++;
        if (this.pending > this.peakPending) this.peakPending = this.pending;
        return;
      case 'PodBound':
        this.pending--;
        this.scheduled++;
        this.schedulingLatency.push(ev.pod.scheduledAt - ev.pod.createdAt);
        this.change(ev.node, ev.pod, 1);
        return;
      case 'PodRunning': {
        this.running++;
        const i = this.seriesOf(ev.pod);
        if (i >= 0) this.workloadRunning[i] = (this.workloadRunning[i] ?? 0) + 1;
        return;
      }
      case 'PodFinished':
      case 'PodDeleted': {
        if (ev.node) this.change(ev.node, ev.pod, -1);
        if (ev.pod.startedAt >= 0) {
          this.running--;
          const i = this.seriesOf(ev.pod);
          if (i >= 0) this.workloadRunning[i]!--;
        } else if (ev.pod.scheduledAt < 0) this.pending--;
        if (ev.type === 'PodFinished') {
          if (ev.pod.phase === 'Succeeded') this.succeeded++;
          else this.failed++;
        } else if (ev.pod.outcome === 'Preempted') this.preempted++;
        else this.deleted++;
        this.writePod(ev.pod);
        return;
      }
      default:
    }
  }

  private integrate(): void {
    const dt = this.sim.now - this.lastChange;
    if (dt > 0) {
      this.cpuArea += this.cpuReq * dt;
      this.memArea += this.memReq * dt;
      this.lastChange = this.sim.now;
    }
  }

  private change(node: Node, pod: Pod, sign: 1 | -1): void {
    this.integrate();
    const g = this.nodeGroup[node.index]!;
    const c = sign * pod.requests[CPU]!;
    const m = sign * pod.requests[MEMORY]!;
    g.cpuReq += c;
    g.memReq += m;
    this.cpuReq += c;
    this.memReq += m;
    // bindPod has added the pod and release has removed it by the time watchers hear of it.
    if (sign > 0 && node.pods.length === 1) {
      this.nodesUsed++;
      if (this.nodesUsed > this.peakNodesUsed) this.peakNodesUsed = this.nodesUsed;
    } else if (sign < 0 && node.pods.length === 0) this.nodesUsed--;
    this.updateStranded(node);
  }

  private updateStranded(n: Node): void {
    const freeCpu = n.allocatable[CPU]! - n.requested[CPU]!;
    const freeMem = n.allocatable[MEMORY]! - n.requested[MEMORY]!;
    const fits = freeCpu >= this.reference.cpu && freeMem >= this.reference.memory && n.requested[3]! < n.allocatable[3]!;
    const s = fits ? 0 : Math.max(0, freeCpu);
    this.strandedTotal += s - this.stranded[n.index]!;
    this.stranded[n.index] = s;
  }

  /** Share of free CPU that no reference pod could use. */
  fragmentation(): number {
    const free = this.cpuAlloc - this.cpuReq;
    return free > 0 ? this.strandedTotal / free : 0;
  }

  private sample(): void {
    const t = tidy(this.sim.now / 1000);
    const ts = this.timeseries;
    for (const g of this.groups.values()) {
      ts.write([t, 'nodes', g.pool, g.zone, '', g.nodes]);
      ts.write([t, 'cpu_requested_millicores', g.pool, g.zone, '', tidy(g.cpuReq)]);
      ts.write([t, 'cpu_allocatable_millicores', g.pool, g.zone, '', tidy(g.cpuAlloc)]);
      ts.write([t, 'memory_requested_bytes', g.pool, g.zone, '', tidy(g.memReq)]);
      ts.write([t, 'memory_allocatable_bytes', g.pool, g.zone, '', tidy(g.memAlloc)]);
    }
    ts.write([t, 'nodes_used', '', '', '', this.nodesUsed]);
    ts.write([t, 'pods_pending', '', '', '', this.pending]);
    ts.write([t, 'pods_running', '', '', '', this.running]);
    const frag = this.fragmentation();
    ts.write([t, 'fragmentation_ratio', '', '', '', tidy(frag)]);
    this.series.forEach((w, i) => {
      ts.write([t, 'pods_running', '', '', `${w.namespace}/${w.name}`, this.workloadRunning[i] ?? 0]);
    });
    if (frag > this.peakFragmentation) this.peakFragmentation = frag;
    const util = this.cpuAlloc > 0 ? this.cpuReq / this.cpuAlloc : 0;
    if (util > this.peakCpuUtilization) this.peakCpuUtilization = util;
    this.sim.schedule(this.intervalMs, this.kSample);
  }

  writePod(pod: Pod): void {
    const s = (ms: number) => (ms < 0 ? '' : tidy(ms / 1000));
    const i = this.seriesOf(pod);
    const w = i >= 0 ? this.series[i]! : null;
    this.pods.write([
      pod.name, pod.namespace, w ? `${w.namespace}/${w.name}` : '', pod.priority, tidy(pod.requests[CPU]!), tidy(pod.requests[MEMORY]!),
      s(pod.createdAt), s(pod.scheduledAt), s(pod.startedAt), s(pod.finishedAt), pod.nodeName, pod.attempts,
      pod.outcome || pod.phase,
    ]);
  }

  /** Time-averaged share of allocatable CPU and memory requested, up to now. */
  meanUtilization(): { cpu: number; memory: number } {
    this.integrate();
    const t = this.sim.now;
    return {
      cpu: t > 0 && this.cpuAlloc > 0 ? this.cpuArea / t / this.cpuAlloc : 0,
      memory: t > 0 && this.memAlloc > 0 ? this.memArea / t / this.memAlloc : 0,
    };
  }

  /** Current share of allocatable CPU and memory requested. */
  utilization(): { cpu: number; memory: number } {
    return { cpu: this.cpuAlloc > 0 ? this.cpuReq / this.cpuAlloc : 0, memory: this.memAlloc > 0 ? this.memReq / this.memAlloc : 0 };
  }
}
