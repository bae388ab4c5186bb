// What each workload costs: a pod bound to a node is charged, for the time it is bound, its share of the
// node's price by its requests (half for its share of the node's CPU, half for its share of memory, as cost
// allocation tools split a node's price between the two). What no pod is charged is idle cost. With request
// traffic, summary.csv also gives the cost per million requests.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { CPU, MEMORY } from '../../model/resources.js';
import type { Collector, Figures } from '../collector.js';
import { tidy } from '../stats.js';
import type { WorkloadNames } from './workloads.js';

/** The pod's share of the node's price per hour. */
export function podPriceShare(pod: Pod, node: Node): number {
  const cpu = node.allocatable[CPU]! > 0 ? pod.requests[CPU]! / node.allocatable[CPU]! : 0;
  const mem = node.allocatable[MEMORY]! > 0 ? pod.requests[MEMORY]! / node.allocatable[MEMORY]! : 0;
  return Math.min(1, 0.5 * cpu + 0.5 * mem) * node.pricePerHour;
}

export class CostCollector implements Collector {
  /** Per declared workload (WorkloadNames' series): cost of its pods' finished bindings. */
  private readonly cost: number[];
  private other = 0;
  /** Bound pods: when they were bound. */
  private readonly since = new Map<Pod, number>();
  private settledAt = -1;

  constructor(
    private readonly clock: Clock,
    cluster: ClusterState,
    private readonly names: WorkloadNames,
  ) {
    this.cost = names.series.map(() => 0);
    const end = (pod: Pod | undefined, node: Node | null | undefined) => {
      if (!pod || !node) return;
      const t = this.since.get(pod);
      if (t === undefined) return;
      this.since.delete(pod);
      this.charge(pod, node, this.clock.now - t);
    };
    cluster.watch('metrics', {
      PodBound: (ev) => this.since.set(ev.pod, this.clock.now),
      PodFinished: (ev) => end(ev.pod, ev.node),
      PodDeleted: (ev) => end(ev.pod, ev.node),
    });
  }

  private charge(pod: Pod, node: Node, ms: number): void {
    const c = (podPriceShare(pod, node) * ms) / 3.6e6;
    const i = this.names.indexOf(pod);
    if (i >= 0) this.cost[i]! += c;
    else this.other += c;
  }

  /** Charges the bindings still open up to now (each pod's later end charges from now on): one pass for all. */
  private settle(): void {
    const now = this.clock.now;
    // Once settled at an instant, every open binding starts at it: settling again then changes nothing.
    if (this.settledAt === now) return;
    this.settledAt = now;
    for (const [pod, t] of this.since) {
      if (!pod.node || t === now) continue;
      this.charge(pod, pod.node, now - t);
      this.since.set(pod, now);
    }
  }

  /** The declared workload's cost so far (bindings still open counted up to now). */
  costOf(i: number): number {
    this.settle();
    return this.cost[i]!;
  }

  /** Cost charged to pods (declared workloads, batch streams and traces alike), up to now. */
  allocated(): number {
    this.settle();
    let c = this.other;
    for (const x of this.cost) c += x;
    return c;
  }

  summary(): Figures {
    return { cost_allocated: tidy(this.allocated()) };
  }
}
