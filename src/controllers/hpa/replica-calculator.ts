// The HorizontalPodAutoscaler's replica calculator (pkg/controller/podautoscaler, v1.36): replica_calculator.go, the
// usage ratios of metrics/utilization.go, and horizontal.go's tolerancesForHpa and computeReplicasForMetrics.
// Functions take plain views of the pods and their samples and return a replica count or upstream's error text.
// Times are integer ms; metric values are milli-units, as Quantity.MilliValue().
// HPAConfigurableTolerance is beta and on by default in v1.36 (pkg/features/kube_features.go: beta since 1.35).
import { DEFAULT_TOLERANCE, type HorizontalPodAutoscalerBehavior } from './defaults.js';
import { int32, MAX_INT32, MIN_INT32, quo } from './go.js';

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
  /**
   * Optional: each pod's sample, in the order of `pods` (what looking the pod up by name in the metrics gives),
   * for a caller that has them at hand; the calculations then read them instead of looking each one up.
   */
  samples?: readonly (PodMetric | undefined)[];
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
    const k = podGroup(pod, metrics.get(pod.name), resource, cpuInitializationPeriod, delayOfInitialReadinessStatus, now);
    if (k === IGNORED) g.ignoredPods.add(pod.name);
    else if (k === UNREADY) g.unreadyPods.add(pod.name);
    else if (k === MISSING) g.missingPods.add(pod.name);
    else g.readyPodCount++;
  }
  return g;
}

/** getResourceReplicas' per-pod groups, reused from call to call (every entry it reads is written first). */
let groupScratch = new Uint8Array(64);

/** groupPods' groups of a pod. */
export const READY = 0;
export const IGNORED = 1;
export const UNREADY = 2;
export const MISSING = 3;

/** groupPods' verdict for one pod, given its sample (undefined: none). */
function podGroup(
  pod: HPAPodView,
  metric: PodMetric | undefined,
  resource: string,
  cpuInitializationPeriod: number,
  delayOfInitialReadinessStatus: number,
  now: number,
): number {
  const phase = pod.phase;
  if (pod.deleting || phase === 'Failed') return IGNORED;
  if (phase === 'Pending') return UNREADY;
  if (!metric) return MISSING;
  if (resource === 'cpu') {
    let unready: boolean;
    const ready = pod.ready;
    const startTime = pod.startTime;
    if (ready === undefined || startTime === undefined) {
      unready = true;
    } else {
      const transition = pod.readyTransitionTime ?? 0;
      if (startTime + cpuInitializationPeriod > now) {
        unready = ready === 'False' || (metric.timestamp ?? 0) < transition + (metric.window ?? 0);
      } else {
        unready = ready === 'False' && startTime + delayOfInitialReadinessStatus > transition;
      }
    }
    if (unready) return UNREADY;
  }
  return READY;
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
  // Upstream copies the samples, deletes the ignored and unready pods' and sums what is left against the pods'
  // requests (pods listed once each, by name). One pass over the pods gives the same sums, in pod order, and
  // finds the first pod without the request (reported only after the check for samples, as upstream).
  const pods = c.pods;
  if (pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const n = pods.length;
  const group = groupsFor(n);
  const t = newTally();
  const samples = c.samples;
  for (let i = 0; i < n; i++) {
    const pod = pods[i]!;
    const metric = samples ? samples[i] : podMetrics.get(pod.name);
    const k = podGroup(pod, metric, resource, c.cpuInitializationPeriod, c.delayOfInitialReadinessStatus, c.now);
    group[i] = k;
    const request = pod.requests?.[resource];
    if (request === undefined && t.noRequest === null) t.noRequest = pod.name;
    if (k === READY) {
      t.readyPodCount++;
      t.metricsTotal += metric!.value;
      t.requestsTotal += request ?? 0;
    } else {
      if (metric && (k === IGNORED || k === UNREADY)) t.dropped++;
      if (k === UNREADY) t.unready++;
      else if (k === MISSING) t.missing++;
    }
  }
  return finishResourceReplicas(
    t,
    group,
    n,
    (i) => pods[i]!.requests![resource]!,
    podMetrics.size,
    currentReplicas,
    targetUtilization,
    resource,
    tolerances,
  );
}

/** getResourceReplicas' first pass: the counts of each group of pods, and the sums over the ready ones. */
export interface ResourceTally {
  readyPodCount: number;
  unready: number;
  missing: number;
  /** Samples of ignored or unready pods (deleted from the copy upstream). */
  dropped: number;
  /** The first pod without a request for the resource. */
  noRequest: string | null;
  metricsTotal: number;
  requestsTotal: number;
}

export function newTally(): ResourceTally {
  return { readyPodCount: 0, unready: 0, missing: 0, dropped: 0, noRequest: null, metricsTotal: 0, requestsTotal: 0 };
}

/** Scratch for the group of each of n pods (reused from call to call: every entry read is written first). */
export function groupsFor(n: number): Uint8Array {
  if (groupScratch.length < n) groupScratch = new Uint8Array(Math.max(n, groupScratch.length * 2));
  return groupScratch;
}

/**
 * The rest of getResourceReplicas after the first pass: `group` holds each pod's group, `requestAt(i)` the i-th
 * pod's request (read only for missing and unready pods, which all have one once the check for it passed), and
 * `metricsSize` the number of samples.
 */
export function finishResourceReplicas(
  t: ResourceTally,
  group: Uint8Array,
  n: number,
  requestAt: (i: number) => number,
  metricsSize: number,
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  tolerances: Tolerances,
): ResourceReplicas | ReplicaCalcError {
  // Samples of pods the selector did not list stay in the copy (they count in its size, not in the sums).
  const size = metricsSize - t.dropped;
  if (size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  if (t.noRequest !== null) return { error: `missing request for ${resource} in Pod ${t.noRequest}` };
  let { metricsTotal, requestsTotal } = t;
  if (requestsTotal === 0) return { error: 'no metrics returned matched known pods' };
  const utilization = Math.min(MAX_INT32, Math.max(MIN_INT32, quo(metricsTotal * 100, requestsTotal)));
  const usageRatio = utilization / targetUtilization;
  const rawUtilization = quo(metricsTotal, t.readyPodCount);

  const scaleUpWithUnready = t.unready > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && t.missing === 0) {
    if (isWithin(tolerances, usageRatio)) return { replicas: currentReplicas, utilization, rawUtilization };
    return { replicas: int32(Math.ceil(usageRatio * t.readyPodCount)), utilization, rawUtilization };
  }
  let entries = size;
  if (t.missing > 0 && usageRatio !== 1.0) {
    const fallbackUtilization = Math.max(100, targetUtilization);
    for (let i = 0; i < n; i++) {
      if (group[i] !== MISSING) continue;
      const request = requestAt(i);
      if (usageRatio < 1.0) metricsTotal += quo(request * fallbackUtilization, 100);
      requestsTotal += request;
      entries++;
    }
  }
  if (scaleUpWithUnready) {
    for (let i = 0; i < n; i++) {
      if (group[i] !== UNREADY) continue;
      requestsTotal += requestAt(i);
      entries++;
    }
  }
  if (requestsTotal === 0) return { error: 'no metrics returned matched known pods' };
  const newUtilization = Math.min(MAX_INT32, Math.max(MIN_INT32, quo(metricsTotal * 100, requestsTotal)));
  return {
    replicas: rebalancedReplicas(currentReplicas, usageRatio, newUtilization / targetUtilization, entries, tolerances),
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
