// The scenario's cluster autoscaler: `cluster.autoscaler` read into the controller's options, and each node
// pool's minCount / maxCount checked (a pool with maxCount is a node group the autoscaler may resize).
import { stringify } from 'yaml';
import type { Distribution } from '../engine/distributions.js';
import { expanderStrategyFromStrings } from '../controllers/cluster-autoscaler/chain.js';
import {
  DEFAULT_INITIAL_NODE_GROUP_BACKOFF_MS,
  DEFAULT_MAX_NODE_GROUP_BACKOFF_MS,
  DEFAULT_NODE_DELETE_DELAY_AFTER_TAINT_MS,
  DEFAULT_NODE_GROUP_BACKOFF_RESET_TIMEOUT_MS,
  DEFAULT_SCALE_DOWN_CANDIDATES_POOL_MIN_COUNT,
  DEFAULT_SCALE_DOWN_CANDIDATES_POOL_RATIO,
  DEFAULT_MIN_REPLICA_COUNT,
} from '../controllers/cluster-autoscaler/defaults.js';
import { parsePrioritiesYAMLString } from '../controllers/cluster-autoscaler/priority.js';
import type { ClusterAutoscalerOptions } from '../controllers/cluster-autoscaler/options.js';
import type { YamlDoc } from './yaml-source.js';

/** `cluster.autoscaler` after the schema (durations in ms). */
export interface AutoscalerConfig {
  kind: 'cluster-autoscaler' | 'karpenter';
  consolidationPolicy: 'WhenEmptyOrUnderutilized' | 'WhenEmpty';
  consolidateAfter: number;
  disruptionBudget: number;
  expander: string;
  priorities?: Record<string, string[]>;
  scanInterval: number;
  provisioningTime: Distribution;
  maxNodeProvisionTime: number;
  maxNodesTotal: number;
  maxNodesPerScaleUp: number;
  scaleDownEnabled: boolean;
  scaleDownUtilizationThreshold: number;
  scaleDownGpuUtilizationThreshold: number;
  scaleDownUnneededTime: number;
  scaleDownUnreadyTime: number;
  scaleDownDelayAfterAdd: number;
  scaleDownDelayAfterDelete: number;
  scaleDownDelayAfterFailure: number;
  unremovableNodeRecheckTimeout: number;
  maxGracefulTerminationSec: number;
  maxPodEvictionTime: number;
  maxScaleDownParallelism: number;
  maxDrainParallelism: number;
  skipNodesWithSystemPods: boolean;
  skipNodesWithLocalStorage: boolean;
  skipNodesWithCustomControllerPods: boolean;
  ignoreDaemonSetsUtilization: boolean;
  expendablePodsPriorityCutoff: number;
}

interface PoolSizes {
  name: string;
  count?: number;
  minCount?: number;
  maxCount?: number;
}

/**
 * Each pool's starting count and size limits: count is required unless the pool has minCount or maxCount (then
 * it defaults to minCount); maxCount >= minCount and count within them. A pool with limits needs the autoscaler.
 */
export function poolSizes(
  pools: readonly PoolSizes[],
  autoscaled: boolean,
  doc: YamlDoc,
): { count: number; minCount: number | null; maxCount: number | null }[] {
  return pools.map((p, i) => {
    const at = (k: string) => ['cluster', 'nodePools', i, k];
    const limited = p.minCount !== undefined || p.maxCount !== undefined;
    if (p.count === undefined && !limited) throw doc.error(['cluster', 'nodePools', i], 'missing required field "count"');
    if (!limited) return { count: p.count!, minCount: null, maxCount: null };
    if (!autoscaled)
      throw doc.error(
        at(p.maxCount !== undefined ? 'maxCount' : 'minCount'),
        `pool "${p.name}" has size limits but the scenario has no cluster.autoscaler`,
        'add `autoscaler: {}` under `cluster`, or give the pool a fixed count',
      );
    if (p.maxCount === undefined)
      throw doc.error(at('minCount'), `pool "${p.name}" has minCount but no maxCount`, 'an autoscaled pool needs both');
    const min = p.minCount ?? 0;
    if (p.maxCount < min)
      throw doc.error(
        at('maxCount'),
        `maxCount ${p.maxCount} of pool "${p.name}" is below its minCount ${min}`,
        'expected maxCount >= minCount',
      );
    const count = p.count ?? min;
    if (count < min || count > p.maxCount)
      throw doc.error(at('count'), `count ${count} of pool "${p.name}" is outside its limits ${min}..${p.maxCount}`);
    return { count, minCount: min, maxCount: p.maxCount };
  });
}

/** The controller's options from the scenario's section (its path for errors: cluster.autoscaler). */
export function readClusterAutoscaler(c: AutoscalerConfig, doc: YamlDoc): ClusterAutoscalerOptions {
  const at = (k: string) => ['cluster', 'autoscaler', k];
  const names = c.expander.split(',').map((s) => s.trim());
  const expanders = expanderStrategyFromStrings(names);
  if ('error' in expanders)
    throw doc.error(at('expander'), expanders.error, 'expanders: random, most-pods, least-waste, least-nodes, price, priority');
  let priorities: ClusterAutoscalerOptions['priorities'];
  if (c.priorities !== undefined) {
    const parsed = parsePrioritiesYAMLString(stringify(c.priorities));
    if ('error' in parsed) throw doc.error(at('priorities'), parsed.error);
    priorities = parsed;
  } else if (expanders.includes('priority'))
    throw doc.error(at('expander'), 'the priority expander needs `priorities`', 'e.g. priorities: {10: [".*"], 50: ["spot-.*"]}');
  return {
    kind: c.kind,
    consolidationPolicy: c.consolidationPolicy,
    consolidateAfter: c.consolidateAfter,
    disruptionBudget: c.disruptionBudget,
    expanders,
    priorities,
    scanInterval: c.scanInterval,
    provisioning: c.provisioningTime,
    maxNodesTotal: c.maxNodesTotal,
    maxNodesPerScaleUp: c.maxNodesPerScaleUp,
    scaleDownEnabled: c.scaleDownEnabled,
    nodeGroup: {
      scaleDownUtilizationThreshold: c.scaleDownUtilizationThreshold,
      scaleDownGpuUtilizationThreshold: c.scaleDownGpuUtilizationThreshold,
      scaleDownUnneededTime: c.scaleDownUnneededTime,
      scaleDownUnreadyTime: c.scaleDownUnreadyTime,
      maxNodeProvisionTime: c.maxNodeProvisionTime,
      ignoreDaemonSetsUtilization: c.ignoreDaemonSetsUtilization,
    },
    delays: {
      scaleDownDelayAfterAdd: c.scaleDownDelayAfterAdd,
      scaleDownDelayAfterDelete: c.scaleDownDelayAfterDelete,
      scaleDownDelayAfterFailure: c.scaleDownDelayAfterFailure,
    },
    maxGracefulTerminationSec: c.maxGracefulTerminationSec,
    maxPodEvictionTime: c.maxPodEvictionTime,
    maxScaleDownParallelism: c.maxScaleDownParallelism,
    maxDrainParallelism: c.maxDrainParallelism,
    nodeDeleteDelayAfterTaint: DEFAULT_NODE_DELETE_DELAY_AFTER_TAINT_MS,
    deleteOptions: {
      skipNodesWithSystemPods: c.skipNodesWithSystemPods,
      skipNodesWithLocalStorage: c.skipNodesWithLocalStorage,
      skipNodesWithCustomControllerPods: c.skipNodesWithCustomControllerPods,
      minReplicaCount: DEFAULT_MIN_REPLICA_COUNT,
    },
    expendablePodsPriorityCutoff: c.expendablePodsPriorityCutoff,
    initialBackoff: DEFAULT_INITIAL_NODE_GROUP_BACKOFF_MS,
    maxBackoff: DEFAULT_MAX_NODE_GROUP_BACKOFF_MS,
    backoffReset: DEFAULT_NODE_GROUP_BACKOFF_RESET_TIMEOUT_MS,
    unremovableNodeRecheckTimeout: c.unremovableNodeRecheckTimeout,
    candidatesPoolRatio: DEFAULT_SCALE_DOWN_CANDIDATES_POOL_RATIO,
    candidatesPoolMinCount: DEFAULT_SCALE_DOWN_CANDIDATES_POOL_MIN_COUNT,
  };
}
