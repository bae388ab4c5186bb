// Scheduling profiles: named sets of plugins with score weights. The Kubernetes default follows
// pkg/scheduler/apis/config/v1/default_plugins.go (v1.36); the classic strategies are profiles too.
import type { Handle, Plugin } from './framework.js';
import { REGISTRY } from './registry.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';

export interface ScoreEntry {
  name: string;
  weight: number;
}

/** A profile as data: what a scenario names or defines. */
export interface ProfileSpec {
  name: string;
  filter: string[];
  score: ScoreEntry[];
  /** Plugin name -> args (KubeSchedulerConfiguration pluginConfig). */
  pluginConfig: Record<string, Record<string, unknown>>;
  preemption: boolean;
  /** 0 = the adaptive default; undefined = the scheduler-wide setting. */
  percentageOfNodesToScore?: number;
  /**
   * 'score': the best-scored feasible node (ties at random), as kube-scheduler chooses; with no score
   * plugin, kube-scheduler stops at the first feasible node from where the last cycle stopped.
   * 'first': the first feasible node in node order. 'random': any feasible node, uniformly.
   */
  selection: 'score' | 'first' | 'random';
  description: string;
}

/** Filter order as the default profile's MultiPoint list enables them. */
export const DEFAULT_FILTERS = [
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodeResourcesFit',
  'PodTopologySpread',
  'InterPodAffinity',
];

/** default_plugins.go: score weights of the default profile. */
export const DEFAULT_SCORES: ScoreEntry[] = [
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
];

const CPU_MEMORY = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** pkg/scheduler/apis/config/v1/defaults.go: plugin args defaults. */
export function defaultPluginArgs(): Record<string, Record<string, unknown>> {
  return {
    NodeResourcesFit: { scoringStrategy: { type: 'LeastAllocated', resources: CPU_MEMORY } },
    NodeResourcesBalancedAllocation: { resources: CPU_MEMORY },
    InterPodAffinity: { hardPodAffinityWeight: 1 },
    PodTopologySpread: { defaultingType: 'System' },
  };
}

function kube(name: string, description: string, strategy?: Record<string, unknown>): ProfileSpec {
  const pluginConfig = defaultPluginArgs();
  if (strategy) pluginConfig.NodeResourcesFit = { scoringStrategy: strategy };
  return {
    name,
    description,
    filter: [...DEFAULT_FILTERS],
    score: DEFAULT_SCORES.map((s) => ({ ...s })),
    pluginConfig,
    preemption: true,
    selection: 'score',
  };
}

function classic(
  name: string,
  description: string,
  score: ScoreEntry[],
  strategy: string | undefined,
  selection: 'score' | 'first' | 'random',
): ProfileSpec {
  const pluginConfig = defaultPluginArgs();
  if (strategy) pluginConfig.NodeResourcesFit = { scoringStrategy: { type: strategy, resources: CPU_MEMORY } };
  return {
    name,
    description,
    filter: [...DEFAULT_FILTERS],
    score,
    pluginConfig,
    preemption: true,
    selection,
    // Classic strategies look at every feasible node.
    percentageOfNodesToScore: 100,
  };
}

export const BUILTIN_PROFILES: Readonly<Record<string, () => ProfileSpec>> = {
  default: () => kube('default', "kube-scheduler's default profile (NodeResourcesFit LeastAllocated)"),
  'least-allocated': () => kube('least-allocated', 'the default profile (LeastAllocated spreads load)'),
  'most-allocated': () =>
    kube('most-allocated', 'the default profile with NodeResourcesFit MostAllocated (bin packing)', {
      type: 'MostAllocated',
      resources: CPU_MEMORY,
    }),
  'requested-to-capacity-ratio': () =>
    kube('requested-to-capacity-ratio', 'the default profile with RequestedToCapacityRatio, shape 0%->0, 100%->10 (bin packing)', {
      type: 'RequestedToCapacityRatio',
      resources: CPU_MEMORY,
      requestedToCapacityRatio: {
        shape: [
          { utilization: 0, score: 0 },
          { utilization: 100, score: 10 },
        ],
      },
    }),
  balanced: () => {
    const p = kube('balanced', 'the default filters, scored by NodeResourcesBalancedAllocation alone');
    p.score = [{ name: 'NodeResourcesBalancedAllocation', weight: 1 }];
    return p;
  },
  'first-fit': () => classic('first-fit', 'the first feasible node in node order', [], undefined, 'first'),
  'best-fit': () =>
    classic(
      'best-fit',
      'the feasible node with the least room left (MostAllocated over all nodes)',
      [{ name: 'NodeResourcesFit', weight: 1 }],
      'MostAllocated',
      'score',
    ),
  'worst-fit': () =>
    classic(
      'worst-fit',
      'the feasible node with the most room left (LeastAllocated over all nodes)',
      [{ name: 'NodeResourcesFit', weight: 1 }],
      'LeastAllocated',
      'score',
    ),
  random: () => classic('random', 'a feasible node chosen uniformly at random', [], undefined, 'random'),
};

export interface ScorePlugin {
  plugin: Plugin;
  weight: number;
}

/** A profile ready to run: plugin instances in order. */
export interface Profile {
  spec: ProfileSpec;
  filters: Plugin[];
  scorers: ScorePlugin[];
}

export function buildProfile(
  spec: ProfileSpec,
  handle: Handle,
  translateArgs: (plugin: string, args: Record<string, unknown>) => Record<string, unknown>,
): Profile {
  const instances = new Map<string, Plugin>();
  const get = (name: string): Plugin => {
    let p = instances.get(name);
    if (!p) {
      const factory = REGISTRY[name];
      if (!factory) throw new Error(`bug: plugin ${name} reached buildProfile unvalidated`);
      p = factory(translateArgs(name, spec.pluginConfig[name] ?? {}), handle);
      instances.set(name, p);
    }
    return p;
  };
  const filters = spec.filter
    .filter((n) => n in REGISTRY)
    .map(get)
    .filter((p) => p.filter || p.preFilter);
  const scorers = spec.score
    .filter((s) => s.name in REGISTRY && s.weight > 0)
    .map((s) => ({ plugin: get(s.name), weight: s.weight }))
    .filter((s) => s.plugin.score);
  return { spec, filters, scorers };
}
