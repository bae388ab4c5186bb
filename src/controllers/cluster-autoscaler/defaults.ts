// Defaults of the cluster autoscaler (kubernetes/autoscaler cluster-autoscaler 1.36): the flag defaults of
// config/flags/flags.go, the named constants of config/const.go, and utils/drain's long-terminating threshold.
// Durations are integer ms. Flags whose default is a constant of config/const.go cite it.
import { HOUR, MINUTE, SECOND } from '../../engine/time.js';

// --- Scale-down eligibility (config/const.go; flags.go passes them as NodeGroupDefaults) ---

/** --scale-down-utilization-threshold (const.go DefaultScaleDownUtilizationThreshold). */
export const DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD = 0.5;
/** --scale-down-gpu-utilization-threshold (const.go DefaultScaleDownGpuUtilizationThreshold). */
export const DEFAULT_SCALE_DOWN_GPU_UTILIZATION_THRESHOLD = 0.5;
/** --scale-down-unneeded-time (const.go DefaultScaleDownUnneededTime). */
export const DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS = 10 * MINUTE;
/** --scale-down-unready-time (const.go DefaultScaleDownUnreadyTime). */
export const DEFAULT_SCALE_DOWN_UNREADY_TIME_MS = 20 * MINUTE;
/** --max-node-provision-time (flags.go). */
export const DEFAULT_MAX_NODE_PROVISION_TIME_MS = 15 * MINUTE;
/** --ignore-daemonsets-utilization (flags.go). */
export const DEFAULT_IGNORE_DAEMONSETS_UTILIZATION = false;
/** --ignore-mirror-pods-utilization (flags.go). */
export const DEFAULT_IGNORE_MIRROR_PODS_UTILIZATION = false;

// --- Loop and cool-downs (flags.go, const.go) ---

/** --scan-interval (const.go DefaultScanInterval). */
export const DEFAULT_SCAN_INTERVAL_MS = 10 * SECOND;
/** --scale-down-delay-after-add (flags.go). */
export const DEFAULT_SCALE_DOWN_DELAY_AFTER_ADD_MS = 10 * MINUTE;
/**
 * --scale-down-delay-after-delete (flags.go): 0. The FAQ documents the default as "scan-interval": with 0 the
 * cool-down has passed by the next loop, which starts one scan interval later.
 */
export const DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_MS = 0;
/** --scale-down-delay-after-failure (const.go DefaultScaleDownDelayAfterFailure). */
export const DEFAULT_SCALE_DOWN_DELAY_AFTER_FAILURE_MS = 3 * MINUTE;
/** --scale-down-enabled and --scale-down-unready-enabled (flags.go). */
export const DEFAULT_SCALE_DOWN_ENABLED = true;
export const DEFAULT_SCALE_DOWN_UNREADY_ENABLED = true;
/** --new-pod-scale-up-delay (flags.go): pods younger than this do not trigger a scale-up. */
export const DEFAULT_NEW_POD_SCALE_UP_DELAY_MS = 0;
/** core/static_autoscaler.go NewStaticAutoscaler: the last scale-up/delete/failure times start an hour in the past. */
export const INITIAL_SCALE_TIME_OFFSET_MS = HOUR;

// --- Scale-down actuation (flags.go) ---

/** --max-graceful-termination-sec. */
export const DEFAULT_MAX_GRACEFUL_TERMINATION_SEC = 600;
/** --max-pod-eviction-time. */
export const DEFAULT_MAX_POD_EVICTION_TIME_MS = 2 * MINUTE;
/**
 * --max-scale-down-parallelism: nodes (empty or drained) deleted in parallel. It replaced --max-empty-bulk-delete
 * (default 10), which flags.go no longer defines.
 */
export const DEFAULT_MAX_SCALE_DOWN_PARALLELISM = 10;
/** --max-drain-parallelism. */
export const DEFAULT_MAX_DRAIN_PARALLELISM = 1;
/** --node-delete-delay-after-taint. */
export const DEFAULT_NODE_DELETE_DELAY_AFTER_TAINT_MS = 5 * SECOND;
/** --node-deletion-delay-timeout. */
export const DEFAULT_NODE_DELETION_DELAY_TIMEOUT_MS = 2 * MINUTE;
/** --unremovable-node-recheck-timeout. */
export const DEFAULT_UNREMOVABLE_NODE_RECHECK_TIMEOUT_MS = 5 * MINUTE;
/** --scale-down-non-empty-candidates-count, --scale-down-candidates-pool-ratio, --scale-down-candidates-pool-min-count. */
export const DEFAULT_SCALE_DOWN_NON_EMPTY_CANDIDATES_COUNT = 30;
export const DEFAULT_SCALE_DOWN_CANDIDATES_POOL_RATIO = 0.1;
export const DEFAULT_SCALE_DOWN_CANDIDATES_POOL_MIN_COUNT = 50;
/** --scale-down-simulation-timeout. */
export const DEFAULT_SCALE_DOWN_SIMULATION_TIMEOUT_MS = 30 * SECOND;

// --- Drain rules (flags.go) ---

/** --skip-nodes-with-system-pods. */
export const DEFAULT_SKIP_NODES_WITH_SYSTEM_PODS = true;
/** --skip-nodes-with-local-storage. */
export const DEFAULT_SKIP_NODES_WITH_LOCAL_STORAGE = true;
/** --skip-nodes-with-custom-controller-pods. */
export const DEFAULT_SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS = true;
/** --min-replica-count. */
export const DEFAULT_MIN_REPLICA_COUNT = 0;
/** --blocking-system-pod-distruption-timeout (sic). */
export const DEFAULT_BSP_DISRUPTION_TIMEOUT_MS = HOUR;
/** utils/drain PodLongTerminatingExtraThreshold: past its grace period by this much, a deleted pod is ignored. */
export const POD_LONG_TERMINATING_EXTRA_THRESHOLD_MS = 30 * SECOND;

// --- Scale-up (flags.go) ---

/** --expander (expander.LeastWasteExpanderName). */
export const DEFAULT_EXPANDER = 'least-waste';
/** --max-nodes-per-scaleup. */
export const DEFAULT_MAX_NODES_PER_SCALE_UP = 1000;
/** --max-total-unready-percentage and --ok-total-unready-count. */
export const DEFAULT_MAX_TOTAL_UNREADY_PERCENTAGE = 45;
export const DEFAULT_OK_TOTAL_UNREADY_COUNT = 3;
/** --expendable-pods-priority-cutoff. */
export const DEFAULT_EXPENDABLE_PODS_PRIORITY_CUTOFF = -10;
/** --initial-node-group-backoff-duration, --max-node-group-backoff-duration, --node-group-backoff-reset-timeout. */
export const DEFAULT_INITIAL_NODE_GROUP_BACKOFF_MS = 5 * MINUTE;
export const DEFAULT_MAX_NODE_GROUP_BACKOFF_MS = 30 * MINUTE;
export const DEFAULT_NODE_GROUP_BACKOFF_RESET_TIMEOUT_MS = 3 * HOUR;
/** --max-inactivity and --max-failing-time. */
export const DEFAULT_MAX_INACTIVITY_MS = 10 * MINUTE;
export const DEFAULT_MAX_FAILING_TIME_MS = 15 * MINUTE;

/** config.NodeGroupAutoscalingOptions: the per-node-group options (defaults from flags, overridable per group). */
export interface NodeGroupAutoscalingOptions {
  scaleDownUtilizationThreshold: number;
  scaleDownGpuUtilizationThreshold: number;
  /** ms. */
  scaleDownUnneededTime: number;
  /** ms. */
  scaleDownUnreadyTime: number;
  /** ms. */
  maxNodeProvisionTime: number;
  ignoreDaemonSetsUtilization: boolean;
}

/** flags.go createAutoscalingOptions NodeGroupDefaults, with every flag at its default. */
export const DEFAULT_NODE_GROUP_AUTOSCALING_OPTIONS: Readonly<NodeGroupAutoscalingOptions> = Object.freeze({
  scaleDownUtilizationThreshold: DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD,
  scaleDownGpuUtilizationThreshold: DEFAULT_SCALE_DOWN_GPU_UTILIZATION_THRESHOLD,
  scaleDownUnneededTime: DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS,
  scaleDownUnreadyTime: DEFAULT_SCALE_DOWN_UNREADY_TIME_MS,
  maxNodeProvisionTime: DEFAULT_MAX_NODE_PROVISION_TIME_MS,
  ignoreDaemonSetsUtilization: DEFAULT_IGNORE_DAEMONSETS_UTILIZATION,
});

// --- Drain during scale-down (core/scaledown/actuation/drain.go) ---

/** DefaultEvictionRetryTime: a refused eviction is tried again after this long, until --max-pod-eviction-time. */
export const DEFAULT_EVICTION_RETRY_TIME_MS = 10 * SECOND;
/** DefaultPodEvictionHeadroom: the extra wait past the grace period for pods that ignore SIGTERM. */
export const DEFAULT_POD_EVICTION_HEADROOM_MS = 30 * SECOND;
/** utils/taints ToBeDeletedTaint: the NoSchedule taint a node gets when its deletion starts. */
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';
