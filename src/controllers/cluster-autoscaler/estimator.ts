// How many nodes of a group a scale-up needs (cluster-autoscaler 1.36): estimator/binpacking_estimator.go Estimate,
// first-fit decreasing over new template nodes, with estimator/decreasing_pod_orderer.go's order and the estimation
// limiter's thresholds (estimator/threshold_based_limiter.go: --max-nodes-per-scaleup, the group's room below its
// max size, the cluster's room below --max-nodes-total). The scheduler's filters are reached through a snapshot.
import type { ResourceList } from './pod.js';

/** Pods of one controller with the same spec (estimator.PodEquivalenceGroup): one of them stands for all. */
export interface PodEquivalenceGroup<P> {
  pods: readonly P[];
}

/** The scheduling simulation the estimator runs on: a forked cluster snapshot with the scheduler's filters. */
export interface EstimationSnapshot<P, N> {
  /** The first of `nodes` the pod passes the filters on (predicatechecker FitsAnyNodeMatching), or -1. */
  fitsAny(pod: P, nodes: readonly N[]): number;
  /** The pod passes the filters on the node (CheckPredicates). */
  fits(pod: P, node: N): boolean;
  /** Adds a fresh node built from the group's template (FreshNodeInfoFromTemplateNodeInfo). */
  addNode(): N;
  /** Puts the pod on the node in the snapshot. */
  addPod(pod: P, node: N): void;
}

/**
 * decreasing_pod_orderer.go calculatePodScore: the exemplar's container cpu over the template's allocatable cpu
 * plus its memory over the allocatable memory (a resource the template lacks adds nothing).
 */
export function calculatePodScore(requests: ResourceList, templateAllocatable: ResourceList): number {
  let score = 0;
  const cpu = templateAllocatable.cpu ?? 0;
  const mem = templateAllocatable.memory ?? 0;
  if (cpu > 0) score += (requests.cpu ?? 0) / cpu;
  if (mem > 0) score += (requests.memory ?? 0) / mem;
  return score;
}

/**
 * DecreasingPodOrderer.Order: groups by decreasing score. Upstream's sort.Slice is not stable; equal scores keep
 * their input order here, so runs are reproducible.
 */
export function decreasingPodOrder<G>(groups: readonly G[], score: (g: G) => number): G[] {
  return groups
    .map((g, i) => ({ g, i, s: score(g) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.g);
}

/**
 * The estimation limiter's node budget: the smallest of the positive limits (0 or less: none), or Infinity.
 * threshold_based_limiter.go stops the estimation once that many nodes were added.
 */
export function estimationNodeLimit(...limits: number[]): number {
  let m = Infinity;
  for (const l of limits) if (l > 0 && l < m) m = l;
  return m;
}

/**
 * BinpackingNodeEstimator.Estimate over groups already in the orderer's order: each group's pods go first onto
 * the new nodes added so far (any of them, first fit); the first that fits none moves, with the rest of its
 * group, to the last added node or a fresh one. A pod that fits no fresh node is given up (it cannot be helped by
 * this group), and adding stops at the limiter's budget. Returns the nodes that received pods and the pods placed.
 */
export function binpackingEstimate<P, N>(
  groups: readonly PodEquivalenceGroup<P>[],
  snapshot: EstimationSnapshot<P, N>,
  maxNodes: number,
): { nodeCount: number; scheduled: P[] } {
  const newNodes: N[] = [];
  const withPods = new Set<N>();
  const scheduled: P[] = [];
  let last: N | null = null;
  const place = (pod: P, node: N) => {
    snapshot.addPod(pod, node);
    withPods.add(node);
    scheduled.push(pod);
  };
  for (const group of groups) {
    let i = 0;
    // tryToScheduleOnExistingNodes: any new node, until the first pod that fits none.
    for (; i < group.pods.length; i++) {
      const at = snapshot.fitsAny(group.pods[i]!, newNodes);
      if (at < 0) break;
      place(group.pods[i]!, newNodes[at]!);
    }
    // tryToScheduleOnNewNodes.
    for (; i < group.pods.length; i++) {
      const pod = group.pods[i]!;
      if (last !== null && snapshot.fits(pod, last)) {
        place(pod, last);
        continue;
      }
      // The last node is empty and the pod did not fit it: a fresh one would not help.
      if (last !== null && !withPods.has(last)) break;
      if (newNodes.length >= maxNodes) break;
      last = snapshot.addNode();
      newNodes.push(last);
      if (!snapshot.fits(pod, last)) break;
      place(pod, last);
    }
  }
  return { nodeCount: withPods.size, scheduled };
}
