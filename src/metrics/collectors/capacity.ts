// Requested and allocatable CPU and memory per node pool and zone, and the cluster's utilisation
// (requested / allocatable), kept incrementally from the model's events: pods bound and released,
// nodes added and removed.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { CPU, MEMORY } from '../../model/resources.js';
import type { Collector, Figures, RowSink } from '../collector.js';
import { tidy } from '../stats.js';

interface Group {
  pool: string;
  zone: string;
  nodes: number;
  cpuAlloc: number;
  memAlloc: number;
  cpuReq: number;
  memReq: number;
  /** The group's nodes' summed price per hour. */
  price: number;
}

export class CapacityCollector implements Collector {
  private readonly groups = new Map<string, Group>();
  private readonly nodeGroup: Group[] = [];
  private cpuReq = 0;
  private cpuAlloc = 0;
  private memReq = 0;
  private memAlloc = 0;
  /** Integrals over time of requested and allocatable (for time-weighted means), up to lastChange. */
  private lastChange = 0;
  private cpuArea = 0;
  private memArea = 0;
  private cpuAllocArea = 0;
  private memAllocArea = 0;
  private peakCpu = 0;
  /** The cluster's price per hour now, and its cost up to lastChange (price integrated over time). */
  private price = 0;
  private costArea = 0;

  constructor(
    private readonly clock: Clock,
    cluster: ClusterState,
  ) {
    cluster.watch('metrics', {
      NodeAdded: (ev) => this.onNode(ev.node, 1),
      NodeRemoved: (ev) => this.onNode(ev.node, -1),
      PodBound: (ev) => this.change(ev.node, ev.pod, 1),
      PodFinished: (ev) => {
        if (ev.node) this.change(ev.node, ev.pod, -1);
      },
      PodDeleted: (ev) => {
        if (ev.node) this.change(ev.node, ev.pod, -1);
      },
    });
  }

  /** A node appears (d = 1) or goes (d = -1). */
  private onNode(n: Node, d: 1 | -1): void {
    this.integrate();
    const g = d > 0 ? this.group(n) : this.nodeGroup[n.index]!;
    g.nodes += d;
    g.cpuAlloc += d * n.allocatable[CPU]!;
    g.memAlloc += d * n.allocatable[MEMORY]!;
    g.price += d * n.pricePerHour;
    this.price += d * n.pricePerHour;
    this.cpuAlloc += d * n.allocatable[CPU]!;
    this.memAlloc += d * n.allocatable[MEMORY]!;
  }

  private group(n: Node): Group {
    const key = `${n.pool}\u0000${n.zone}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { pool: n.pool, zone: n.zone, nodes: 0, cpuAlloc: 0, memAlloc: 0, cpuReq: 0, memReq: 0, price: 0 }));
    this.nodeGroup[n.index] = g;
    return g;
  }

  private integrate(): void {
    const dt = this.clock.now - this.lastChange;
    if (dt > 0) {
      this.cpuArea += this.cpuReq * dt;
      this.memArea += this.memReq * dt;
      this.cpuAllocArea += this.cpuAlloc * dt;
      this.memAllocArea += this.memAlloc * dt;
      this.costArea += (this.price * dt) / 3.6e6;
      this.lastChange = this.clock.now;
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
  }

  sample(t: number | string, ts: RowSink): void {
    for (const g of this.groups.values()) {
      ts.write([t, 'nodes', g.pool, g.zone, '', g.nodes]);
      ts.write([t, 'cpu_requested_millicores', g.pool, g.zone, '', tidy(g.cpuReq)]);
      ts.write([t, 'cpu_allocatable_millicores', g.pool, g.zone, '', tidy(g.cpuAlloc)]);
      ts.write([t, 'memory_requested_bytes', g.pool, g.zone, '', tidy(g.memReq)]);
      ts.write([t, 'memory_allocatable_bytes', g.pool, g.zone, '', tidy(g.memAlloc)]);
      ts.write([t, 'cost_per_hour', g.pool, g.zone, '', tidy(g.price)]);
    }
    this.integrate();
    ts.write([t, 'cost', '', '', '', tidy(this.costArea)]);
    const util = this.utilization().cpu;
    if (util > this.peakCpu) this.peakCpu = util;
  }

  /** Time-weighted share of allocatable CPU and memory requested, up to now. */
  meanUtilization(): { cpu: number; memory: number } {
    this.integrate();
    return {
      cpu: this.cpuAllocArea > 0 ? this.cpuArea / this.cpuAllocArea : 0,
      memory: this.memAllocArea > 0 ? this.memArea / this.memAllocArea : 0,
    };
  }

  /** Current share of allocatable CPU and memory requested. */
  utilization(): { cpu: number; memory: number } {
    return { cpu: this.cpuAlloc > 0 ? this.cpuReq / this.cpuAlloc : 0, memory: this.memAlloc > 0 ? this.memReq / this.memAlloc : 0 };
  }

  /** Allocatable and requested CPU over the cluster now (for fragmentation). */
  get freeCpu(): number {
    return this.cpuAlloc - this.cpuReq;
  }

  summary(): Figures {
    const mean = this.meanUtilization();
    const now = this.utilization();
    return {
      cpu_requested_ratio_mean: tidy(mean.cpu),
      memory_requested_ratio_mean: tidy(mean.memory),
      cpu_requested_ratio_end: tidy(now.cpu),
      cpu_requested_ratio_peak: tidy(Math.max(this.peakCpu, now.cpu)),
    };
  }
}
