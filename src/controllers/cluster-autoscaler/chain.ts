// Expander chains (cluster-autoscaler 1.36, expander/factory/expander_factory.go and chain.go): --expander takes a
// comma-separated list; each expander filters the options left by the previous one, the first single survivor wins,
// and ties left at the end are broken at random.
import {
  LEAST_NODES_EXPANDER_NAME,
  LEAST_WASTE_EXPANDER_NAME,
  leastNodesBestOptions,
  leastWasteBestOptions,
  MOST_PODS_EXPANDER_NAME,
  mostPodsBestOptions,
  PRICE_BASED_EXPANDER_NAME,
  PRIORITY_BASED_EXPANDER_NAME,
  RANDOM_EXPANDER_NAME,
  randomBestOption,
  type ExpansionOption,
  type TemplateNodeView,
} from './expanders.js';
import { priceBestOption, type PricingModel } from './price.js';
import { priorityBestOptions, type Priorities } from './priority.js';

/** The expanders chain.ts can run (grpc is not modelled). */
export const AVAILABLE_EXPANDERS = [
  RANDOM_EXPANDER_NAME,
  MOST_PODS_EXPANDER_NAME,
  LEAST_WASTE_EXPANDER_NAME,
  LEAST_NODES_EXPANDER_NAME,
  PRICE_BASED_EXPANDER_NAME,
  PRIORITY_BASED_EXPANDER_NAME,
] as const;
export type ExpanderName = (typeof AVAILABLE_EXPANDERS)[number];

/** What the expanders read besides the options. */
export interface ExpanderContext {
  /** An integer uniform in [0, n), from a named random stream. */
  intn: (n: number) => number;
  /** The parsed priority ConfigMap; without it the priority expander keeps nothing (its reload fails). */
  priorities?: Priorities;
  pricing?: PricingModel;
  /** The price expander's preferred node (e.g. simplePreferredNode(cluster size)). */
  preferredNode?: TemplateNodeView;
}

/**
 * expander_factory.go ExpanderStrategyFromStrings' checks: each name once, a known expander, and nothing after
 * random, which always leaves a single option. Errors in upstream's words.
 */
export function expanderStrategyFromStrings(expanderFlags: readonly string[]): ExpanderName[] | { error: string } {
  const seen = new Set<string>();
  let strategySeen = false;
  for (let i = 0; i < expanderFlags.length; i++) {
    const name = expanderFlags[i];
    if (seen.has(name)) {
      return { error: `Expander ${name} was specified multiple times, each expander must not be specified more than once` };
    }
    if (strategySeen) {
      return {
        error: `Expander ${name} came after an expander ${expanderFlags[i - 1]} that will always return only one result, this is not allowed since ${name} will never be used`,
      };
    }
    seen.add(name);
    if (!(AVAILABLE_EXPANDERS as readonly string[]).includes(name)) return { error: `Expander ${name} not supported` };
    if (name === RANDOM_EXPANDER_NAME) strategySeen = true;
  }
  return expanderFlags as ExpanderName[];
}

/** One expander as an expander.Filter. */
export function bestOptions(name: ExpanderName, options: readonly ExpansionOption[], ctx: ExpanderContext): ExpansionOption[] {
  const one = (o: ExpansionOption | undefined) => (o === undefined ? [] : [o]);
  switch (name) {
    case 'random':
      return one(randomBestOption(options, ctx.intn));
    case 'most-pods':
      return mostPodsBestOptions(options);
    case 'least-waste':
      return leastWasteBestOptions(options);
    case 'least-nodes':
      return leastNodesBestOptions(options);
    case 'price':
      return ctx.pricing ? one(priceBestOption(options, ctx.pricing, ctx.preferredNode)) : [];
    case 'priority':
      return ctx.priorities ? priorityBestOptions(options, ctx.priorities) : [];
  }
}

/** chain.go chainStrategy.BestOption: filter in order, return as soon as one option is left, else pick at random. */
export function chainBestOption(
  expanders: readonly ExpanderName[],
  options: readonly ExpansionOption[],
  ctx: ExpanderContext,
): ExpansionOption | undefined {
  let filtered: readonly ExpansionOption[] = options;
  for (const name of expanders) {
    filtered = bestOptions(name, filtered, ctx);
    if (filtered.length === 1) return filtered[0];
  }
  return randomBestOption(filtered, ctx.intn);
}
