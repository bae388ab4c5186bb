// Nodes: one row per node in nodes.csv at the end of the run (removed nodes too, with the fraction of its
// life it was up, and Ready), one row per node pool in pools.csv (its nodes' up and Ready time over their
// node-time, node-hours and cost), the count of nodes at the end, node-hours and cost: each node counts
// from its creation to its removal or the end of the run.
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
export const POOL_COLUMNS = ['node_pool', 'nodes_end', 'nodes_ever', 'node_hours', 'cost', 'up_ratio', 'ready_ratio'];
export const POOLS_FILE = 'pools.csv';

interface PoolTotals {
  nodesEnd: number;
  nodesEver: number;
  lifeMs: number;
  upMs: number;
  readyMs: number;
  cost: number;
}

export class NodesCollector implements Collector {
  static readonly files = [NODES_FILE, POOLS_FILE];
  private readonly rows: RowSink;
  private readonly poolRows: RowSink;

  constructor(
    private readonly clock: Clock,
    private readonly cluster: ClusterState,
    sinks: SinkFactory,
    private readonly health: NodeHealthCollector,
  ) {
    this.rows = sinks.open(NODES_FILE, NODE_COLUMNS);
    this.poolRows = sinks.open(POOLS_FILE, POOL_COLUMNS);
  }

  finish(): void {
    const end = this.clock.now;
    // Pools in the order their first node was made (the scenario's order).
    const pools = new Map<string, PoolTotals>();
    for (const n of this.cluster.nodes) {
      const r = this.health.ratios(n);
      let p = pools.get(n.pool);
      if (!p) pools.set(n.pool, (p = { nodesEnd: 0, nodesEver: 0, lifeMs: 0, upMs: 0, readyMs: 0, cost: 0 }));
      const life = (n.removedAt >= 0 ? n.removedAt : end) - n.createdAt;
      p.nodesEver++;
      if (n.removedAt < 0) p.nodesEnd++;
      p.lifeMs += life;
      p.upMs += r.up * life;
      p.readyMs += r.ready * life;
      p.cost += (life / 3.6e6) * n.pricePerHour;
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
    for (const [name, p] of pools)
      this.poolRows.write([
        name,
        p.nodesEnd,
        p.nodesEver,
        tidy(p.lifeMs / 3.6e6),
        tidy(p.cost),
        p.lifeMs > 0 ? tidy(p.upMs / p.lifeMs) : 1,
        p.lifeMs > 0 ? tidy(p.readyMs / p.lifeMs) : 1,
      ]);
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
