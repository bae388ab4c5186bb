// Spot (preemptible) capacity: the cloud reclaims a spot node after a random time, with a short notice (AWS
// gives two minutes, GCP thirty seconds). On the notice the node termination handler cordons the node and
// evicts its pods through the eviction API (PDBs respected, a refused eviction retried every 5 s, each pod's
// grace period capped by what is left of the notice); when the notice runs out the machine is gone and the node
// object is deleted with whatever still runs there. A pool the cluster autoscaler manages is left a node short
// (the autoscaler scales up again for the pods that no longer fit); any other pool's instance group replaces
// the node after the pool's replacement time.
import type { Simulation } from '../engine/simulation.js';
import { sample, type Distribution } from '../engine/distributions.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { EventRecorder } from '../metrics/collectors/events.js';
import type { DisruptionController } from '../controllers/disruption/controller.js';
import type { NodePoolSpec } from '../scenario/types.js';
import { DRAIN_EVICTION_RETRY_MS } from './drain.js';

/** A pool's spot settings. */
export interface SpotSpec {
  /** Time from a node's start to the cloud's interruption notice, drawn per node. */
  interruptions: Distribution;
  /** ms from the notice to the machine's end. */
  noticeMs: number;
  /** For a pool the cluster autoscaler does not manage: time until the instance group's replacement is Ready. */
  replacement: Distribution;
}

export class SpotController {
  readonly stats = { interruptions: 0, replacements: 0 };
  private readonly kNotice: number;
  private readonly kEvict: number;
  private readonly kGone: number;
  private readonly kReplace: number;
  /** Per pool without the autoscaler: the index its next replacement node takes. */
  private readonly nextIndex = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly pools: readonly NodePoolSpec[],
    private readonly disruption: DisruptionController,
    private readonly recorder: EventRecorder | null,
    /** Creates the pool's node of that index (as the run creates its first nodes). */
    private readonly createNode: (pool: NodePoolSpec, index: number) => Node,
  ) {
    for (const p of pools) if (p.spot && p.maxCount === null) this.nextIndex.set(p.name, p.count);
    this.kNotice = sim.register('spot.notice', (_a, n) => this.notice(n as Node));
    this.kEvict = sim.register('spot.evict', (_a, p) => this.evict(p as Pod, null));
    this.kGone = sim.register('spot.gone', (_a, n) => this.gone(n as Node));
    this.kReplace = sim.register('spot.replace', (_a, p) => this.replace(p as NodePoolSpec));
  }

  /** Draws when the cloud will reclaim the node, if its pool is spot (call as the node is added). */
  nodeAdded(node: Node): void {
    const pool = this.pools.find((p) => p.name === node.pool);
    if (!pool?.spot) return;
    const after = Math.max(0, Math.round(sample(pool.spot.interruptions, this.sim.rng(`spot:${node.name}`))));
    this.sim.schedule(after, this.kNotice, 0, node);
  }

  private notice(node: Node): void {
    if (node.removedAt >= 0) return;
    const pool = this.pools.find((p) => p.name === node.pool)!;
    const notice = pool.spot!.noticeMs;
    this.stats.interruptions++;
    this.recorder?.event('Warning', 'SpotInterruption', node, `the cloud reclaims the spot instance in ${notice / 1000}s`);
    this.cluster.setUnschedulable(node, true);
    const end = this.sim.now + notice;
    for (const pod of node.pods.slice()) if (!this.cluster.isDaemonSetPod(pod)) this.evict(pod, end);
    this.sim.schedule(notice, this.kGone, 0, node);
  }

  /** Evicts the pod with what is left of the notice as its longest grace; a refusal is retried until the end. */
  private evict(pod: Pod, end: number | null): void {
    const node = pod.node;
    if (!node || pod.terminating || !this.cluster.livePods.has(pod.id)) return;
    const until = end ?? this.ends.get(node) ?? this.sim.now;
    this.ends.set(node, until);
    const left = Math.max(0, until - this.sim.now);
    const r = this.disruption.evict(pod, Math.min(pod.template.terminationGracePeriodMs, left));
    if (!r.allowed && this.sim.now + DRAIN_EVICTION_RETRY_MS < until) this.sim.schedule(DRAIN_EVICTION_RETRY_MS, this.kEvict, 0, pod);
  }

  /** When each interrupted node's machine ends. */
  private readonly ends = new Map<Node, number>();

  private gone(node: Node): void {
    this.ends.delete(node);
    if (node.removedAt >= 0) return;
    const pool = this.pools.find((p) => p.name === node.pool)!;
    this.recorder?.event('Warning', 'SpotInstanceTerminated', node, `the spot instance ${node.name} was reclaimed; the node is deleted`);
    this.cluster.removeNode(node);
    if (pool.maxCount === null)
      this.sim.schedule(
        Math.max(0, Math.round(sample(pool.spot!.replacement, this.sim.rng(`spot:${pool.name}:replacement`)))),
        this.kReplace,
        0,
        pool,
      );
  }

  private replace(pool: NodePoolSpec): void {
    const index = this.nextIndex.get(pool.name)!;
    this.nextIndex.set(pool.name, index + 1);
    this.stats.replacements++;
    const node = this.createNode(pool, index);
    this.recorder?.event('Normal', 'RegisteredNode', node, `Node ${node.name} event: Registered Node ${node.name} in Controller`);
  }
}
