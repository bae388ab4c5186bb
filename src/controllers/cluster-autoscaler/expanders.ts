// The cluster autoscaler's expanders that need no configuration (cluster-autoscaler 1.36): expander/expander.go
// (Option), waste/waste.go (least-waste), mostpods/mostpods.go, leastnodes/leastnodes.go and random/random.go. Each
// filter returns the equally good options, in input order; chain.ts combines them as factory/chain.go does.
import type { ResourceList } from './pod.js';

/** A pod an option would schedule: its effective requests (utils/pod PodRequests). */
export interface ExpansionPod {
  name: string;
  requests?: ResourceList;
}

/** The node group's template node (its NodeInfo): cpu in millicores, memory in bytes. */
export interface TemplateNodeView {
  /** The template node's name, as a pricing model may key on it. */
  name?: string;
  /** status.capacity: what least-waste and the price expander's unfitness read. */
  capacity: ResourceList;
  /** status.allocatable: what the pods were packed against. */
  allocatable?: ResourceList;
  /** The node carries the cloud provider's GPU label (gpu.NodeHasGpu). */
  hasGpu?: boolean;
}

/** expander.Option: grow `nodeGroup` by `nodeCount` nodes to schedule `pods`. */
export interface ExpansionOption {
  nodeGroup: string;
  nodeCount: number;
  pods: readonly ExpansionPod[];
  /** The group's template node; an option without one is skipped by least-waste and price ("No node info"). */
  template?: TemplateNodeView;
  /** NodeGroup.Exist(): false for an autoprovisioned group not yet created. */
  exists?: boolean;
  debug?: string;
}

/** expander.go expander names. */
export const RANDOM_EXPANDER_NAME = 'random';
export const MOST_PODS_EXPANDER_NAME = 'most-pods';
export const LEAST_WASTE_EXPANDER_NAME = 'least-waste';
export const LEAST_NODES_EXPANDER_NAME = 'least-nodes';
export const PRICE_BASED_EXPANDER_NAME = 'price';
export const PRIORITY_BASED_EXPANDER_NAME = 'priority';

/** The wasted fractions least-waste computes for one option. */
export interface WasteScore {
  wastedCPU: number;
  wastedMemory: number;
  /** wastedCPU + wastedMemory, in [0, 2]; the log line reports half of it as the blended percentage. */
  wastedScore: number;
}

/**
 * waste.go's score: over nodeCount template nodes, the fraction of cpu capacity the pods leave unrequested plus the
 * fraction of memory capacity. Capacity, not allocatable. Undefined without a template.
 */
export function leastWasteScore(option: ExpansionOption): WasteScore | undefined {
  if (!option.template) return undefined;
  let requestedCPU = 0;
  let requestedMemory = 0;
  for (const pod of option.pods) {
    requestedCPU += pod.requests?.cpu ?? 0;
    requestedMemory += pod.requests?.memory ?? 0;
  }
  const availCPU = (option.template.capacity.cpu ?? 0) * option.nodeCount;
  const availMemory = (option.template.capacity.memory ?? 0) * option.nodeCount;
  const wastedCPU = (availCPU - requestedCPU) / availCPU;
  const wastedMemory = (availMemory - requestedMemory) / availMemory;
  return { wastedCPU, wastedMemory, wastedScore: wastedCPU + wastedMemory };
}

/**
 * waste.go BestOptions: the options with the least wastedScore; options that tie exactly are all kept, in input
 * order (the chain then falls back to random among them).
 */
export function leastWasteBestOptions(options: readonly ExpansionOption[]): ExpansionOption[] {
  let least = 0;
  let best: ExpansionOption[] | undefined;
  for (const option of options) {
    const s = leastWasteScore(option);
    if (!s) continue;
    if (best !== undefined && s.wastedScore === least) best.push(option);
    else if (best === undefined || s.wastedScore < least) {
      least = s.wastedScore;
      best = [option];
    }
  }
  return best ?? [];
}

/** mostpods.go BestOptions: the options that schedule the most pods (all of them if none schedules any). */
export function mostPodsBestOptions(options: readonly ExpansionOption[]): ExpansionOption[] {
  let maxPods = 0;
  let best: ExpansionOption[] = [];
  for (const option of options) {
    if (option.pods.length === maxPods) best.push(option);
    if (option.pods.length > maxPods) {
      maxPods = option.pods.length;
      best = [option];
    }
  }
  return best;
}

/** leastnodes.go BestOptions: the options adding the fewest nodes; options adding none are ignored. */
export function leastNodesBestOptions(options: readonly ExpansionOption[]): ExpansionOption[] {
  let least = Number.MAX_SAFE_INTEGER;
  let best: ExpansionOption[] = [];
  for (const option of options) {
    if (option.nodeCount === 0) continue;
    if (option.nodeCount === least) best.push(option);
    else if (option.nodeCount < least) {
      least = option.nodeCount;
      best = [option];
    }
  }
  return best;
}

/**
 * random.go BestOption: options[rand.Int31n(len)]. `intn(n)` must return an integer uniform in [0, n), e.g.
 * `(n) => sim.rng('cluster-autoscaler').int(n)`.
 */
export function randomBestOption(options: readonly ExpansionOption[], intn: (n: number) => number): ExpansionOption | undefined {
  if (options.length === 0) return undefined;
  return options[intn(options.length)];
}
