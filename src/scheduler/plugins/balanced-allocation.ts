// NodeResourcesBalancedAllocation: pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go (v1.36).
// Score = (1 - std) * MaxNodeScore, where std is the standard deviation of the requested/allocatable
// fractions (each capped at 1) of the configured resources, counting the pod's own actual requests.
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { MAX_NODE_SCORE, type Plugin } from '../framework.js';
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

export function balancedAllocation(args: { resources: ResourceWeight[] }): Plugin {
  const resources = args.resources;
  const fractions: number[] = [];
  return {
    name: BALANCED_ALLOCATION,
    events: ['NodeAdded', 'NodeChanged', 'PodDeleted', 'PodFinished'],
    score(_s, pod: Pod, node: Node) {
      fractions.length = 0;
      for (const { index } of resources) {
        const cap = node.allocatable[index]!;
        if (cap === 0) continue;
        const f = (node.requested[index]! + pod.requests[index]!) / cap;
        fractions.push(f > 1 ? 1 : f);
      }
      return balancedScore(fractions);
    },
  };
}
