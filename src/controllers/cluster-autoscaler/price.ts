// The price expander (cluster-autoscaler 1.36, expander/price/price.go and preferred.go; proposals/pricing.md):
// score = suppressed unfitness x (nodes' price + stabilization) / (pods' price + stabilization), doubled for a node
// group that does not exist yet; the lowest score wins. Prices come from an injected pricing model.
import type { ExpansionOption, ExpansionPod, TemplateNodeView } from './expanders.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** cloudprovider.PricingModel over the next hour; undefined where the model has no price (an error upstream). */
export interface PricingModel {
  nodePrice(node: TemplateNodeView): number | undefined;
  podPrice(pod: ExpansionPod): number | undefined;
}

/** price.go priceStabilizationPod: 0.5 cpu and 500 MiB, priced and added to both sides of the ratio. */
export const PRICE_STABILIZATION_POD: ExpansionPod = { name: 'stabilize', requests: { cpu: 500, memory: 500 * MIB } };
/** price.go defaultPreferredNode (4 cpu, 16 GiB): used when the preferred node provider fails. */
export const DEFAULT_PREFERRED_NODE: TemplateNodeView = { name: 'CA-PreferredNode', capacity: { cpu: 4000, memory: 16 * GIB, pods: 100 } };
/** price.go notExistCoeficient: the penalty of a node group yet to be created. */
export const NOT_EXIST_COEFFICIENT = 2.0;
/** price.go gpuUnfitnessOverride: GPU node groups are made unattractive to pods that do not need a GPU. */
export const GPU_UNFITNESS_OVERRIDE = 1000.0;

/**
 * preferred.go SimplePreferredNodeProvider.Node: the preferred node doubles in size each time the cluster triples:
 * 1 cpu/3750 MiB up to 2 nodes, 2/7500 up to 6, 4/15000 up to 20, 8/30000 up to 60, 16/60000 up to 200, then 32/120000.
 */
export function simplePreferredNode(clusterSize: number): TemplateNodeView {
  const steps: [number, number, number][] = [
    [2, 1, 3750],
    [6, 2, 7500],
    [20, 4, 15000],
    [60, 8, 30000],
    [200, 16, 60000],
  ];
  const [, cpu, mb] = steps.find(([max]) => clusterSize <= max) ?? [0, 32, 120000];
  return { name: 'CA-PreferredNode', capacity: { cpu: cpu * 1000, memory: mb * MIB, pods: 100 } };
}

/** preferred.go SimpleNodeUnfitness: max(preferred/evaluated, evaluated/preferred) of cpu capacity; 1 is a perfect fit. */
export function simpleNodeUnfitness(preferredNode: TemplateNodeView, evaluatedNode: TemplateNodeView): number {
  const preferred = preferredNode.capacity.cpu ?? 0;
  const evaluated = evaluatedNode.capacity.cpu ?? 0;
  return Math.max(preferred / evaluated, evaluated / preferred);
}

/** The parts of one option's price score, as price.go's debug line reports them. */
export interface PriceScore {
  totalNodePrice: number;
  totalPodPrice: number;
  priceSubScore: number;
  nodeUnfitness: number;
  suppressedUnfitness: number;
  optionScore: number;
}

/**
 * price.go's score of one option; undefined when it has no template or the model cannot price its node or a pod.
 * Unfitness fades toward 1 as the option adds more nodes: (u - 1) * (1 - tanh((nodeCount - 1) / 15)) + 1.
 */
export function priceScore(
  option: ExpansionOption,
  pricing: PricingModel,
  preferredNode: TemplateNodeView = DEFAULT_PREFERRED_NODE,
  nodeUnfitness: (preferred: TemplateNodeView, evaluated: TemplateNodeView) => number = simpleNodeUnfitness,
): PriceScore | undefined {
  if (!option.template) return undefined;
  const nodePrice = pricing.nodePrice(option.template);
  if (nodePrice === undefined) return undefined;
  const stabilizationPrice = pricing.podPrice(PRICE_STABILIZATION_POD) ?? 0;
  const totalNodePrice = nodePrice * option.nodeCount;
  let totalPodPrice = 0;
  for (const pod of option.pods) {
    const podPrice = pricing.podPrice(pod);
    if (podPrice === undefined) return undefined;
    totalPodPrice += podPrice;
  }
  const priceSubScore = (totalNodePrice + stabilizationPrice) / (totalPodPrice + stabilizationPrice);
  const unfitness = nodeUnfitness(preferredNode, option.template);
  let suppressedUnfitness = (unfitness - 1.0) * (1.0 - Math.tanh((option.nodeCount - 1) / 15.0)) + 1.0;
  if (option.template.hasGpu) suppressedUnfitness = GPU_UNFITNESS_OVERRIDE;
  let optionScore = suppressedUnfitness * priceSubScore;
  if (option.exists === false) optionScore *= NOT_EXIST_COEFFICIENT;
  return { totalNodePrice, totalPodPrice, priceSubScore, nodeUnfitness: unfitness, suppressedUnfitness, optionScore };
}

/**
 * price.go BestOption: the option with the lowest score; on a tie the first one scored keeps it. Options that cannot
 * be priced are skipped; undefined if none can.
 */
export function priceBestOption(
  options: readonly ExpansionOption[],
  pricing: PricingModel,
  preferredNode: TemplateNodeView = DEFAULT_PREFERRED_NODE,
  nodeUnfitness: (preferred: TemplateNodeView, evaluated: TemplateNodeView) => number = simpleNodeUnfitness,
): ExpansionOption | undefined {
  let best: ExpansionOption | undefined;
  let bestScore = 0;
  for (const option of options) {
    const s = priceScore(option, pricing, preferredNode, nodeUnfitness);
    if (!s) continue;
    if (best === undefined || bestScore > s.optionScore) {
      best = option;
      bestScore = s.optionScore;
    }
  }
  return best;
}
