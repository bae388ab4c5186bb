// The cluster autoscaler's scheduling simulation with hints (cluster-autoscaler simulator/scheduling,
// hinting_simulator.go and hints.go): a pod placed in one loop's what-if is tried first, in the next, on the node
// it was placed on (by pod UID and node name), and only if it no longer fits there on any node, round and round
// from the snapshot's shared lastIndex (FitsAnyNodeMatching). The removal simulation of scale-down and the
// filtering of schedulable pods before a scale-up each keep hints of their own; each drops the hints it did not
// use again at the end of its loop (DropOldHints).
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { grown } from '../../model/arrays.js';

/**
 * hints.go Hints: past placements by key (a dense integer: a pod's id), with a whole generation replaced at a
 * time. Get reads the hints set since the last dropOld, then those set before it; dropOld forgets the older
 * ones. Upstream keeps the two generations in two maps; here each key keeps its last hint and the generation it
 * was set in, which answers the same (the last hint set is the current one, or else the old one).
 */
export class Hints<V> {
  /** Generation numbers from 2, so a key never set (0) is older than the previous generation. */
  private generation = 2;
  private setIn = new Uint32Array(64);
  private readonly values: (V | undefined)[] = [];

  get(key: number): V | undefined {
    return key < this.setIn.length && this.setIn[key]! >= this.generation - 1 ? this.values[key] : undefined;
  }

  set(key: number, value: V): void {
    this.setIn = grown(this.setIn, key);
    this.setIn[key] = this.generation;
    // (Filled in order, so the array stays dense.)
    while (this.values.length <= key) this.values.push(undefined);
    this.values[key] = value;
  }

  dropOld(): void {
    this.generation++;
  }
}

/** FitsAnyNodeMatching's round-robin start, shared by every search in the autoscaler's snapshot (p.lastIndex). */
export interface FitCursor {
  lastIndex: number;
}

/**
 * predicatechecker / SchedulerPluginRunner FitsAnyNodeMatching: the first of `nodes`, round and round from the
 * shared lastIndex, that `skip` does not refuse and on which the pod passes PreFilter and Filter; the cursor then
 * moves past it. Its position, or -1 (the cursor stays).
 */
export function fitsAnyNodeMatching(
  scheduler: Scheduler,
  pod: Pod,
  nodes: readonly Node[],
  cursor: FitCursor,
  skip: ((n: Node) => boolean) | null,
): number {
  if (nodes.length === 0) return -1;
  const at = scheduler.findFit(pod, nodes, cursor.lastIndex % nodes.length, skip);
  if (at >= 0) cursor.lastIndex = at + 1;
  return at;
}

export class HintingSimulator {
  /** By pod id (the pod's UID), the node it was placed on, read by name (see tryHinted). */
  readonly hints = new Hints<Node>();

  constructor(
    private readonly cluster: ClusterState,
    private readonly scheduler: Scheduler,
    private readonly cursor: FitCursor,
  ) {}

  /**
   * hinting_simulator.go TrySchedulePods, in the caller's what-if: each pod in turn goes to its hinted node
   * (tryHinted), else, unless a similar pod (the same `similar` key) found no node earlier in this call, to the
   * first node from the cursor that takes it (tryAny); it is assumed bound there. Returns the pods placed and
   * their nodes, in order; with breakOnFailure it stops at the first pod that finds none.
   */
  trySchedulePods(
    pods: readonly Pod[],
    skip: ((n: Node) => boolean) | null,
    breakOnFailure: boolean,
    similar: ((p: Pod) => string) | null = null,
  ): { pod: Pod; node: Node }[] {
    const placed: { pod: Pod; node: Node }[] = [];
    // similar_pods.go SimilarPodsScheduling: the keys of the pods that found no node.
    const unschedulable = similar === null ? null : new Set<string>();
    for (const pod of pods) {
      let node = this.tryHinted(pod, skip);
      if (node === null) {
        const key = similar === null ? '' : similar(pod);
        if (unschedulable === null || !unschedulable.has(key)) {
          node = this.tryAny(pod, skip);
          if (node === null) unschedulable?.add(key);
        }
      }
      if (node !== null) placed.push({ pod, node });
      else if (breakOnFailure) break;
    }
    return placed;
  }

  /**
   * trySchedulePods(pods, skip, true) without similar pods, asking only whether every pod was placed (the removal
   * simulation's question, asked for every pod of every candidate node: no list of placements is made).
   */
  tryScheduleAll(pods: readonly Pod[], skip: ((n: Node) => boolean) | null): boolean {
    for (const pod of pods) if (this.tryHinted(pod, skip) === null && this.tryAny(pod, skip) === null) return false;
    return true;
  }

  /**
   * tryScheduleUsingHints: the node the pod was placed on last, if it still exists, is not refused by `skip` and
   * passes PreFilter and Filter; the pod is assumed bound there and the hint kept (the cursor stays).
   */
  private tryHinted(pod: Pod, skip: ((n: Node) => boolean) | null): Node | null {
    const hinted = this.hints.get(pod.id);
    if (hinted === undefined) return null;
    // A hint names a node (hints.go keeps node names): the hinted node itself while it is in the cluster, else
    // the node of that name now (a node still provisioning whose template copy the hint was; the copies of one
    // what-if leave with it).
    const cluster = this.cluster;
    const node = hinted.removedAt < 0 && cluster.nodes[hinted.index] === hinted ? hinted : cluster.nodeByName.get(hinted.name);
    if (!node || (skip !== null && skip(node)) || this.scheduler.checkNode(pod, node) !== null) return null;
    cluster.assumePodBound(pod, node);
    this.hints.set(pod.id, node);
    return node;
  }

  /** trySchedule: the first node from the cursor that takes the pod (the cursor moves past it), its hint set. */
  private tryAny(pod: Pod, skip: ((n: Node) => boolean) | null): Node | null {
    const nodes = this.cluster.nodes;
    const at = fitsAnyNodeMatching(this.scheduler, pod, nodes, this.cursor, skip);
    if (at < 0) return null;
    const node = nodes[at]!;
    this.cluster.assumePodBound(pod, node);
    this.hints.set(pod.id, node);
    return node;
  }

  dropOldHints(): void {
    this.hints.dropOld();
  }
}
