// The HPA's Object and External metric calculations (pkg/controller/podautoscaler/replica_calculator.go, v1.36):
// GetObjectMetricReplicas, GetObjectPerPodMetricReplicas, GetExternalMetricReplicas and
// GetExternalPerPodMetricReplicas, with getUsageRatioReplicaCount and getReadyPodsCount. Resource and Pods metrics
// are in replica-calculator.ts.
import { int32, MAX_INT32 } from './go.js';
import {
  isReplicaCalcError,
  isWithin,
  type HPAPodView,
  type MetricReplicas,
  type ReplicaCalcError,
  type ReplicaCalculator,
  type Tolerances,
} from './replica-calculator.js';

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
