// The cluster autoscaler's settings for one run: the flags a scenario may set (config/flags/flags.go), with
// upstream's defaults (defaults.ts) where the scenario is silent, and the cloud's provisioning time, which is
// kubesim's own input.
import type { Distribution } from '../../engine/distributions.js';
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import type { DisruptionController } from '../disruption/controller.js';
import type { NodePoolSpec } from '../../scenario/types.js';
import type { ExpanderName } from './chain.js';
import type { NodeGroupAutoscalingOptions } from './defaults.js';
import type { NodeDeleteOptions } from './drain.js';
import type { ScaleDownDelays } from './eligibility.js';
import type { Priorities } from './priority.js';

export interface ClusterAutoscalerOptions {
  /** Which provisioner: the cluster autoscaler, or the Karpenter-style one (src/controllers/karpenter). */
  kind: 'cluster-autoscaler' | 'karpenter';
  /** Karpenter: consolidation policy, consolidateAfter (ms) and the disruption budget (share of its nodes). */
  consolidationPolicy: 'WhenEmptyOrUnderutilized' | 'WhenEmpty';
  consolidateAfter: number;
  disruptionBudget: number;
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
  /** --unremovable-node-recheck-timeout (ms): a node found unremovable in simulation is skipped this long. */
  unremovableNodeRecheckTimeout: number;
  /** --scale-down-candidates-pool-ratio and --scale-down-candidates-pool-min-count. */
  candidatesPoolRatio: number;
  candidatesPoolMinCount: number;
}

/** A node pool as a node group: its size limits. */
export interface NodeGroupLimits {
  minSize: number;
  maxSize: number;
}

/** What a node provisioner (the cluster autoscaler, or the Karpenter-style one) works with in a run. */
export interface ProvisionerDeps {
  sim: Simulation;
  cluster: ClusterState;
  /** The scheduler profile whose filters decide where pods fit. */
  scheduler: Scheduler;
  /** The pods whose last scheduling attempt failed (the scheduler's PodScheduled=False pods). */
  unschedulable: () => Iterable<number>;
  disruption: DisruptionController;
  recorder: EventRecorder;
  opts: ClusterAutoscalerOptions;
  pools: readonly NodePoolSpec[];
  /** Creates the pool's node with that index (named <pool>-<index>), as the run creates its first nodes. */
  createNode: (pool: NodePoolSpec, index: number) => Node;
}

/** The figures both provisioners give summary.csv. */
export interface ProvisionerFigures {
  autoscaler_scale_ups: number;
  autoscaler_nodes_added: number;
  autoscaler_nodes_removed: number;
  autoscaler_failed_nodes: number;
}
