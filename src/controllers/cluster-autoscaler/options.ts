// The cluster autoscaler's settings for one run: the flags a scenario may set (config/flags/flags.go), with
// upstream's defaults (defaults.ts) where the scenario is silent, and the cloud's provisioning time, which is
// kubesim's own input.
import type { Distribution } from '../../engine/distributions.js';
import type { ExpanderName } from './chain.js';
import type { NodeGroupAutoscalingOptions } from './defaults.js';
import type { NodeDeleteOptions } from './drain.js';
import type { ScaleDownDelays } from './eligibility.js';
import type { Priorities } from './priority.js';

export interface ClusterAutoscalerOptions {
  /** --expander, as a chain. */
  expanders: ExpanderName[];
  /** The priority expander's ConfigMap, parsed; undefined without one. */
  priorities: Priorities | undefined;
  /** --scan-interval (ms). */
  scanInterval: number;
  /** From the scale-up decision to the new node Ready (boot, kubelet join, Ready), drawn per node (ms). */
  provisioning: Distribution;
  /** --max-nodes-total: 0 is no limit. */
  maxNodesTotal: number;
  /** --max-nodes-per-scaleup. */
  maxNodesPerScaleUp: number;
  /** --scale-down-enabled. */
  scaleDownEnabled: boolean;
  /** --scale-down-utilization-threshold, --scale-down-unneeded-time, --max-node-provision-time, …: per node group. */
  nodeGroup: NodeGroupAutoscalingOptions;
  delays: ScaleDownDelays;
  /** --max-graceful-termination-sec. */
  maxGracefulTerminationSec: number;
  /** --max-pod-eviction-time (ms). */
  maxPodEvictionTime: number;
  /** --max-scale-down-parallelism and --max-drain-parallelism. */
  maxScaleDownParallelism: number;
  maxDrainParallelism: number;
  /** --node-delete-delay-after-taint (ms). */
  nodeDeleteDelayAfterTaint: number;
  deleteOptions: NodeDeleteOptions;
  /** --expendable-pods-priority-cutoff: pods below it neither trigger scale-up nor keep a node. */
  expendablePodsPriorityCutoff: number;
  /** --initial-node-group-backoff-duration, --max-node-group-backoff-duration, --node-group-backoff-reset-timeout (ms). */
  initialBackoff: number;
  maxBackoff: number;
  backoffReset: number;
  /** --scale-down-candidates-pool-ratio and --scale-down-candidates-pool-min-count. */
  candidatesPoolRatio: number;
  candidatesPoolMinCount: number;
}

/** A node pool as a node group: its size limits. */
export interface NodeGroupLimits {
  minSize: number;
  maxSize: number;
}
