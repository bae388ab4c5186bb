// Nodes: one row per node in nodes.csv at the end of the run (removed nodes too), the count of nodes
// at the end (with the fraction of its life it was up, and Ready), node-hours and cost: each node counts from its creation to its removal or the end of the run.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import { INSTANCE_TYPE_LABEL } from '../../model/node.js';
import { CPU, MEMORY, PODS } from '../../model/resources.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { tidy } from '../stats.js';
import type { NodeHealthCollector } from './node-health.js';

export const NODE_COLUMNS = [
  'node',
  'node_pool',
  'zone',
  'instance_type',
  'cpu_allocatable_millicores',
  'memory_allocatable_bytes',
  'pods_allocatable',
  'price_per_hour',
  'created_s',
  'cpu_requested_millicores',
  'memory_requested_bytes',
  'pods',
  'up_ratio',
  'ready_ratio',
];
export const NODES_FILE = 'nodes.csv';

export class NodesCollector implements Collector {
  static readonly files = [NODES_FILE];
  private readonly rows: RowSink;

  constructor(
    private readonly clock: Clock,
    private readonly cluster: ClusterState,
    sinks: SinkFactory,
    private readonly health: NodeHealthCollector,
  ) {
    this.rows = sinks.open(NODES_FILE, NODE_COLUMNS);
  }

  finish(): void {
    for (const n of this.cluster.nodes) {
      const r = this.health.ratios(n);
      this.rows.write([
        n.name,
        n.pool,
        n.zone,
        n.labels.get(INSTANCE_TYPE_LABEL) ?? '',
        n.allocatable[CPU]!,
        n.allocatable[MEMORY]!,
        n.allocatable[PODS]!,
        n.pricePerHour,
        tidy(n.createdAt / 1000),
        n.requested[CPU]!,
        n.requested[MEMORY]!,
        n.pods.length,
        tidy(r.up),
        tidy(r.ready),
      ]);
    }
  }

  summary(): Figures {
    const end = this.clock.now;
    let hours = 0;
    let cost = 0;
    for (const n of this.cluster.nodes) {
      const h = ((n.removedAt >= 0 ? n.removedAt : end) - n.createdAt) / 3.6e6;
      hours += h;
      cost += h * n.pricePerHour;
    }
    return { nodes: this.cluster.nodes.length - this.cluster.removedNodes, node_hours: tidy(hours), cost: tidy(cost) };
  }
}
