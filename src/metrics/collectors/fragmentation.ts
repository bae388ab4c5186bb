// Fragmentation: the share of free CPU stranded on nodes that cannot fit a reference pod (the median
// request of the scenario's workloads), kept per node as pods come and go and nodes are added or removed.
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
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
    cluster.watch('metrics', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'NodeAdded':
        if (this.stranded.length <= ev.node.index) {
          const s = new Float64Array(Math.max(64, (ev.node.index + 1) * 2));
          s.set(this.stranded);
          this.stranded = s;
        }
        this.update(ev.node);
        return;
      case 'NodeRemoved':
        this.strandedTotal -= this.stranded[ev.node.index]!;
        this.stranded[ev.node.index] = 0;
        return;
      case 'PodBound':
        this.update(ev.node);
        return;
      case 'PodFinished':
      case 'PodDeleted':
        if (ev.node && ev.node.removedAt < 0) this.update(ev.node);
        return;
      default:
    }
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
