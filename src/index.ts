// kubesim's package entry point: the Kubernetes rules the simulator follows, each a pure function
// under its upstream name (the file it comes from is cited where it is defined), the model, and the
// functions that run a scenario. The command line is bin/kubesim.js.

// Scheduler (pkg/scheduler).
export { numFeasibleNodesToFind, Scheduler } from './scheduler/scheduler.js';
export {
  backoffDuration as calculateBackoffDuration,
  POD_INITIAL_BACKOFF_MS,
  POD_MAX_BACKOFF_MS,
  POD_MAX_IN_UNSCHEDULABLE_MS,
} from './scheduler/queue.js';
export {
  numCandidates as calculateNumCandidates,
  moreImportant as moreImportantPod,
  pickOneNodeForPreemption,
  selectVictimsOnNode,
} from './scheduler/preemption.js';
export { defaultNormalizeScore, MAX_NODE_SCORE } from './scheduler/framework.js';
export { nonZero as getNonZeroRequests, DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST } from './model/template.js';

// Kubelet (pkg/kubelet).
export {
  backoffGC,
  backoffGet,
  backoffNext,
  calculateEffectiveGracePeriod,
  checkGracefulDelete,
  containerShouldRestart,
  CRASH_LOOP_BACKOFF_RESET_MS,
  DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
  doBackOff,
  doProbe,
  getPhase,
  hasExpired as backoffHasExpired,
  INITIAL_CRASH_LOOP_BACKOFF_MS,
  initialValue as probeInitialValue,
  isInBackOffSince,
  isInBackOffSinceUpdate,
  killContainer,
  MAX_CRASH_LOOP_BACKOFF_MS,
  MINIMUM_GRACE_PERIOD_SECONDS,
  newBackOff,
  newCrashLoopBackOff,
  newWorker as newProbeWorker,
  observeNewContainer,
  parseImageName,
  probeTimeline,
  REDUCED_INITIAL_CRASH_LOOP_BACKOFF_MS,
  REDUCED_MAX_CRASH_LOOP_BACKOFF_MS,
  setDefaultsContainerImagePullPolicy,
  setDefaultsProbe,
  setTerminationGracePeriod,
  shouldContainerBeRestarted,
  shouldPullImage,
  type BackoffConfig,
  type BackoffEntry,
  type ContainerProbes,
  type Probe,
  type ProbeType,
  type ProbeWorkerState,
  type PullPolicy,
  type RestartPolicy,
} from './controllers/kubelet/rules.js';
export {
  computeInitContainerActions,
  isInitContainerFailed,
  killContainersWithSyncResult,
  newTerminationOrdering,
  shouldRestartOnFailure,
  type ContainerKillTimeline,
  type ContainerStatus,
  type ContainerToKill,
  type InitContainerActions,
  type InitContainerForActions,
} from './controllers/kubelet/lifecycle.js';

// Controllers (pkg/controller).
export { computeHash, safeEncodeString } from './workload/names.js';
export { BURST_REPLICAS, deletionOrder as getPodsToDeleteOrder, replicaDiff } from './controllers/replicaset/calc.js';
export { failedIndexesFailure, jobComplete, jobFailed, wantActive, type JobFailure } from './controllers/job/calc.js';
export { daemonPodTolerations as addOrUpdateDaemonPodTolerations, nodeShouldRunDaemonPod } from './controllers/daemonset/calc.js';
export { getOrdinal } from './controllers/statefulset/controller.js';
// StatefulSet and DaemonSet updates (pkg/controller/statefulset, pkg/controller/daemon).
export {
  completeRollingUpdate,
  computeReplicaStatus,
  getStatefulSetMaxUnavailable,
  newVersionedStatefulSetPod,
  updateStatefulSetAfterInvariantEstablished,
  updateStatefulSetTargets,
  MAX_UNAVAILABLE_STATEFULSET_DEFAULT,
  STATEFULSET_REVISION_LABEL,
  type StatefulPodView,
  type StatefulSetReplicaStatus,
} from './controllers/statefulset/calc.js';
export {
  allowsSurge,
  findUpdatedPodsOnNode,
  podByCreationTimestampAndPhase,
  podsShouldBeOnNode,
  rollingUpdate,
  surgeCount,
  unavailableCount,
  updatedDesiredNodeCounts,
  DAEMONSET_REVISION_LABEL,
  type DaemonPodView,
} from './controllers/daemonset/calc.js';
export {
  computeZoneState,
  reducedQPSFunc,
  healthyQPSFunc,
  setLimiterInZone,
  handleDisruption,
  tryUpdateNodeHealth,
  taintForReadyCondition,
  isNodeExcludedFromDisruptionChecks,
  getNoExecuteTaints,
  getMatchingTolerations,
  getMinTolerationTime,
  processPodOnNode,
  admitDefaultTolerationSeconds,
  isPodTerminated,
  gcTerminated,
  gcOrphanedDue,
  gcTerminatingApplies,
  DEFAULT_NODE_LIFECYCLE_CONFIG,
  NODE_MONITOR_GRACE_PERIOD_MS,
  NODE_MONITOR_GRACE_PERIOD_BEFORE_V1_32_MS,
  NODE_STARTUP_GRACE_PERIOD_MS,
  NODE_MONITOR_PERIOD_MS,
  NODE_EVICTION_RATE,
  SECONDARY_NODE_EVICTION_RATE,
  UNHEALTHY_ZONE_THRESHOLD,
  LARGE_CLUSTER_SIZE_THRESHOLD,
  DEFAULT_NOT_READY_TOLERATION_SECONDS,
  DEFAULT_UNREACHABLE_TOLERATION_SECONDS,
  QUARANTINE_TIME_MS,
  TERMINATED_POD_GC_THRESHOLD,
  type ZoneState,
  type ConditionStatus,
  type TaintEvictionDecision,
} from './controllers/node-lifecycle/rules.js';
export {
  getScaledValueFromIntOrPercent,
  getExpectedScale,
  getExpectedPodCount,
  countHealthyPods,
  buildDisruptedPodMap,
  disruptionsAllowed,
  trySync as syncPodDisruptionBudget,
  canIgnorePDB,
  checkAndDecrement,
  evictionCreate,
  DELETION_TIMEOUT_MS,
  type PodDisruptionBudget,
  type PodDisruptionBudgetSpec,
  type IntOrString,
} from './controllers/disruption/rules.js';
export {
  newBackoffRecord,
  getRemainingTime,
  getRemainingTimeForFailuresCount,
  exceedsBackoffLimit,
  pastBackoffLimitOnFailure,
  DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  MAX_JOB_POD_FAILURE_BACKOFF_MS,
  type BackoffRecord,
} from './controllers/job/backoff.js';
export { matchPodFailurePolicy, type PodFailurePolicyRule } from './controllers/job/pod-failure-policy.js';
export {
  firstPendingIndexes,
  getIndexAbsoluteFailureCount,
  getNewIndexFailureCounts,
  getPodCreationInfoForIndependentIndexes,
  getRemainingTimePerIndex,
  intervalsHas,
  intervalsString,
  intervalsTotal,
  isIndexFailed,
  mergeIntervals,
  withOrderedIndexes,
  type IndexedFailedPod,
  type Interval,
  type LastFailedPod,
  type OrderedIntervals,
} from './controllers/job/indexed.js';
export {
  getFinishAndExpireTime,
  isJobFinished,
  jobFinishTime,
  needsCleanup,
  timeLeft,
  type FinishableJob,
  type JobCondition,
} from './controllers/ttl-after-finished/calc.js';

// Deployment and ReplicaSet rollout arithmetic (pkg/controller/deployment, pkg/controller/replicaset). IntOrString and
// getScaledValueFromIntOrPercent are exported above with the disruption rules.
export {
  cleanupDeployment,
  cleanupUnhealthyReplicas,
  filterActiveReplicaSets,
  findActiveOrLatest,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getProportion,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  getReplicaSetFraction,
  getTerminatingReplicaCountForReplicaSets,
  isRollingUpdate,
  isSaturated,
  isScalingEvent,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  oldPodsRunning,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicaSetsByCreationTimestampLess,
  replicaSetsByRevisionLess,
  replicaSetsBySizeNewerLess,
  replicaSetsBySizeOlderLess,
  replicasAnnotations,
  replicasAnnotationsNeedUpdate,
  resolveFenceposts,
  scale,
  scaleDownOldReplicaSetsForRollingUpdate,
  DEFAULT_MAX_SURGE,
  DEFAULT_MAX_UNAVAILABLE,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  FAILED_RS_CREATE_REASON,
  FOUND_NEW_RS_REASON,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_REPLICA_SET_REASON,
  NEW_RS_AVAILABLE_REASON,
  PAUSED_DEPLOY_REASON,
  REPLICA_SET_UPDATED_REASON,
  RESUMED_DEPLOY_REASON,
  TIMED_OUT_REASON,
  type DeploymentCondition,
  type DeploymentStatusView,
  type DeploymentView,
  type ReplicaSetView,
} from './controllers/deployment/calc.js';
export {
  calculateStatus,
  checkPausedConditions,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  hasProgressDeadline,
  newReplicaSetProgressing,
  requeueStuckDeployment,
  syncRolloutProgressing,
} from './controllers/deployment/progress.js';
export {
  activePodsWithRanksLess,
  getPodsRankedByRelatedPodsOnSameNode,
  getPodsToDelete,
  isPodActive,
  type RankedPodView,
} from './controllers/replicaset/calc.js';

// Faults: kubectl drain's timings, and the Google 2011 machine_events table.
export { DRAIN_EVICTION_RETRY_MS, DRAIN_POLL_INTERVAL_MS } from './faults/drain.js';
export {
  machineTimeline,
  parseMachineEvents,
  readMachineEvents,
  MACHINE_TRACE_START_US,
  type MachineEvent,
  type MachineTimeline,
  type MachineTimelineOptions,
  type NodeChange,
} from './faults/machine-events.js';

// Quantities (k8s.io/apimachinery/pkg/api/resource).
export { parseQuantity, parseMilliQuantity } from './model/quantity.js';

// The model.
export { ClusterState } from './model/cluster-state.js';
export { CLUSTER_EVENT_TYPES, WATCHER_ORDER, type ClusterEvent, type ClusterEventType } from './model/events.js';
export { Workload, type WorkloadKind, type WorkloadObjectSpec, type WorkloadStatus } from './model/workloads.js';
export type { UpdateStrategy } from './model/workloads.js';
export type { Node } from './model/node.js';
export type { Pod, PodTemplate } from './model/pod.js';

// Running scenarios.
export { loadScenario } from './scenario/load.js';
export { prepareRun, simulate } from './run/simulate.js';
export { Simulation } from './engine/simulation.js';

// Traffic: queueing formulas, the fluid step, rate curves (what request and fluid modes are checked against).
export { erlangB, erlangC, mmcMeanWait, mmcWaitTail, mmcMeanResponse } from './traffic/erlang.js';
export { fluidInterval, distributionMoments, mmkk, type FluidInput, type FluidOutput, type FluidState } from './traffic/fluid.js';
export { rateAt, expectedRequests, checkRateCurve, type RateCurve } from './traffic/rates.js';
export { slowestOf, sumOf } from './traffic/call-latency.js';

// HorizontalPodAutoscaler (pkg/controller/podautoscaler): the replica calculator and normalization.
export {
  groupPods,
  getResourceReplicas,
  getRawResourceReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getExternalMetricReplicas,
  computeReplicasForMetrics,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  convertDesiredReplicasWithRules,
  convertDesiredReplicasWithBehaviorRate,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  calculateScaleDownLimitWithBehaviors,
  generateHPAScaleUpRules,
  generateHPAScaleDownRules,
  tolerancesForHpa,
} from './controllers/hpa/calc.js';
export { readHPA, type HPASpec } from './workload/hpa-spec.js';
// metrics-server's usage rate and the quantities the HPA's metrics client reads (whole milli-units).
export { resourceUsage, milliValueOfNanos, newMilliQuantityOfRate } from './controllers/metrics-server/quantities.js';

// Cluster autoscaler (kubernetes/autoscaler cluster-autoscaler 1.36): utilization, scale-down eligibility,
// drainability and expanders, under their upstream names in one namespace (several names, such as
// `calculate`, are generic outside it).
export * as clusterAutoscaler from './controllers/cluster-autoscaler/calc.js';

// The Karpenter-style provisioner's rules (kubernetes-sigs/karpenter v1): packing into NodeClaims, the cheapest
// instance type, single-node consolidation's verdict.
export * as karpenter from './controllers/karpenter/calc.js';
