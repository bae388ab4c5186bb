// Fragmentation: the share of free CPU stranded on nodes that cannot fit a reference pod (the median
// request of the scenario's workloads), kept per node as pods come and go and nodes are added or removed.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import { CPU, MEMORY, PODS } from '../../model/resources.js';
import type { Collector, Figures, RowSink } from '../collector.js';
import { tidy } from '../stats.js';
import type { CapacityCollector } from './capacity.js';

/** The pod whose fit defines fragmentation: free CPU on nodes that cannot hold it is stranded. */
export interface ReferencePod {
  cpu: number;
  memory: number;
}

export class FragmentationCollector implements Collector {
  private stranded: Float64Array = new Float64Array(0);
  private strandedTotal = 0;
  private peak = 0;

  constructor(
    cluster: ClusterState,
    private readonly capacity: CapacityCollector,
    private readonly reference: ReferencePod,
  ) {
    cluster.watch('metrics', {
      NodeAdded: (ev) => this.onNodeAdded(ev.node),
      NodeRemoved: (ev) => this.onNodeRemoved(ev.node),
      PodBound: (ev) => this.update(ev.node),
      PodFinished: (ev) => this.onPodEnd(ev.node),
      PodDeleted: (ev) => this.onPodEnd(ev.node),
    });
  }

  private onNodeAdded(n: Node): void {
    if (this.stranded.length <= n.index) {
      const s = new Float64Array(Math.max(64, (n.index + 1) * 2));
      s.set(this.stranded);
      this.stranded = s;
    }
    this.update(n);
  }

  private onNodeRemoved(n: Node): void {
    this.strandedTotal -= this.stranded[n.index]!;
    this.stranded[n.index] = 0;
  }

  /** A pod left the node: its room changed, unless the node is gone. */
  private onPodEnd(n: Node | null): void {
    if (n && n.removedAt < 0) this.update(n);
  }

  private update(n: Node): void {
    const freeCpu = n.allocatable[CPU]! - n.requested[CPU]!;
    const freeMem = n.allocatable[MEMORY]! - n.requested[MEMORY]!;
    const fits = freeCpu >= this.reference.cpu && freeMem >= this.reference.memory && n.requested[PODS]! < n.allocatable[PODS]!;
    const s = fits ? 0 : Math.max(0, freeCpu);
    this.strandedTotal += s - this.stranded[n.index]!;
    this.stranded[n.index] = s;
  }

  /** Share of free CPU that no reference pod could use. */
  fragmentation(): number {
    const free = this.capacity.freeCpu;
    return free > 0 ? this.strandedTotal / free : 0;
  }

  sample(t: number | string, ts: RowSink): void {
    const frag = this.fragmentation();
    ts.write([t, 'fragmentation_ratio', '', '', '', tidy(frag)]);
    if (frag > this.peak) this.peak = frag;
  }

  summary(): Figures {
    return { fragmentation_ratio_peak: tidy(this.peak) };
  }
}
