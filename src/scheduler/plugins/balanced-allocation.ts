// NodeResourcesBalancedAllocation: pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go (v1.36).
// balancedResourceScore = (1 - std) * MaxNodeScore, where std is the standard deviation of the
// requested/allocatable fractions (each capped at 1) of the configured resources (actual requests, no
// non-zero defaults). Since v1.36 (PR #135573) the score rewards the change the pod makes:
// 50 + (50 + scoreWithPod - scoreWithoutPod) / 2, so a node whose balance the pod leaves alone scores 75.
// Up to v1.35 the score was scoreWithPod itself (see docs/MODEL.md). Best-effort pods are skipped (v1.33+).
import type { Node } from '../../model/node.js';
import { PODS } from '../../model/resources.js';
import type { Pod } from '../../model/pod.js';
import { MAX_NODE_SCORE, SKIP, type Handle, type Plugin, type ShapeScorer } from '../framework.js';
import type { ResourceWeight } from './node-resources-fit.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

export function balancedScore(fractions: readonly number[]): number {
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    let sum = 0;
    for (const f of fractions) sum += f;
    const mean = sum / fractions.length;
    let sq = 0;
    for (const f of fractions) sq += (f - mean) * (f - mean);
    std = Math.sqrt(sq / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** v1.36: the score of the change; Go's integer division truncates toward zero. */
export function balancedChangeScore(withPod: number, withoutPod: number): number {
  return 50 + Math.trunc((50 + withPod - withoutPod) / 2);
}

/** Fractions of two resources capped at 1 -> (1 - |f1 - f2| / 2) * 100, without allocating. */
function two(a: number, b: number): number {
  const x = a > 1 ? 1 : a;
  const y = b > 1 ? 1 : b;
  return Math.trunc((1 - Math.abs((x - y) / 2)) * MAX_NODE_SCORE);
}

export interface BalancedAllocationArgs {
  resources: ResourceWeight[];
  legacy?: boolean;
}

export function balancedAllocation(args: BalancedAllocationArgs, handle?: Handle): Plugin {
  const columns = handle?.cluster.columns;
  const resources = args.resources;
  const idx = resources.map((r) => r.index);
  const withPod: number[] = [];
  const without: number[] = [];
  const general = (pod: Pod, node: Node): number => {
    withPod.length = 0;
    without.length = 0;
    for (const index of idx) {
      // resource_allocation.go calculateResourceAllocatableRequest: an extended (scalar) resource the pod
      // does not request counts for nothing; a resource the node does not have is left out.
      if (scalar(index) && pod.requests[index] === 0) continue;
      const cap = node.allocatable[index]!;
      if (cap === 0) continue;
      const used = node.requested[index]!;
      const f = (used + pod.requests[index]!) / cap;
      const g = used / cap;
      withPod.push(f > 1 ? 1 : f);
      without.push(g > 1 ? 1 : g);
    }
    const w = balancedScore(withPod);
    return args.legacy ? w : balancedChangeScore(w, balancedScore(without));
  };
  const pair = idx.length === 2;
  /** Extended resources (after cpu, memory, ephemeral-storage and pods) are scalar resources upstream. */
  const scalar = (index: number) => index > PODS;
  const anyScalar = idx.some(scalar);
  /** The two-resource fast paths hold unless a scalar resource of the two goes unrequested. */
  const fast = (pod: Pod) => pair && (!anyScalar || (pod.requests[idx[0]!]! > 0 && pod.requests[idx[1]!]! > 0));
  const a = idx[0] ?? 0;
  const b = idx[1] ?? 0;
  const score = (pod: Pod, node: Node): number => {
    if (!fast(pod)) return general(pod, node);
    const capA = node.allocatable[a]!;
    const capB = node.allocatable[b]!;
    // With a resource missing on the node, fewer than two fractions remain: the general path handles it.
    if (capA === 0 || capB === 0) return general(pod, node);
    const usedA = node.requested[a]!;
    const usedB = node.requested[b]!;
    const w = two((usedA + pod.requests[a]!) / capA, (usedB + pod.requests[b]!) / capB);
    return args.legacy ? w : balancedChangeScore(w, two(usedA / capA, usedB / capB));
  };
  // On the fast path a score depends on the pod's requests of the two resources alone: score's fast path by node
  // column index, reading the columns directly.
  const shapeScorer = (pod: Pod): ShapeScorer | null => {
    if (!fast(pod) || !columns) return null;
    const ra = pod.requests[a]!;
    const rb = pod.requests[b]!;
    const { alloc, used, stride } = columns;
    const nodes = handle!.cluster.nodes;
    return {
      a: ra,
      b: rb,
      scoreAt(k: number): number {
        const base = k * stride;
        const capA = alloc[base + a]!;
        const capB = alloc[base + b]!;
        if (capA === 0 || capB === 0) return general(pod, nodes[k]!);
        const usedA = used[base + a]!;
        const usedB = used[base + b]!;
        // two() written out: scoreAt is called through the scheduler's shape cache, where two() is not inlined,
        // and a double passed to a call that is not inlined is boxed (a heap number per fraction, per node scored).
        let x = (usedA + ra) / capA;
        let y = (usedB + rb) / capB;
        if (x > 1) x = 1;
        if (y > 1) y = 1;
        const w = Math.trunc((1 - Math.abs((x - y) / 2)) * MAX_NODE_SCORE);
        if (args.legacy) return w;
        x = usedA / capA;
        y = usedB / capB;
        if (x > 1) x = 1;
        if (y > 1) y = 1;
        return 50 + Math.trunc((50 + w - Math.trunc((1 - Math.abs((x - y) / 2)) * MAX_NODE_SCORE)) / 2);
      },
    };
  };
  return {
    name: BALANCED_ALLOCATION,
    preScore(_s, pod) {
      for (const { index } of resources) if (pod.requests[index]! > 0) return null;
      return SKIP;
    },
    score(_s, pod, node) {
      return score(pod, node);
    },
    scoreAll(_s, pod, nodes, n, out) {
      for (let i = 0; i < n; i++) out[i] = score(pod, nodes[i]!);
    },
    shapeScorer(_s, pod) {
      return shapeScorer(pod);
    },
  };
}
