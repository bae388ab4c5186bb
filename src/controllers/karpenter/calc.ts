// The Karpenter-style provisioner's rules (kubernetes-sigs/karpenter v1), as pure functions over plain views:
// pods packed into new NodeClaims in decreasing CPU then memory order (provisioning/scheduling/scheduler.go with
// byCPUAndMemoryDescending), each NodeClaim keeping the instance types that can still hold all its pods, launched
// as the cheapest of them; and single-node consolidation's verdict (disruption/singlenodeconsolidation.go,
// consolidation.go computeConsolidation): delete when the node's pods fit elsewhere, replace when they need one
// new node cheaper than it, otherwise keep it.

/** An instance type a NodePool may launch: what a node of it offers to pods, and its price per hour. */
export interface InstanceTypeView {
  name: string;
  /** Allocatable per resource index (after DaemonSet overhead), pods count included. */
  allocatable: readonly number[] | Float64Array;
  price: number;
}

/** A pod to place: its requests per resource index (pods count included). */
export interface KarpenterPodView {
  requests: readonly number[] | Float64Array;
}

/** A NodeClaim being planned: its pods, their summed requests and the instance types still able to hold them. */
export interface NodeClaimPlan<P extends KarpenterPodView> {
  pods: P[];
  requests: number[];
  instanceTypes: InstanceTypeView[];
}

/** scheduling/queue.go byCPUAndMemoryDescending: larger CPU first, then larger memory (resource indices 0, 1). */
export function byCPUAndMemoryDescending(a: KarpenterPodView, b: KarpenterPodView): number {
  return (b.requests[0] ?? 0) - (a.requests[0] ?? 0) || (b.requests[1] ?? 0) - (a.requests[1] ?? 0);
}

function fits(t: InstanceTypeView, requests: readonly number[] | Float64Array, extra: readonly number[] | Float64Array): boolean {
  for (let i = 0; i < extra.length; i++) if ((requests[i] ?? 0) + (extra[i] ?? 0) > (t.allocatable[i] ?? 0)) return false;
  return true;
}

/**
 * scheduler.go Solve for the pods no existing node takes: in byCPUAndMemoryDescending order (stable), each pod joins
 * the first planned NodeClaim that some of its remaining instance types (also compatible with the pod) can hold with
 * it, else opens a new NodeClaim with the compatible types that can hold it alone. Pods no type can hold are
 * returned apart. `maxClaims` caps the new NodeClaims (the NodePool's limits).
 */
export function packNodeClaims<P extends KarpenterPodView>(
  pods: readonly P[],
  compatible: (pod: P) => readonly InstanceTypeView[],
  maxClaims = Infinity,
): { claims: NodeClaimPlan<P>[]; unschedulable: P[] } {
  const claims: NodeClaimPlan<P>[] = [];
  const unschedulable: P[] = [];
  const sorted = pods
    .map((p, i) => ({ p, i }))
    .sort((a, b) => byCPUAndMemoryDescending(a.p, b.p) || a.i - b.i)
    .map((x) => x.p);
  for (const pod of sorted) {
    const types = compatible(pod);
    let placed = false;
    for (const c of claims) {
      const left = c.instanceTypes.filter((t) => types.includes(t) && fits(t, c.requests, pod.requests));
      if (left.length === 0) continue;
      c.instanceTypes = left;
      c.pods.push(pod);
      for (let i = 0; i < pod.requests.length; i++) c.requests[i] = (c.requests[i] ?? 0) + pod.requests[i]!;
      placed = true;
      break;
    }
    if (placed) continue;
    const fresh = types.filter((t) => fits(t, [], pod.requests));
    if (fresh.length === 0 || claims.length >= maxClaims) {
      unschedulable.push(pod);
      continue;
    }
    claims.push({ pods: [pod], requests: Array.from(pod.requests), instanceTypes: fresh });
  }
  return { claims, unschedulable };
}

/** The launch's choice: the cheapest instance type (the first listed at a tie), or undefined for none. */
export function cheapestInstanceType(types: readonly InstanceTypeView[]): InstanceTypeView | undefined {
  let best: InstanceTypeView | undefined;
  for (const t of types) if (!best || t.price < best.price) best = t;
  return best;
}

export type ConsolidationDecision = { action: 'delete' } | { action: 'replace'; instanceType: InstanceTypeView } | { action: 'none' };

/**
 * consolidation.go computeConsolidation for one candidate: its pods need no new node -> delete; exactly one new
 * node, of an instance type cheaper than the candidate -> replace with the cheapest such type; otherwise nothing.
 * Some pods that fit nowhere at all also mean nothing.
 */
export function computeConsolidation(
  candidatePrice: number,
  plan: { claims: readonly NodeClaimPlan<KarpenterPodView>[]; unschedulable: readonly unknown[] },
): ConsolidationDecision {
  if (plan.unschedulable.length > 0) return { action: 'none' };
  if (plan.claims.length === 0) return { action: 'delete' };
  if (plan.claims.length > 1) return { action: 'none' };
  const cheaper = plan.claims[0]!.instanceTypes.filter((t) => t.price < candidatePrice);
  const t = cheapestInstanceType(cheaper);
  return t ? { action: 'replace', instanceType: t } : { action: 'none' };
}
