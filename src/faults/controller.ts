// Fault injection: the scenario's faults (a node, a pool or a zone down or cut off for a window) and each
// pool's random failures (time to failure, then time to repair, per node). A fault changes the machine,
// not the API: ClusterState.setNodeHealth, which the kubelet and the node lifecycle controller react to.
// Overlapping faults add up per node: a node is up while no failure holds it down, and reachable while it
// is up and no partition holds it. Every draw comes from a stream of its own (the fault's, or the node's),
// so adding a fault leaves every other random number of the run as it was.
import { sample } from '../engine/distributions.js';
import type { Simulation } from '../engine/simulation.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { FaultSpec, NodePoolSpec } from '../scenario/types.js';
import type { EventRecorder } from '../metrics/collectors/events.js';
import type { DisruptionController } from '../controllers/disruption/controller.js';
import { Maintenance } from './drain.js';

/** An event reason for a fault, as Kubernetes writes reasons: ZoneOutage, NetworkPartition, … */
const reasonOf = (f: FaultSpec) => f.name[0]!.toUpperCase() + f.name.slice(1);

interface Hold {
  down: number;
  partitioned: number;
}

export class FaultController {
  private readonly kBegin: number;
  private readonly kEnd: number;
  private readonly kFail: number;
  private readonly kRepair: number;
  private readonly kTrace: number;
  /** Per trace fault: the next change of its timeline to apply. */
  private readonly traceNext = new Map<number, number>();
  private readonly holds = new Map<number, Hold>();
  /** The nodes each fault took, by fault index, for its end. */
  private readonly taken = new Map<number, Node[]>();
  private readonly maintenance: Maintenance;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly faults: readonly FaultSpec[],
    private readonly pools: readonly NodePoolSpec[],
    private readonly recorder: EventRecorder | null,
    disruption: DisruptionController,
  ) {
    this.maintenance = new Maintenance(sim, cluster, disruption, recorder, (n, d) => this.hold(n, 'down', d));
    this.kBegin = sim.register('faults.begin', (i) => this.begin(i));
    this.kEnd = sim.register('faults.end', (i) => this.end(i));
    this.kFail = sim.register('faults.fail', (_a, n) => this.fail(n as Node));
    this.kRepair = sim.register('faults.repair', (_a, n) => this.repair(n as Node));
    this.kTrace = sim.register('faults.trace', (i) => this.replay(i));
    faults.forEach((f, i) => {
      if (f.kind !== 'Trace') sim.scheduleAt(f.at, this.kBegin, i);
      else if (f.timeline!.length > 0) sim.scheduleAt(f.timeline![0]!.atMs, this.kTrace, i);
    });
  }

  /** Starts the random failures of a node of a pool that has them (call as the node is added). */
  nodeAdded(node: Node): void {
    const pool = this.pools.find((p) => p.name === node.pool);
    if (!pool?.failures) return;
    this.sim.schedule(this.draw(node, 'failure'), this.kFail, 0, node);
  }

  private draw(node: Node, what: 'failure' | 'repair'): number {
    const pool = this.pools.find((p) => p.name === node.pool)!;
    const d = what === 'failure' ? pool.failures!.timeToFailure : pool.failures!.timeToRepair;
    return Math.max(0, Math.round(sample(d, this.sim.rng(`failures:${node.name}:${what}`))));
  }

  private fail(node: Node): void {
    if (node.removedAt >= 0) return;
    this.hold(node, 'down', 1);
    this.recorder?.event('Warning', 'NodeFailure', node, 'the machine failed (pool failures)');
    this.sim.schedule(this.draw(node, 'repair'), this.kRepair, 0, node);
  }

  private repair(node: Node): void {
    if (node.removedAt >= 0) return;
    this.hold(node, 'down', -1);
    this.recorder?.event('Normal', 'NodeRepaired', node, 'the machine is back (pool failures)');
    this.sim.schedule(this.draw(node, 'failure'), this.kFail, 0, node);
  }

  private byName = new Map<string, Node>();

  private nodeNamed(name: string): Node | undefined {
    if (this.byName.size !== this.cluster.nodes.length) this.byName = new Map(this.cluster.nodes.map((n) => [n.name, n]));
    const n = this.byName.get(name);
    return n && n.removedAt < 0 ? n : undefined;
  }

  /** Applies a trace's changes due now (one event per distinct time), then waits for the next. */
  private replay(i: number): void {
    const f = this.faults[i]!;
    const timeline = f.timeline!;
    let k = this.traceNext.get(i) ?? 0;
    const now = this.sim.now;
    while (k < timeline.length && timeline[k]!.atMs <= now) {
      const c = timeline[k++]!;
      const node = this.nodeNamed(c.node);
      if (!node) continue;
      this.recorder?.event(
        c.up ? 'Normal' : 'Warning',
        c.up ? 'MachineAdded' : 'MachineRemoved',
        node,
        `machine ${c.up ? 'back' : 'removed'} (${f.source.file}:${f.source.line}, trace line ${c.line})`,
      );
      this.hold(node, 'down', c.up ? -1 : 1);
    }
    this.traceNext.set(i, k);
    if (k < timeline.length) this.sim.scheduleAt(timeline[k]!.atMs, this.kTrace, i);
  }

  /** The nodes a fault selects now: its zone, pool or node, and `count` of them drawn from its own stream. */
  private select(f: FaultSpec, i: number): Node[] {
    const t = f.target;
    let nodes = this.cluster.nodes.filter(
      (n) =>
        n.removedAt < 0 &&
        (t.zone === undefined || n.zone === t.zone) &&
        (t.pool === undefined || n.pool === t.pool) &&
        (t.node === undefined || n.name === t.node),
    );
    if (t.count !== undefined && t.count < nodes.length) {
      // A partial Fisher-Yates shuffle: the first `count` of a random order.
      const rng = this.sim.rng(`fault:${i}:select`);
      nodes = nodes.slice();
      for (let k = 0; k < t.count; k++) {
        const j = k + rng.int(nodes.length - k);
        [nodes[k], nodes[j]] = [nodes[j]!, nodes[k]!];
      }
      nodes = nodes.slice(0, t.count).sort((a, b) => a.index - b.index);
    }
    return nodes;
  }

  private begin(i: number): void {
    const f = this.faults[i]!;
    const nodes = this.select(f, i);
    if (f.kind === 'Drain') {
      this.recorder?.event(
        'Normal',
        'Drain',
        this.targetName(f, nodes),
        `draining ${nodes.length} node(s) one at a time (${f.source.file}:${f.source.line})`,
      );
      this.maintenance.start(nodes, f.forMs);
      return;
    }
    this.taken.set(i, nodes);
    const what = f.kind === 'Down' ? 'down' : 'partitioned';
    this.recorder?.event(
      'Warning',
      reasonOf(f),
      this.targetName(f, nodes),
      `${nodes.length} node(s) ${f.kind === 'Down' ? 'down' : 'cut off from the control plane'} (${f.source.file}:${f.source.line})`,
    );
    for (const n of nodes) this.hold(n, what, 1);
    if (f.forMs !== null) this.sim.schedule(f.forMs, this.kEnd, i);
  }

  private end(i: number): void {
    const f = this.faults[i]!;
    const nodes = this.taken.get(i) ?? [];
    this.taken.delete(i);
    this.recorder?.event('Normal', `${reasonOf(f)}Ended`, this.targetName(f, nodes), `${nodes.length} node(s) back`);
    for (const n of nodes) if (n.removedAt < 0) this.hold(n, f.kind === 'Down' ? 'down' : 'partitioned', -1);
  }

  /** The object an event about the fault names: its node, or zone/<name>, pool/<name>. */
  private targetName(f: FaultSpec, nodes: Node[]): Node | string {
    if (f.target.node !== undefined && nodes[0]) return nodes[0];
    return f.target.zone !== undefined ? `zone/${f.target.zone}` : `pool/${f.target.pool ?? f.target.node}`;
  }

  private hold(node: Node, what: keyof Hold, d: 1 | -1): void {
    let h = this.holds.get(node.index);
    if (!h) this.holds.set(node.index, (h = { down: 0, partitioned: 0 }));
    h[what] += d;
    const up = h.down === 0;
    this.cluster.setNodeHealth(node, up, up && h.partitioned === 0);
  }
}
