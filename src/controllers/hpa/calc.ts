// Pure arithmetic of the HorizontalPodAutoscaler controller (pkg/controller/podautoscaler, v1.36):
// replica_calculator.go, metrics/utilization.go and horizontal.go, plus the behavior defaults of
// pkg/apis/autoscaling/v2/defaults.go and the controller flags of config/v1alpha1/defaults.go.
// Functions take plain views and the controller's remembered state (recommendations, scale events) and return the
// new state instead of mutating it. Times are integer ms; metric values are milli-units, as Quantity.MilliValue().
// HPAConfigurableTolerance is beta and on by default in v1.36 (pkg/features/kube_features.go: beta since 1.35).

// --- Controller flags (pkg/controller/podautoscaler/config/v1alpha1/defaults.go) ---

/** --horizontal-pod-autoscaler-tolerance. */
export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-sync-period. */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS = 300_000;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 300_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const DEFAULT_INITIAL_READINESS_DELAY_MS = 30_000;
/** pkg/apis/autoscaling DefaultCPUUtilization: the target of an HPA without metrics. */
export const DEFAULT_CPU_UTILIZATION = 80;
/** horizontal.go scaleUpLimitFactor and scaleUpLimitMinimum (the path without spec.behavior). */
export const SCALE_UP_LIMIT_FACTOR = 2;
export const SCALE_UP_LIMIT_MINIMUM = 4;

const MAX_INT32 = 2147483647;
const MIN_INT32 = -2147483648;

/** Go's int64 division: truncates toward zero (exact for safe integers). */
function quo(a: number, b: number): number {
  return (a - (a % b)) / b + 0;
}

/** Go's int32(f) of a float64 in range: truncates toward zero. */
function int32(f: number): number {
  return Math.trunc(f) + 0;
}

// --- Views ---

export type ConditionStatus = 'True' | 'False' | 'Unknown';
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** The pod fields the replica calculator reads. */
export interface HPAPodView {
  name: string;
  phase: PodPhase;
  /** metadata.deletionTimestamp is set. */
  deleting?: boolean;
  /** status.startTime (ms); absent until the kubelet has accepted the pod. */
  startTime?: number;
  /** Status of the Ready condition; absent when the pod has none. */
  ready?: ConditionStatus;
  /** lastTransitionTime of the Ready condition (ms; absent: 0, Go's zero time). */
  readyTransitionTime?: number;
  /**
   * Requests by resource name ("cpu", "memory"), in milli-units: the sum over the containers and restartable init
   * containers (or the pod-level request, or one container's for a ContainerResource metric). A resource missing
   * here is a missing request.
   */
  requests?: Readonly<Record<string, number>>;
}

/** metricsclient.PodMetric: one pod's sample. A pod without an entry in the map has no metric. */
export interface PodMetric {
  value: number;
  /** Sample time (ms; absent: 0). */
  timestamp?: number;
  /** Sample window (ms; absent: 0). */
  window?: number;
}

/** metricsclient.PodMetricsInfo: pod name to sample. */
export type PodMetricsInfo = ReadonlyMap<string, PodMetric>;

/** What a ReplicaCalculator reads besides the metric: the pods the target's selector lists, the clock and its flags. */
export interface ReplicaCalculator {
  pods: readonly HPAPodView[];
  now: number;
  /** ms; the controller default is DEFAULT_CPU_INITIALIZATION_PERIOD_MS. */
  cpuInitializationPeriod: number;
  /** ms; the controller default is DEFAULT_INITIAL_READINESS_DELAY_MS. */
  delayOfInitialReadinessStatus: number;
}

/** A replica calculation that failed; upstream's error text. */
export interface ReplicaCalcError {
  error: string;
}

/** GetResourceReplicas' result: utilization in percent of request, rawUtilization the average usage per pod. */
export interface ResourceReplicas {
  replicas: number;
  utilization: number;
  rawUtilization: number;
}

/** The result of the plain, object and external calculations: usage as the status reports it. */
export interface MetricReplicas {
  replicas: number;
  usage: number;
}

/** Narrows a calculator result. */
export function isReplicaCalcError<T>(r: T | ReplicaCalcError): r is ReplicaCalcError {
  return typeof r === 'object' && r !== null && 'error' in r;
}

// --- Tolerances (replica_calculator.go, horizontal.go) ---

/** replica_calculator.go Tolerances. */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

/** Tolerances.isWithin: 1 - scaleDown <= ratio <= 1 + scaleUp. */
export function isWithin(t: Tolerances, usageRatio: number): boolean {
  return 1.0 - t.scaleDown <= usageRatio && usageRatio <= 1.0 + t.scaleUp;
}

/**
 * horizontal.go tolerancesForHpa: the controller's tolerance in both directions, overridden by
 * spec.behavior.scaleUp/scaleDown.tolerance when the HPAConfigurableTolerance gate is on (the v1.36 default).
 */
export function tolerancesForHpa(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
  tolerance = DEFAULT_TOLERANCE,
  configurableToleranceEnabled = true,
): Tolerances {
  const t = { scaleDown: tolerance, scaleUp: tolerance };
  if (!behavior || !configurableToleranceEnabled) return t;
  if (behavior.scaleDown?.tolerance !== undefined) t.scaleDown = behavior.scaleDown.tolerance;
  if (behavior.scaleUp?.tolerance !== undefined) t.scaleUp = behavior.scaleUp.tolerance;
  return t;
}

// --- Grouping pods (replica_calculator.go groupPods) ---

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

/**
 * replica_calculator.go groupPods. Deleting or Failed pods are ignored; Pending pods are unready; pods without a
 * sample are missing. For cpu only, a pod is also unready when it has no Ready condition or start time; within the
 * CPU initialization period when it is not Ready or its sample began before the last readiness transition; after it
 * when it is not Ready and has never been (the transition within delayOfInitialReadinessStatus of the start).
 */
export function groupPods(
  pods: readonly HPAPodView[],
  metrics: PodMetricsInfo,
  resource: string,
  cpuInitializationPeriod: number,
  delayOfInitialReadinessStatus: number,
  now: number,
): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed') {
      g.ignoredPods.add(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      g.unreadyPods.add(pod.name);
      continue;
    }
    const metric = metrics.get(pod.name);
    if (!metric) {
      g.missingPods.add(pod.name);
      continue;
    }
    if (resource === 'cpu') {
      let unready: boolean;
      if (pod.ready === undefined || pod.startTime === undefined) {
        unready = true;
      } else {
        const transition = pod.readyTransitionTime ?? 0;
        if (pod.startTime + cpuInitializationPeriod > now) {
          unready = pod.ready === 'False' || (metric.timestamp ?? 0) < transition + (metric.window ?? 0);
        } else {
          unready = pod.ready === 'False' && pod.startTime + delayOfInitialReadinessStatus > transition;
        }
      }
      if (unready) {
        g.unreadyPods.add(pod.name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculateRequests: each pod's request for the resource, or upstream's missing-request error. */
export function calculateRequests(pods: readonly HPAPodView[], resource: string): Map<string, number> | ReplicaCalcError {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const r = pod.requests?.[resource];
    if (r === undefined) return { error: `missing request for ${resource} in Pod ${pod.name}` };
    requests.set(pod.name, r);
  }
  return requests;
}

// --- Usage ratios (metrics/utilization.go) ---

/**
 * utilization.go GetResourceUtilizationRatio: utilization = int(sum usage * 100 / sum requests) over the pods that
 * have both; the ratio is utilization / target; rawUtilization the average usage of those pods.
 */
export function getResourceUtilizationRatio(
  metrics: PodMetricsInfo,
  requests: ReadonlyMap<string, number>,
  targetUtilization: number,
): { usageRatio: number; utilization: number; rawUtilization: number } | ReplicaCalcError {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let numEntries = 0;
  for (const [podName, metric] of metrics) {
    const request = requests.get(podName);
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    numEntries++;
  }
  if (requestsTotal === 0) return { error: 'no metrics returned matched known pods' };
  const utilization = Math.min(MAX_INT32, Math.max(MIN_INT32, quo(metricsTotal * 100, requestsTotal)));
  return { usageRatio: utilization / targetUtilization, utilization, rawUtilization: quo(metricsTotal, numEntries) };
}

/** utilization.go GetMetricUsageRatio: usage = int(average sample); the ratio is usage / target. */
export function getMetricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { usageRatio: number; usage: number } {
  let metricsTotal = 0;
  for (const metric of metrics.values()) metricsTotal += metric.value;
  const usage = quo(metricsTotal, metrics.size);
  return { usageRatio: usage / targetUsage, usage };
}

// --- Replica calculator (replica_calculator.go) ---

/**
 * Whether the ratio recomputed with assumed values keeps the direction of the first one and leaves the tolerance;
 * otherwise, or when the number of pods counted turns the direction, the current count stays.
 */
function rebalancedReplicas(
  currentReplicas: number,
  usageRatio: number,
  newUsageRatio: number,
  metricsCount: number,
  tolerances: Tolerances,
): number {
  if (isWithin(tolerances, newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    return currentReplicas;
  }
  const newReplicas = int32(Math.ceil(newUsageRatio * metricsCount));
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    return currentReplicas;
  }
  return newReplicas;
}

/**
 * replica_calculator.go GetResourceReplicas: replicas for a target utilization (percent of request). Ignored and
 * unready pods are dropped; with none unready (on a scale-up) or missing, ceil(ratio * ready pods) unless within
 * tolerance. Otherwise missing pods count as max(100%, target) of their request on a scale-down and 0 on a scale-up,
 * unready pods as 0 on a scale-up, and the recomputed ratio must keep the direction and leave the tolerance.
 */
export function getResourceReplicas(
  c: ReplicaCalculator,
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  tolerances: Tolerances,
  podMetrics: PodMetricsInfo,
): ResourceReplicas | ReplicaCalcError {
  if (c.pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const metrics = new Map(podMetrics);
  const g = groupPods(c.pods, metrics, resource, c.cpuInitializationPeriod, c.delayOfInitialReadinessStatus, c.now);
  for (const name of g.ignoredPods) metrics.delete(name);
  for (const name of g.unreadyPods) metrics.delete(name);
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const requests = calculateRequests(c.pods, resource);
  if (isReplicaCalcError(requests)) return requests;

  const first = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  if (isReplicaCalcError(first)) return first;
  const { usageRatio, utilization, rawUtilization } = first;

  const scaleUpWithUnready = g.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && g.missingPods.size === 0) {
    if (isWithin(tolerances, usageRatio)) return { replicas: currentReplicas, utilization, rawUtilization };
    return { replicas: int32(Math.ceil(usageRatio * g.readyPodCount)), utilization, rawUtilization };
  }
  if (g.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      const fallbackUtilization = Math.max(100, targetUtilization);
      for (const name of g.missingPods) metrics.set(name, { value: quo(requests.get(name)! * fallbackUtilization, 100) });
    } else if (usageRatio > 1.0) {
      for (const name of g.missingPods) metrics.set(name, { value: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of g.unreadyPods) metrics.set(name, { value: 0 });

  const second = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  if (isReplicaCalcError(second)) return second;
  return {
    replicas: rebalancedReplicas(currentReplicas, usageRatio, second.usageRatio, metrics.size, tolerances),
    utilization,
    rawUtilization,
  };
}

/**
 * replica_calculator.go calcPlainMetricReplicas: as getResourceReplicas for an average value per pod, where a missing
 * pod counts as exactly the target on a scale-down. resource is "" for a Pods metric (no CPU readiness rules).
 */
export function calcPlainMetricReplicas(
  c: ReplicaCalculator,
  podMetrics: PodMetricsInfo,
  currentReplicas: number,
  targetUsage: number,
  tolerances: Tolerances,
  resource: string,
): MetricReplicas | ReplicaCalcError {
  if (c.pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const metrics = new Map(podMetrics);
  const g = groupPods(c.pods, metrics, resource, c.cpuInitializationPeriod, c.delayOfInitialReadinessStatus, c.now);
  for (const name of g.ignoredPods) metrics.delete(name);
  for (const name of g.unreadyPods) metrics.delete(name);
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };

  const { usageRatio, usage } = getMetricUsageRatio(metrics, targetUsage);
  const scaleUpWithUnready = g.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && g.missingPods.size === 0) {
    if (isWithin(tolerances, usageRatio)) return { replicas: currentReplicas, usage };
    return { replicas: int32(Math.ceil(usageRatio * g.readyPodCount)), usage };
  }
  if (g.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      for (const name of g.missingPods) metrics.set(name, { value: targetUsage });
    } else if (usageRatio > 1.0) {
      for (const name of g.missingPods) metrics.set(name, { value: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of g.unreadyPods) metrics.set(name, { value: 0 });

  const { usageRatio: newUsageRatio } = getMetricUsageRatio(metrics, targetUsage);
  return { replicas: rebalancedReplicas(currentReplicas, usageRatio, newUsageRatio, metrics.size, tolerances), usage };
}

/** replica_calculator.go GetRawResourceReplicas: a Resource metric with an AverageValue target. */
export function getRawResourceReplicas(
  c: ReplicaCalculator,
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  tolerances: Tolerances,
  metrics: PodMetricsInfo,
): MetricReplicas | ReplicaCalcError {
  return calcPlainMetricReplicas(c, metrics, currentReplicas, targetUsage, tolerances, resource);
}

/** replica_calculator.go GetMetricReplicas: a Pods metric (AverageValue target). */
export function getMetricReplicas(
  c: ReplicaCalculator,
  currentReplicas: number,
  targetUsage: number,
  tolerances: Tolerances,
  metrics: PodMetricsInfo,
): MetricReplicas | ReplicaCalcError {
  return calcPlainMetricReplicas(c, metrics, currentReplicas, targetUsage, tolerances, '');
}

/** replica_calculator.go getReadyPodsCount: Running pods whose Ready condition is True. */
export function getReadyPodsCount(pods: readonly HPAPodView[]): number | ReplicaCalcError {
  if (pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  let n = 0;
  for (const pod of pods) if (pod.phase === 'Running' && pod.ready === 'True') n++;
  return n;
}

/**
 * replica_calculator.go getUsageRatioReplicaCount: ceil(ratio * ready pods) outside the tolerance (capped at
 * MaxInt32); with currentReplicas 0 (scale to zero), ceil(ratio) without tolerance or pods.
 */
export function getUsageRatioReplicaCount(
  c: ReplicaCalculator,
  currentReplicas: number,
  usageRatio: number,
  tolerances: Tolerances,
): number | ReplicaCalcError {
  if (currentReplicas === 0) return int32(Math.ceil(usageRatio));
  if (isWithin(tolerances, usageRatio)) return currentReplicas;
  const ready = getReadyPodsCount(c.pods);
  if (isReplicaCalcError(ready)) return { error: `unable to calculate ready pods: ${ready.error}` };
  const replicas = usageRatio * ready;
  return replicas > MAX_INT32 ? MAX_INT32 : int32(Math.ceil(replicas));
}

/** replica_calculator.go GetObjectMetricReplicas: an Object metric with a Value target; usage is the object's value. */
export function getObjectMetricReplicas(
  c: ReplicaCalculator,
  currentReplicas: number,
  targetUsage: number,
  tolerances: Tolerances,
  usage: number,
): MetricReplicas | ReplicaCalcError {
  const replicas = getUsageRatioReplicaCount(c, currentReplicas, usage / targetUsage, tolerances);
  if (isReplicaCalcError(replicas)) return replicas;
  return { replicas, usage };
}

/**
 * replica_calculator.go GetObjectPerPodMetricReplicas: an Object metric with an AverageValue target, against
 * status.replicas: ceil(usage / target) outside the tolerance; the reported usage is per replica, rounded up.
 */
export function getObjectPerPodMetricReplicas(
  statusReplicas: number,
  targetAverageUsage: number,
  tolerances: Tolerances,
  usage: number,
): MetricReplicas {
  let replicas = statusReplicas;
  const usageRatio = usage / (targetAverageUsage * replicas);
  if (!isWithin(tolerances, usageRatio)) replicas = int32(Math.ceil(usage / targetAverageUsage));
  return { replicas, usage: Math.ceil(usage / statusReplicas) };
}

/** replica_calculator.go GetExternalMetricReplicas: an External metric with a Value target; the samples are summed. */
export function getExternalMetricReplicas(
  c: ReplicaCalculator,
  currentReplicas: number,
  targetUsage: number,
  tolerances: Tolerances,
  values: readonly number[],
): MetricReplicas | ReplicaCalcError {
  let usage = 0;
  for (const v of values) usage += v;
  const replicas = getUsageRatioReplicaCount(c, currentReplicas, usage / targetUsage, tolerances);
  if (isReplicaCalcError(replicas)) return replicas;
  return { replicas, usage };
}

/**
 * replica_calculator.go GetExternalPerPodMetricReplicas: an External metric with an AverageValue target, against
 * status.replicas; the summed samples give ceil(sum / target) outside the tolerance, capped at MaxInt32.
 */
export function getExternalPerPodMetricReplicas(
  statusReplicas: number,
  targetUsagePerPod: number,
  tolerances: Tolerances,
  values: readonly number[],
): MetricReplicas {
  let usage = 0;
  for (const v of values) usage += v;
  let replicas = statusReplicas;
  const usageRatio = usage / (targetUsagePerPod * replicas);
  if (!isWithin(tolerances, usageRatio)) replicas = Math.min(MAX_INT32, Math.ceil(usage / targetUsagePerPod));
  return { replicas, usage: Math.ceil(usage / statusReplicas) };
}

/** One metric's proposal for computeReplicasForMetrics: a replica count, or the error computing it. */
export type MetricProposal = { replicas: number; metric: string } | ReplicaCalcError;

/**
 * horizontal.go computeReplicasForMetrics: the highest proposal over the metrics (in spec order, the first of equal
 * ones). replicas is -1 with the first error when every metric failed, or some failed and the rest would scale
 * below specReplicas; otherwise the first error, if any, is reported alongside (the HPA still scales).
 */
export function computeReplicasForMetrics(
  specReplicas: number,
  proposals: readonly MetricProposal[],
): { replicas: number; metric: string; error?: string } {
  let replicas = 0;
  let metric = '';
  let invalid = 0;
  let firstError: string | undefined;
  for (const p of proposals) {
    if (isReplicaCalcError(p)) {
      if (invalid === 0) firstError = p.error;
      invalid++;
      continue;
    }
    if (replicas === 0 || p.replicas > replicas) {
      replicas = p.replicas;
      metric = p.metric;
    }
  }
  const error =
    firstError === undefined ? undefined : `invalid metrics (${invalid} invalid out of ${proposals.length}), first error is: ${firstError}`;
  if (invalid >= proposals.length || (invalid > 0 && replicas < specReplicas)) return { replicas: -1, metric: '', error };
  return error === undefined ? { replicas, metric } : { replicas, metric, error };
}

// --- autoscaling/v2 behavior and its defaults (pkg/apis/autoscaling/v2/defaults.go) ---

export type HPAScalingPolicyType = 'Pods' | 'Percent';
export type ScalingPolicySelect = 'Max' | 'Min' | 'Disabled';

export interface HPAScalingPolicy {
  type: HPAScalingPolicyType;
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules; tolerance is the Quantity as a number (0.05 for "50m"). */
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: ScalingPolicySelect;
  policies?: readonly HPAScalingPolicy[];
  tolerance?: number;
}

/** autoscaling/v2 HorizontalPodAutoscalerBehavior. */
export interface HorizontalPodAutoscalerBehavior {
  scaleUp?: HPAScalingRules;
  scaleDown?: HPAScalingRules;
}

function copyHPAScalingRules(from: HPAScalingRules | undefined, to: HPAScalingRules): HPAScalingRules {
  if (!from) return to;
  const out = { ...to };
  if (from.selectPolicy !== undefined) out.selectPolicy = from.selectPolicy;
  if (from.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = from.stabilizationWindowSeconds;
  if (from.policies !== undefined) out.policies = from.policies;
  if (from.tolerance !== undefined) out.tolerance = from.tolerance;
  return out;
}

/** defaults.go GenerateHPAScaleUpRules: unset fields from stabilization 0, Max of 4 pods and 100% per 15 s. */
export function generateHPAScaleUpRules(rules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(rules, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  });
}

/**
 * defaults.go GenerateHPAScaleDownRules: unset fields from Max of 100% per 15 s. The stabilization window stays
 * unset; the controller fills it with its --horizontal-pod-autoscaler-downscale-stabilization (300 s).
 */
export function generateHPAScaleDownRules(rules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(rules, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
}

/**
 * defaults.go SetDefaults_HorizontalPodAutoscalerBehavior: a behavior that is set gets both directions filled in;
 * an unset behavior stays unset (the controller then takes the path without behavior).
 */
export function setDefaultsHorizontalPodAutoscalerBehavior(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
): HorizontalPodAutoscalerBehavior | undefined {
  if (!behavior) return undefined;
  return { scaleUp: generateHPAScaleUpRules(behavior.scaleUp), scaleDown: generateHPAScaleDownRules(behavior.scaleDown) };
}

// --- Normalization (horizontal.go) ---

/** horizontal.go timestampedRecommendation: an unstabilized recommendation and when it was made. */
export interface TimestampedRecommendation {
  recommendation: number;
  timestamp: number;
}

/** horizontal.go timestampedScaleEvent: a scaling by replicaChange (non-negative); outdated entries are reused. */
export interface TimestampedScaleEvent {
  replicaChange: number;
  timestamp: number;
  outdated: boolean;
}

/** An HPA condition as normalization sets it. */
export interface HPAConditionUpdate {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The result of a normalization: the replicas to set, the new recommendation log and the two conditions. */
export interface NormalizedReplicas {
  desiredReplicas: number;
  recommendations: TimestampedRecommendation[];
  /** AbleToScale (always True here). */
  ableToScale: HPAConditionUpdate;
  /** ScalingLimited: True when the stabilized recommendation was changed. */
  scalingLimited: HPAConditionUpdate;
}

const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const SCALE_UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const SCALE_DOWN_LIMIT = {
  reason: 'ScaleDownLimit',
  message: 'the desired replica count is decreasing faster than the maximum scale rate',
};
const READY_FOR_NEW_SCALE = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const SCALE_DOWN_STABILIZED = {
  reason: 'ScaleDownStabilized',
  message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
};
const SCALE_UP_STABILIZED = {
  reason: 'ScaleUpStabilized',
  message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
};

/** horizontal.go recordInitialRecommendation: an HPA's log starts with the current replicas. */
export function recordInitialRecommendation(
  currentReplicas: number,
  recommendations: readonly TimestampedRecommendation[] | undefined,
  now: number,
): TimestampedRecommendation[] {
  if (recommendations && recommendations.length > 0) return [...recommendations];
  return [{ recommendation: currentReplicas, timestamp: now }];
}

/** Records a recommendation in place of the last outdated one (oldIndex), or appends it. */
function recordRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  oldIndex: number,
  recommendation: number,
  now: number,
): TimestampedRecommendation[] {
  const out = [...recommendations];
  const entry = { recommendation, timestamp: now };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return out;
}

/**
 * horizontal.go stabilizeRecommendation (no behavior): the highest recommendation of the last
 * downscaleStabilisationWindow, this one included; the new one replaces the last outdated entry or is appended.
 */
export function stabilizeRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  prenormalizedDesiredReplicas: number,
  downscaleStabilisationWindow: number,
  now: number,
): { recommendation: number; recommendations: TimestampedRecommendation[] } {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldIndex = -1;
  const cutoff = now - downscaleStabilisationWindow;
  recommendations.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
  });
  return {
    recommendation: maxRecommendation,
    recommendations: recordRecommendation(recommendations, oldIndex, prenormalizedDesiredReplicas, now),
  };
}

/** horizontal.go calculateScaleUpLimit: max(2 * current, 4). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return int32(Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/** horizontal.go convertDesiredReplicasWithRules: clamps to [minReplicas, min(maxReplicas, calculateScaleUpLimit)]. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  hpaMinReplicas: number,
  hpaMaxReplicas: number,
): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  const [maximumAllowedReplicas, limit] = hpaMaxReplicas > scaleUpLimit ? [scaleUpLimit, SCALE_UP_LIMIT] : [hpaMaxReplicas, TOO_MANY];
  if (desiredReplicas < hpaMinReplicas) return { replicas: hpaMinReplicas, ...TOO_FEW };
  if (desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, ...limit };
  return { replicas: desiredReplicas, ...WITHIN_RANGE };
}

/**
 * horizontal.go normalizeDesiredReplicas (an HPA without spec.behavior): stabilizeRecommendation, then
 * convertDesiredReplicasWithRules.
 */
export function normalizeDesiredReplicas(
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  recommendations: readonly TimestampedRecommendation[],
  now: number,
  downscaleStabilisationWindow = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
): NormalizedReplicas {
  const stabilized = stabilizeRecommendation(recommendations, prenormalizedDesiredReplicas, downscaleStabilisationWindow, now);
  const able = stabilized.recommendation !== prenormalizedDesiredReplicas ? SCALE_DOWN_STABILIZED : READY_FOR_NEW_SCALE;
  const converted = convertDesiredReplicasWithRules(currentReplicas, stabilized.recommendation, minReplicas, maxReplicas);
  return {
    desiredReplicas: converted.replicas,
    recommendations: stabilized.recommendations,
    ableToScale: { status: 'True', ...able },
    scalingLimited: {
      status: converted.replicas === stabilized.recommendation ? 'False' : 'True',
      reason: converted.reason,
      message: converted.message,
    },
  };
}

/** horizontal.go NormalizationArg, with the scaling rules already defaulted. */
export interface NormalizationArg {
  scaleUpBehavior: HPAScalingRules;
  scaleDownBehavior: HPAScalingRules;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
}

/**
 * horizontal.go stabilizeRecommendationWithBehaviors: the current replicas brought within [lowest recommendation
 * of the scale-up window, highest of the scale-down window], this one included. The new recommendation replaces
 * the last entry outside both windows or is appended.
 */
export function stabilizeRecommendationWithBehaviors(
  args: NormalizationArg,
  recommendations: readonly TimestampedRecommendation[],
  now: number,
): { recommendation: number; reason: string; message: string; recommendations: TimestampedRecommendation[] } {
  let upRecommendation = args.desiredReplicas;
  const upCutoff = now - (args.scaleUpBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let downRecommendation = args.desiredReplicas;
  const downCutoff = now - (args.scaleDownBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let oldIndex = -1;
  recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (rec.timestamp > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  let recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;
  const why = args.desiredReplicas >= args.currentReplicas ? SCALE_UP_STABILIZED : SCALE_DOWN_STABILIZED;
  return { recommendation, ...why, recommendations: recordRecommendation(recommendations, oldIndex, args.desiredReplicas, now) };
}

/** horizontal.go getReplicasChangePerPeriod: the replicas changed by events within the last periodSeconds. */
export function getReplicasChangePerPeriod(periodSeconds: number, scaleEvents: readonly TimestampedScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let replicas = 0;
  for (const e of scaleEvents) if (e.timestamp > cutoff) replicas += e.replicaChange;
  return replicas;
}

/** The count at the start of a policy's period: current, less what was added, plus what was removed within it. */
function periodStartReplicas(
  currentReplicas: number,
  periodSeconds: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now: number,
): number {
  return (
    currentReplicas -
    getReplicasChangePerPeriod(periodSeconds, scaleUpEvents, now) +
    getReplicasChangePerPeriod(periodSeconds, scaleDownEvents, now)
  );
}

/**
 * horizontal.go calculateScaleUpLimitWithScalingRules: per policy, the count at the start of its period plus
 * value pods or value percent (rounded up); selectPolicy Max takes the highest, Min the lowest; Disabled: current.
 */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now: number,
): number {
  if (scalingRules.selectPolicy === 'Disabled') return currentReplicas;
  const useMin = scalingRules.selectPolicy === 'Min';
  let result = useMin ? MAX_INT32 : MIN_INT32;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now);
    let proposed = 0;
    if (policy.type === 'Pods') proposed = start + policy.value;
    else if (policy.type === 'Percent') proposed = int32(Math.ceil(start * (1 + policy.value / 100)));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/**
 * horizontal.go calculateScaleDownLimitWithBehaviors: per policy, the count at the start of its period less value
 * pods or value percent (rounded toward zero); selectPolicy Max takes the lowest, Min the highest; Disabled: current.
 */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now: number,
): number {
  if (scalingRules.selectPolicy === 'Disabled') return currentReplicas;
  const useMax = scalingRules.selectPolicy === 'Min';
  let result = useMax ? MIN_INT32 : MAX_INT32;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now);
    let proposed = 0;
    if (policy.type === 'Pods') proposed = start - policy.value;
    else if (policy.type === 'Percent') proposed = int32(start * (1 - policy.value / 100));
    result = useMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/**
 * horizontal.go convertDesiredReplicasWithBehaviorRate: a scale-up is held to min(maxReplicas, the scale-up limit,
 * never below current); a scale-down to max(minReplicas, the scale-down limit, never above current).
 */
export function convertDesiredReplicasWithBehaviorRate(
  args: NormalizationArg,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now: number,
): { replicas: number; reason: string; message: string } {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleUpBehavior,
      now,
    );
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    const [maximumAllowed, limit] = args.maxReplicas > scaleUpLimit ? [scaleUpLimit, SCALE_UP_LIMIT] : [args.maxReplicas, TOO_MANY];
    if (args.desiredReplicas > maximumAllowed) return { replicas: maximumAllowed, ...limit };
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleDownBehavior,
      now,
    );
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    const [minimumAllowed, limit] = args.minReplicas < scaleDownLimit ? [scaleDownLimit, SCALE_DOWN_LIMIT] : [args.minReplicas, TOO_FEW];
    if (args.desiredReplicas < minimumAllowed) return { replicas: minimumAllowed, ...limit };
  }
  return { replicas: args.desiredReplicas, ...WITHIN_RANGE };
}

/** The per-HPA memory of the behavior path: recommendation log and scale events. */
export interface BehaviorState {
  recommendations: readonly TimestampedRecommendation[];
  scaleUpEvents: readonly TimestampedScaleEvent[];
  scaleDownEvents: readonly TimestampedScaleEvent[];
}

/**
 * horizontal.go normalizeDesiredReplicasWithBehaviors (an HPA with spec.behavior): defaults the rules (an unset
 * scale-down window becomes downscaleStabilisationWindow, as maybeInitScaleDownStabilizationWindow), stabilizes
 * with stabilizeRecommendationWithBehaviors, then limits the rate with convertDesiredReplicasWithBehaviorRate.
 */
export function normalizeDesiredReplicasWithBehaviors(
  behavior: HorizontalPodAutoscalerBehavior,
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  state: BehaviorState,
  now: number,
  downscaleStabilisationWindow = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
): NormalizedReplicas {
  const scaleDownBehavior = generateHPAScaleDownRules(behavior.scaleDown);
  if (scaleDownBehavior.stabilizationWindowSeconds === undefined) {
    scaleDownBehavior.stabilizationWindowSeconds = int32(downscaleStabilisationWindow / 1000);
  }
  const args: NormalizationArg = {
    scaleUpBehavior: generateHPAScaleUpRules(behavior.scaleUp),
    scaleDownBehavior,
    minReplicas,
    maxReplicas,
    currentReplicas,
    desiredReplicas: prenormalizedDesiredReplicas,
  };
  const stabilized = stabilizeRecommendationWithBehaviors(args, state.recommendations, now);
  const able = stabilized.recommendation !== prenormalizedDesiredReplicas ? stabilized : READY_FOR_NEW_SCALE;
  args.desiredReplicas = stabilized.recommendation;
  const converted = convertDesiredReplicasWithBehaviorRate(args, state.scaleUpEvents, state.scaleDownEvents, now);
  return {
    desiredReplicas: converted.replicas,
    recommendations: stabilized.recommendations,
    ableToScale: { status: 'True', reason: able.reason, message: able.message },
    scalingLimited: {
      status: converted.replicas === stabilized.recommendation ? 'False' : 'True',
      reason: converted.reason,
      message: converted.message,
    },
  };
}

/** horizontal.go getLongestPolicyPeriod. */
export function getLongestPolicyPeriod(scalingRules: HPAScalingRules): number {
  let longest = 0;
  for (const p of scalingRules.policies ?? []) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/** horizontal.go markScaleEventsOutdated: events older than the longest policy period, as a new array. */
export function markScaleEventsOutdated(
  scaleEvents: readonly TimestampedScaleEvent[],
  longestPolicyPeriod: number,
  now: number,
): TimestampedScaleEvent[] {
  const cutoff = now - longestPolicyPeriod * 1000;
  return scaleEvents.map((e) => (e.timestamp < cutoff ? { ...e, outdated: true } : e));
}

function storeInto(
  events: readonly TimestampedScaleEvent[],
  rules: HPAScalingRules,
  replicaChange: number,
  now: number,
): TimestampedScaleEvent[] {
  const out = markScaleEventsOutdated(events, getLongestPolicyPeriod(rules), now);
  let oldIndex = -1;
  out.forEach((e, i) => {
    if (e.outdated) oldIndex = i;
  });
  const entry = { replicaChange, timestamp: now, outdated: false };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return out;
}

/**
 * horizontal.go storeScaleEvent, after a rescale: with a behavior, the change is recorded as a scale-up or
 * scale-down event in place of the last outdated one (or appended); without, nothing is kept.
 */
export function storeScaleEvent(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  prevReplicas: number,
  newReplicas: number,
  now: number,
): { scaleUpEvents: TimestampedScaleEvent[]; scaleDownEvents: TimestampedScaleEvent[] } {
  if (!behavior) return { scaleUpEvents: [...scaleUpEvents], scaleDownEvents: [...scaleDownEvents] };
  if (newReplicas > prevReplicas) {
    const rules = generateHPAScaleUpRules(behavior.scaleUp);
    return { scaleUpEvents: storeInto(scaleUpEvents, rules, newReplicas - prevReplicas, now), scaleDownEvents: [...scaleDownEvents] };
  }
  const rules = generateHPAScaleDownRules(behavior.scaleDown);
  return { scaleUpEvents: [...scaleUpEvents], scaleDownEvents: storeInto(scaleDownEvents, rules, prevReplicas - newReplicas, now) };
}
