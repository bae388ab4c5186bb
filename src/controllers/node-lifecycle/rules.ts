// Rules of node failure handling in Kubernetes v1.36, as pure functions under their upstream names:
// the node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go), the taint
// eviction controller (pkg/controller/tainteviction/taint_eviction.go), the DefaultTolerationSeconds
// admission plugin (plugin/pkg/admission/defaulttolerationseconds/admission.go) and pod garbage
// collection (pkg/controller/podgc/gc_controller.go). Durations are integer milliseconds.
import { SECOND } from '../../engine/time.js';
import { toleratesTaint, type Labels, type Taint, type Toleration } from '../../model/selectors.js';
import type { PodPhase } from '../../model/pod.js';

// --- kube-controller-manager defaults -------------------------------------------------------------

/** --node-monitor-grace-period: 50 s since v1.32 (pkg/controller/nodelifecycle/config/v1alpha1/defaults.go). */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50 * SECOND;
/** The default before v1.32 (same file), for users who still run those releases. */
export const NODE_MONITOR_GRACE_PERIOD_BEFORE_V1_32_MS = 40 * SECOND;
/** --node-startup-grace-period (config/v1alpha1/defaults.go). */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60 * SECOND;
/** --node-monitor-period (pkg/controller/apis/config/v1alpha1/defaults.go SetDefaults_KubeCloudSharedConfiguration). */
export const NODE_MONITOR_PERIOD_MS = 5 * SECOND;
/** --node-eviction-rate, nodes per second per zone (cmd/kube-controller-manager/app/options/nodelifecyclecontroller.go). */
export const NODE_EVICTION_RATE = 0.1;
/** --secondary-node-eviction-rate (same file). */
export const SECONDARY_NODE_EVICTION_RATE = 0.01;
/** --unhealthy-zone-threshold (same file). */
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** --large-cluster-size-threshold (same file). */
export const LARGE_CLUSTER_SIZE_THRESHOLD = 50;
/** scheduler/rate_limited_queue.go NodeEvictionPeriod: how often each zone's taint queue is tried. */
export const NODE_EVICTION_PERIOD_MS = 100;
/** scheduler/rate_limited_queue.go EvictionRateLimiterBurst: token bucket burst of every zone's limiter. */
export const EVICTION_RATE_LIMITER_BURST = 1;

export interface NodeLifecycleConfig {
  evictionLimiterQPS: number;
  secondaryEvictionLimiterQPS: number;
  largeClusterThreshold: number;
  unhealthyZoneThreshold: number;
}

export const DEFAULT_NODE_LIFECYCLE_CONFIG: Readonly<NodeLifecycleConfig> = {
  evictionLimiterQPS: NODE_EVICTION_RATE,
  secondaryEvictionLimiterQPS: SECONDARY_NODE_EVICTION_RATE,
  largeClusterThreshold: LARGE_CLUSTER_SIZE_THRESHOLD,
  unhealthyZoneThreshold: UNHEALTHY_ZONE_THRESHOLD,
};

// --- taints the node lifecycle controller manages ---------------------------------------------------

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';
/** node_lifecycle_controller.go NotReadyTaintTemplate (Ready=False). */
export const NOT_READY_TAINT_TEMPLATE: Readonly<Taint> = { key: TAINT_NODE_NOT_READY, value: '', effect: 'NoExecute' };
/** node_lifecycle_controller.go UnreachableTaintTemplate (Ready=Unknown). */
export const UNREACHABLE_TAINT_TEMPLATE: Readonly<Taint> = { key: TAINT_NODE_UNREACHABLE, value: '', effect: 'NoExecute' };

/** A node condition's status; null when the condition was never posted. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * doNoExecuteTaintingPass: the NoExecute taint for a node's Ready status (False: not-ready, Unknown:
 * unreachable; the two are mutually exclusive), or null when the node is Ready and needs none.
 * doNoScheduleTaintingPass adds the same keys with effect NoSchedule at once, without rate limiting.
 */
export function taintForReadyCondition(status: ConditionStatus): Readonly<Taint> | null {
  if (status === 'False') return NOT_READY_TAINT_TEMPLATE;
  if (status === 'Unknown') return UNREACHABLE_TAINT_TEMPLATE;
  return null;
}

/**
 * tryUpdateNodeHealth: a node whose health signal (status or lease) is older than its grace period gets
 * Ready=Unknown. The grace period is nodeStartupGracePeriod while the node never posted a Ready condition,
 * nodeMonitorGracePeriod after. Upstream compares now.After(probe + grace): equal is not yet stale.
 */
export function tryUpdateNodeHealth(
  nowMs: number,
  probeTimestampMs: number,
  hasReadyCondition: boolean,
  monitorGraceMs = NODE_MONITOR_GRACE_PERIOD_MS,
  startupGraceMs = NODE_STARTUP_GRACE_PERIOD_MS,
): { gracePeriodMs: number; readyUnknown: boolean } {
  const gracePeriodMs = hasReadyCondition ? monitorGraceMs : startupGraceMs;
  return { gracePeriodMs, readyUnknown: nowMs > probeTimestampMs + gracePeriodMs };
}

// --- zone states and eviction rates -----------------------------------------------------------------

export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** node_lifecycle_controller.go labelNodeDisruptionExclusion: such nodes are left out of zone states. */
export const LABEL_NODE_DISRUPTION_EXCLUSION = 'node.kubernetes.io/exclude-disruption';

/** isNodeExcludedFromDisruptionChecks: the label's presence counts, whatever its value. */
export function isNodeExcludedFromDisruptionChecks(labels: Labels): boolean {
  return labels.has(LABEL_NODE_DISRUPTION_EXCLUSION);
}

/**
 * Controller.ComputeZoneState: FullDisruption when no node of the zone is Ready (a missing condition is
 * not Ready), PartialDisruption when more than 2 nodes are not Ready and they are at least
 * unhealthyZoneThreshold of the zone, Normal otherwise. The ratio is compared in float32, as upstream.
 */
export function computeZoneState(
  readyConditions: readonly (ConditionStatus | null)[],
  unhealthyZoneThreshold = UNHEALTHY_ZONE_THRESHOLD,
): { notReadyNodes: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { notReadyNodes: notReady, state: 'FullDisruption' };
  if (notReady > 2 && Math.fround(notReady / (notReady + ready)) >= Math.fround(unhealthyZoneThreshold)) {
    return { notReadyNodes: notReady, state: 'PartialDisruption' };
  }
  return { notReadyNodes: notReady, state: 'Normal' };
}

/** Controller.HealthyQPSFunc: the primary eviction rate, whatever the zone's size. */
export function healthyQPSFunc(_nodeNum: number, cfg: NodeLifecycleConfig = DEFAULT_NODE_LIFECYCLE_CONFIG): number {
  return cfg.evictionLimiterQPS;
}

/** Controller.ReducedQPSFunc: the secondary rate in zones larger than the threshold; 0 (no evictions) otherwise. */
export function reducedQPSFunc(nodeNum: number, cfg: NodeLifecycleConfig = DEFAULT_NODE_LIFECYCLE_CONFIG): number {
  return nodeNum > cfg.largeClusterThreshold ? cfg.secondaryEvictionLimiterQPS : 0;
}

/**
 * Controller.setLimiterInZone: the taint rate (nodes per second) a zone gets on entering a state, or null
 * for Initial (the limiter a new zone starts with, at the primary rate, is kept). zoneSize counts the
 * zone's nodes that are not excluded from disruption checks.
 */
export function setLimiterInZone(
  state: ZoneState,
  zoneSize: number,
  cfg: NodeLifecycleConfig = DEFAULT_NODE_LIFECYCLE_CONFIG,
): number | null {
  switch (state) {
    case 'Normal':
      return cfg.evictionLimiterQPS;
    case 'PartialDisruption':
      return reducedQPSFunc(zoneSize, cfg);
    case 'FullDisruption':
      return healthyQPSFunc(zoneSize, cfg);
    case 'Initial':
      return null;
  }
}

export interface HandleDisruptionResult {
  /** The zone states after this pass (zones no longer observed are dropped). */
  zoneStates: Map<string, ZoneState>;
  /** Zones whose limiter is swapped this pass, with the new rate (0 stops tainting). */
  limiterQPS: Map<string, number>;
  /** Entering "master disruption" (every zone FullDisruption): all nodes lose not-ready/unreachable taints. */
  markAllNodesReachable: boolean;
  /** Leaving it: every node's probe and Ready transition timestamps are reset to now. */
  resetProbeTimestamps: boolean;
}

/**
 * Controller.handleDisruption: given the previous zone states and this pass's Ready conditions per zone,
 * the new states and rate changes. When every zone is fully disrupted the controller assumes its own
 * connectivity is at fault: it stops all evictions and removes the taints. Upstream iterates Go maps; here
 * zones come out in the order of `observed`, and every unobserved zone is dropped (upstream may drop only
 * some of them in one pass, in map order).
 */
export function handleDisruption(
  previous: ReadonlyMap<string, ZoneState>,
  observed: ReadonlyMap<string, readonly (ConditionStatus | null)[]>,
  cfg: NodeLifecycleConfig = DEFAULT_NODE_LIFECYCLE_CONFIG,
): HandleDisruptionResult {
  const newStates = new Map<string, ZoneState>();
  let allAreFullyDisrupted = true;
  const zoneStates = new Map<string, ZoneState>();
  for (const [zone, conditions] of observed) {
    const { state } = computeZoneState(conditions, cfg.unhealthyZoneThreshold);
    if (state !== 'FullDisruption') allAreFullyDisrupted = false;
    newStates.set(zone, state);
    zoneStates.set(zone, previous.get(zone) ?? 'Initial');
  }
  let allWasFullyDisrupted = true;
  for (const state of zoneStates.values()) if (state !== 'FullDisruption') allWasFullyDisrupted = false;

  const limiterQPS = new Map<string, number>();
  const result = { zoneStates, limiterQPS, markAllNodesReachable: false, resetProbeTimestamps: false };
  if (allAreFullyDisrupted && allWasFullyDisrupted) return result;
  if (allAreFullyDisrupted) {
    for (const zone of zoneStates.keys()) {
      limiterQPS.set(zone, 0);
      zoneStates.set(zone, 'FullDisruption');
    }
    result.markAllNodesReachable = true;
    return result;
  }
  for (const [zone, state] of zoneStates) {
    const next = newStates.get(zone)!;
    if (!allWasFullyDisrupted && state === next) continue;
    const qps = setLimiterInZone(next, observed.get(zone)!.length, cfg);
    if (qps !== null) limiterQPS.set(zone, qps);
    zoneStates.set(zone, next);
  }
  result.resetProbeTimestamps = allWasFullyDisrupted;
  return result;
}

// --- taint-based eviction (pkg/controller/tainteviction/taint_eviction.go) ------------------------

/** getNoExecuteTaints. */
export function getNoExecuteTaints(taints: readonly Taint[]): Taint[] {
  return taints.filter((t) => t.effect === 'NoExecute');
}

/**
 * v1helper.GetMatchingTolerations (pkg/apis/core/v1/helper/helpers.go): for each taint, the first
 * toleration that tolerates it; allTolerated is false (and used empty) when some taint has none.
 */
export function getMatchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (match === undefined) return { allTolerated: false, used: [] };
    used.push(match);
  }
  return { allTolerated: true, used };
}

/**
 * getMinTolerationTime: the least tolerationSeconds among the tolerations, in ms; -1 when none sets it
 * (tolerated forever); 0 for an empty list, and 0 as soon as one is zero or negative (evict at once).
 */
export function getMinTolerationTime(tolerations: readonly Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined) continue;
    if (t.tolerationSeconds <= 0) return 0;
    if (t.tolerationSeconds < min) min = t.tolerationSeconds;
  }
  return min === Infinity ? -1 : min * SECOND;
}

/** An eviction the taint eviction controller has queued for a pod. */
export interface ScheduledEviction {
  createdAt: number;
  fireAt: number;
}

export type TaintEvictionDecision =
  /** Delete the pod at `fireAt` (now when some NoExecute taint is not tolerated); replaces any earlier entry. */
  | { kind: 'evict'; createdAt: number; fireAt: number }
  /** Tolerated forever, or no NoExecute taint: cancel any scheduled eviction. */
  | { kind: 'never' }
  /** An eviction scheduled in an earlier pass stands unchanged. */
  | { kind: 'keep' };

/**
 * Controller.processPodOnNode, for one pod on a node with the given taints (non-NoExecute ones are
 * ignored). A pod that does not tolerate every NoExecute taint is evicted now. Otherwise the minimum
 * tolerationSeconds over the tolerations matched (the first one per taint) sets the time; an eviction
 * already scheduled in an earlier pass is kept as it is, even if tolerations changed since (upstream
 * replaces it only when it was created at this same instant).
 */
export function processPodOnNode(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  nowMs: number,
  scheduled: ScheduledEviction | null = null,
): TaintEvictionDecision {
  const noExecute = getNoExecuteTaints(taints);
  // Upstream callers never reach processPodOnNode without NoExecute taints (handleNodeUpdate and
  // handlePodUpdate return first, cancelling); with none the pod is not evicted.
  if (noExecute.length === 0) return { kind: 'never' };
  const { allTolerated, used } = getMatchingTolerations(noExecute, tolerations);
  if (!allTolerated) return { kind: 'evict', createdAt: nowMs, fireAt: nowMs };
  const min = getMinTolerationTime(used);
  if (min < 0) return { kind: 'never' };
  if (scheduled !== null && scheduled.createdAt < nowMs) return { kind: 'keep' };
  const createdAt = scheduled?.createdAt ?? nowMs;
  return { kind: 'evict', createdAt, fireAt: createdAt + min };
}

// --- DefaultTolerationSeconds admission plugin ------------------------------------------------------

/** --default-not-ready-toleration-seconds (plugin/pkg/admission/defaulttolerationseconds/admission.go). */
export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 300;
/** --default-unreachable-toleration-seconds (same file). */
export const DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 300;

/**
 * Plugin.Admit (on pod create and update): appends `not-ready:NoExecute` and `unreachable:NoExecute`
 * tolerations (operator Exists, 300 s) unless the pod already has a toleration whose key is that key or
 * empty and whose effect is NoExecute or empty, whatever its operator and tolerationSeconds.
 */
export function admitDefaultTolerationSeconds(
  tolerations: readonly Toleration[],
  notReadySeconds = DEFAULT_NOT_READY_TOLERATION_SECONDS,
  unreachableSeconds = DEFAULT_UNREACHABLE_TOLERATION_SECONDS,
): readonly Toleration[] {
  const covers = (key: string): boolean =>
    tolerations.some((t) => (t.key === key || t.key === '') && (t.effect === 'NoExecute' || t.effect === ''));
  const out = [...tolerations];
  if (!covers(TAINT_NODE_NOT_READY)) {
    out.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: notReadySeconds });
  }
  if (!covers(TAINT_NODE_UNREACHABLE)) {
    out.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: unreachableSeconds });
  }
  return out.length === tolerations.length ? tolerations : out;
}

// --- pod garbage collection (pkg/controller/podgc/gc_controller.go) ---------------------------------

/** gcCheckPeriod: how often PodGC runs. */
export const GC_CHECK_PERIOD_MS = 20 * SECOND;
/** quarantineTime: how long a pod's node must stay missing before the pod is force-deleted. */
export const QUARANTINE_TIME_MS = 40 * SECOND;
/** --terminated-pod-gc-threshold (pkg/controller/apis/config/v1alpha1/defaults.go); 0 disables gcTerminated. */
export const TERMINATED_POD_GC_THRESHOLD = 12500;

/** isPodTerminated: any phase but Pending, Running (and Unknown, which the model has not). */
export function isPodTerminated(phase: PodPhase): boolean {
  return phase !== 'Pending' && phase !== 'Running';
}

export interface TerminatedPodInfo {
  name: string;
  createdAt: number;
  /** Evicted by the kubelet (status.reason Evicted): such pods go first. */
  evicted: boolean;
}

/**
 * gcTerminated: with more terminated pods than the threshold, the excess is force-deleted, evicted pods
 * first, then the oldest (byEvictionAndCreationTimestamp, names breaking ties). Returns the pods to delete.
 */
export function gcTerminated<P extends TerminatedPodInfo>(terminated: readonly P[], threshold = TERMINATED_POD_GC_THRESHOLD): P[] {
  const deleteCount = terminated.length - threshold;
  if (threshold <= 0 || deleteCount <= 0) return [];
  const order = (a: P, b: P): number => {
    if (a.evicted !== b.evicted) return a.evicted ? -1 : 1;
    if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
  return [...terminated].sort(order).slice(0, deleteCount);
}

/**
 * gcOrphaned: a pod bound to a node that does not exist is force-deleted (after being marked Failed) by the
 * first PodGC pass at which the node has been missing for quarantineTime, counted from the pass that first
 * saw it missing (the node name waits in a delaying queue).
 */
export function gcOrphanedDue(missingSinceMs: number, nowMs: number, quarantineMs = QUARANTINE_TIME_MS): boolean {
  return nowMs - missingSinceMs >= quarantineMs;
}

/**
 * gcTerminating: a terminating pod is force-deleted when its node is not Ready and carries the
 * node.kubernetes.io/out-of-service taint (any value or effect).
 */
export function gcTerminatingApplies(nodeReady: boolean, nodeTaints: readonly Taint[]): boolean {
  return !nodeReady && nodeTaints.some((t) => t.key === TAINT_NODE_OUT_OF_SERVICE);
}
