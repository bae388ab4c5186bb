// NodeResourcesFit: pkg/scheduler/framework/plugins/noderesources/fit.go, least_allocated.go,
// most_allocated.go, requested_to_capacity_ratio.go, resource_allocation.go (v1.36).
// Filter: every requested resource must fit in allocatable minus what bound pods request.
// Score: a strategy over (resource, weight) pairs; CPU and memory use the non-zero request defaults
// (100m, 200Mi) for pods that request none, as the scheduler does for scoring only.
import { CPU, MEMORY, PODS } from '../../model/resources.js';
import { FREE_STRIDE, type Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { Code, MAX_NODE_SCORE, status, type Handle, type Plugin, type ShapeScorer, type Status } from '../framework.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
const TOO_MANY_PODS = 'Too many pods';

/** The bit of resource i in a failure mask (bit 0: a request exceeds the whole allocatable). */
export function resourceBit(i: number): number {
  return i < 29 ? 1 << (i + 1) : 2 ** (i + 1);
}
/** config.MaxCustomPriorityScore: shape scores run 0..10 and are scaled to 0..100. */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;
/** Utilization is a percentage. */
const MAX_UTILIZATION = 100;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ResourceWeight {
  index: number;
  weight: number;
}

export interface ShapePoint {
  utilization: number;
  score: number;
}

export interface FitArgs {
  type: ScoringStrategyType;
  resources: ResourceWeight[];
  shape: ShapePoint[];
}

/** least_allocated.go leastRequestedScore: ((capacity - requested) * MaxNodeScore) / capacity, integer division. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** most_allocated.go mostRequestedScore: requested is capped at capacity. */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) requested = capacity;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

/** requested_to_capacity_ratio.go buildBrokenLinearFunction over a shape already scaled to 0..100. */
export function brokenLinear(shape: readonly ShapePoint[], p: number): number {
  for (let i = 0; i < shape.length; i++) {
    if (p <= shape[i]!.utilization) {
      if (i === 0) return shape[0]!.score;
      const a = shape[i - 1]!;
      const b = shape[i]!;
      return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
    }
  }
  return shape[shape.length - 1]!.score;
}

export function requestedToCapacityRatioScore(shape: readonly ShapePoint[], requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return brokenLinear(shape, MAX_UTILIZATION);
  return brokenLinear(shape, Math.trunc((requested * MAX_UTILIZATION) / capacity));
}

/** The amount of resource r that node would have requested with the pod on it (non-zero defaults for cpu/memory). */
export function requestedWithPod(node: Node, pod: Pod, r: number): number {
  if (r === CPU) return node.nonZeroCpu + pod.template.nonZeroCpu;
  if (r === MEMORY) return node.nonZeroMemory + pod.template.nonZeroMemory;
  return node.requested[r]! + pod.requests[r]!;
}

export function nodeResourcesFit(args: FitArgs, handle: Handle): Plugin {
  const names = handle.cluster.resources.names;
  // "Insufficient <resource>" per resource index, made once (resources may be added after this plugin).
  const insufficient: string[] = [];
  const insufficientOf = (i: number): string => (insufficient[i] ??= `Insufficient ${names[i]}`);
  // One Status per combination of failing resources, made once and keyed by a bit mask of the
  // resources (bit 0: unresolvable): fit.go reports every failing resource.
  const statuses = new Map<number, Status>();
  const small: (Status | undefined)[] = [];
  const statusFor = (mask: number): Status => {
    if (mask < 4096) {
      const hit = small[mask];
      if (hit) return hit;
    }
    let st = statuses.get(mask);
    if (!st) {
      // fit.go order: the pod count, then cpu, memory, ephemeral storage and the extended resources.
      const reasons: string[] = mask & (2 ** (PODS + 1)) ? [TOO_MANY_PODS] : [];
      for (let i = 0; i < names.length; i++) if (i !== PODS && mask & (2 ** (i + 1))) reasons.push(insufficientOf(i));
      // fit.go: UnschedulableAndUnresolvable when a request exceeds the node's whole allocatable.
      st = status(mask & 1 ? Code.UnschedulableAndUnresolvable : Code.Unschedulable, reasons.join(', '), NODE_RESOURCES_FIT);
      (st as { reasons?: readonly string[] }).reasons = reasons;
      statuses.set(mask, st);
      if (mask < 4096) small[mask] = st;
    }
    return st;
  };
  const shape = args.shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) }));
  const resources = args.resources;
  const perResource =
    args.type === 'LeastAllocated'
      ? leastRequestedScore
      : args.type === 'MostAllocated'
        ? mostRequestedScore
        : (req: number, cap: number) => requestedToCapacityRatioScore(shape, req, cap);
  const round = args.type === 'RequestedToCapacityRatio';
  // The resources a pod requests (other than the pod slot), one list per set of resources (a bit mask: few
  // sets occur, while batch arrivals make a template per pod).
  const wanted = new Map<number, Int32Array>();
  let lastTemplate: object | null = null;
  let lastWanted: Int32Array = new Int32Array(0);
  const requested = (pod: Pod): Int32Array => {
    // Filtering calls this once per batch of nodes: the last answer is kept at hand.
    if (pod.template === lastTemplate) return lastWanted;
    const req = pod.requests;
    // (A mask is exact below 53 resources; with more, the list is made afresh.)
    let mask = req.length > 52 ? -1 : 0;
    for (let i = 0; i < req.length && mask >= 0; i++) if (i !== PODS && req[i]! > 0) mask += 2 ** i;
    let w = mask < 0 ? undefined : wanted.get(mask);
    if (!w) {
      const list: number[] = [];
      for (let i = 0; i < req.length; i++) if (i !== PODS && req[i]! > 0) list.push(i);
      w = Int32Array.from(list);
      if (mask >= 0) wanted.set(mask, w);
    }
    lastTemplate = pod.template;
    lastWanted = w;
    return w;
  };
  const failure = (req: Float64Array, alloc: Float64Array, used: Float64Array): Status => {
    // Bit i + 1 per failing resource; bit 0 (unresolvable) is added once at the end. Below 30 resources
    // (always, but for clusters with dozens of extended resources) the mask stays a small integer.
    let mask = used[PODS]! + 1 > alloc[PODS]! ? resourceBit(PODS) : 0;
    let unresolvable = 0;
    for (let i = 0; i < req.length; i++) {
      const r = req[i]!;
      if (i === PODS || !(r > 0 && r > alloc[i]! - used[i]!)) continue;
      mask += resourceBit(i);
      if (r > alloc[i]!) unresolvable = 1;
    }
    return statusFor(mask + unresolvable);
  };
  // The default strategies over cpu and memory, written out: the hot path of every scheduling cycle.
  const cpuMemOnly = resources.length === 2 && resources[0]!.index === CPU && resources[1]!.index === MEMORY && !round;
  const wCpu = resources[0]?.weight ?? 1;
  const wMem = resources[1]?.weight ?? 1;
  const score = (pod: Pod, node: Node): number => {
    if (cpuMemOnly) {
      const capC = node.allocatable[CPU]!;
      const capM = node.allocatable[MEMORY]!;
      let total = 0;
      let weights = 0;
      if (capC !== 0) {
        total += perResource(node.nonZeroCpu + pod.template.nonZeroCpu, capC) * wCpu;
        weights += wCpu;
      }
      if (capM !== 0) {
        total += perResource(node.nonZeroMemory + pod.template.nonZeroMemory, capM) * wMem;
        weights += wMem;
      }
      return weights === 0 ? 0 : Math.trunc(total / weights);
    }
    let total = 0;
    let weights = 0;
    for (let k = 0; k < resources.length; k++) {
      const { index, weight } = resources[k]!;
      const cap = node.allocatable[index]!;
      // resource_allocation.go: a resource the node does not have is left out of the average, and so is
      // an extended resource the pod does not request.
      if (cap === 0 || (index > PODS && pod.requests[index] === 0)) continue;
      const sc = perResource(requestedWithPod(node, pod, index), cap);
      // requested_to_capacity_ratio.go: only resources that score above 0 count.
      if (round && sc <= 0) continue;
      total += sc * weight;
      weights += weight;
    }
    if (weights === 0) return 0;
    return round ? Math.round(total / weights) : Math.trunc(total / weights);
  };
  // The default strategies over cpu and memory depend on the pod's non-zero cpu and memory requests alone: score's
  // cpu and memory path by node column index, reading the columns directly.
  const shapeScorer = (pod: Pod): ShapeScorer | null => {
    if (!cpuMemOnly) return null;
    const pc = pod.template.nonZeroCpu;
    const pm = pod.template.nonZeroMemory;
    const { alloc, nonZero, stride } = handle.cluster.columns;
    return {
      a: pc,
      b: pm,
      scoreAt(k: number): number {
        const capC = alloc[k * stride + CPU]!;
        const capM = alloc[k * stride + MEMORY]!;
        let total = 0;
        let weights = 0;
        if (capC !== 0) {
          total += perResource(nonZero[k * 2]! + pc, capC) * wCpu;
          weights += wCpu;
        }
        if (capM !== 0) {
          total += perResource(nonZero[k * 2 + 1]! + pm, capM) * wMem;
          weights += wMem;
        }
        return weights === 0 ? 0 : Math.trunc(total / weights);
      },
    };
  };
  return {
    name: NODE_RESOURCES_FIT,
    events: ['NodeAdded', 'PodDeleted', 'PodFinished'],
    filter(_s, pod, node) {
      const req = pod.requests;
      const alloc = node.allocatable;
      const used = node.requested;
      // fit.go fitsRequest: the pod count first, then every requested resource.
      if (used[PODS]! + 1 > alloc[PODS]!) return failure(req, alloc, used);
      for (let i = 0; i < req.length; i++) {
        const r = req[i]!;
        if (r > 0 && i !== PODS && r > alloc[i]! - used[i]!) return failure(req, alloc, used);
      }
      return null;
    },
    filterBatch(_s, pod, nodes, cand, count, status) {
      // Reads the cluster's resource columns directly: contiguous memory for a contiguous scan.
      const { alloc, used, stride } = handle.cluster.columns;
      const req = pod.requests;
      const want = requested(pod);
      let out = 0;
      if (want.length === 2 && want[0] === CPU && want[1] === MEMORY) {
        // cpu and memory (nearly every pod): the free column holds alloc - used of both and of the pods and the
        // allocatable of both, five numbers a node where the two columns take 2 x stride.
        const free = handle.cluster.columns.free;
        const rc = req[CPU]!;
        const rm = req[MEMORY]!;
        const bitC = resourceBit(CPU);
        const bitM = resourceBit(MEMORY);
        const bitPods = resourceBit(PODS);
        for (let j = 0; j < count; j++) {
          const idx = cand[j]!;
          const at = idx * FREE_STRIDE;
          const shortC = rc > free[at]!;
          const shortM = rm > free[at + 1]!;
          const full = 1 > free[at + 2]!;
          if (full || shortC || shortM) {
            status[idx] = statusFor(
              (full ? bitPods : 0) +
                (shortC ? bitC : 0) +
                (shortM ? bitM : 0) +
                ((shortC && rc > free[at + 3]!) || (shortM && rm > free[at + 4]!) ? 1 : 0),
            );
          } else cand[out++] = idx;
        }
        return out;
      }
      if (want.length === 2) {
        // Two other resources, written out.
        const a = want[0]!;
        const b = want[1]!;
        const ra = req[a]!;
        const rb = req[b]!;
        const bitA = resourceBit(a);
        const bitB = resourceBit(b);
        const bitPods = resourceBit(PODS);
        for (let j = 0; j < count; j++) {
          const idx = cand[j]!;
          const base = idx * stride;
          const shortA = ra > alloc[base + a]! - used[base + a]!;
          const shortB = rb > alloc[base + b]! - used[base + b]!;
          if (used[base + PODS]! + 1 > alloc[base + PODS]! || shortA || shortB) {
            // failure()'s mask, from the comparisons at hand.
            const mask =
              (used[base + PODS]! + 1 > alloc[base + PODS]! ? bitPods : 0) +
              (shortA ? bitA : 0) +
              (shortB ? bitB : 0) +
              ((shortA && ra > alloc[base + a]!) || (shortB && rb > alloc[base + b]!) ? 1 : 0);
            status[idx] = statusFor(mask);
          } else cand[out++] = idx;
        }
        return out;
      }
      next: for (let j = 0; j < count; j++) {
        const idx = cand[j]!;
        const base = idx * stride;
        if (used[base + PODS]! + 1 > alloc[base + PODS]!) {
          status[idx] = failure(req, nodes[idx]!.allocatable, nodes[idx]!.requested);
          continue;
        }
        for (let w = 0; w < want.length; w++) {
          const i = want[w]!;
          if (req[i]! > alloc[base + i]! - used[base + i]!) {
            status[idx] = failure(req, nodes[idx]!.allocatable, nodes[idx]!.requested);
            continue next;
          }
        }
        cand[out++] = idx;
      }
      return out;
    },
    passing(_s, pod, from, to, out, at, end) {
      return handle.cluster.freeIndex().fitting(pod.requests, requested(pod), from, to, out, at, end);
    },
    countFailures(_s, pod, out) {
      const cluster = handle.cluster;
      const index = cluster.freeIndex();
      const req = pod.requests;
      const want = requested(pod);
      if (index.fits(req, want)) return true;
      // No node fits: each is short of something. A node's status lists every resource it is short of,
      // so each reason's node count is the number of nodes short of that resource.
      const reasons = new Map<string, number>();
      const full = index.shortOf(PODS, 1);
      if (full > 0) reasons.set(TOO_MANY_PODS, full);
      for (let x = 0; x < want.length; x++) {
        const i = want[x]!;
        const short = index.shortOf(i, req[i]!);
        if (short > 0) reasons.set(insufficientOf(i), short);
      }
      const live = cluster.nodes.length - cluster.removedNodes;
      out.reasons = reasons;
      // UnschedulableAndUnresolvable where a request exceeds the node's whole allocatable.
      out.potential = live - index.tooSmall(req, want, live);
      return false;
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
