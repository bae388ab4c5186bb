// Pure rules of the StatefulSet controller's updates (pkg/controller/statefulset, v1.36): stateful_set_utils.go and
// the RollingUpdate part of stateful_set_control.go updateStatefulSet, over small views of the set's pods.
import { getScaledValueFromIntOrPercent, type IntOrString } from '../disruption/rules.js';
import type { UpdateStrategy } from '../../model/workloads.js';

/** apps/v1 StatefulSetRevisionLabel (= ControllerRevisionHashLabelKey): the revision a pod was made from. */
export const STATEFULSET_REVISION_LABEL = 'controller-revision-hash';

/**
 * The MaxUnavailableStatefulSet feature gate in v1.36: beta and off by default. It was on in v1.35.0–v1.35.3
 * and turned off again (kubernetes#137904, also in v1.35.4) after it broke Parallel pod management
 * (kubernetes#137409); v1.37 turns it on again with that fixed.
 */
export const MAX_UNAVAILABLE_STATEFULSET_DEFAULT = false;

/** A pod of the set as the update rules read it. */
export interface StatefulPodView {
  /** Its controller-revision-hash label. */
  readonly revision: string;
  /** isRunningAndReady: phase Running and the Ready condition true. */
  readonly runningAndReady: boolean;
  /** isTerminating: a deletionTimestamp is set. */
  readonly terminating: boolean;
  /** isRunningAndAvailable: Ready for at least minReadySeconds (podutil.IsPodAvailable). */
  readonly available: boolean;
}

/** isHealthy: Running and Ready, and not terminating. */
export function isHealthy(pod: StatefulPodView): boolean {
  return pod.runningAndReady && !pod.terminating;
}

/** isUnavailable: not healthy, or not Ready for minReadySeconds yet. */
export function isUnavailable(pod: StatefulPodView): boolean {
  return !isHealthy(pod) || !pod.available;
}

/**
 * stateful_set_utils.go getStatefulSetMaxUnavailable: rollingUpdate.maxUnavailable (default 1) of the
 * replicas, a percentage rounded down, and at least 1.
 */
export function getStatefulSetMaxUnavailable(maxUnavailable: IntOrString | null | undefined, replicaCount: number): number {
  const n = getScaledValueFromIntOrPercent(maxUnavailable ?? 1, replicaCount, false);
  return n < 1 ? 1 : n;
}

/**
 * stateful_set_utils.go newVersionedStatefulSetPod: whether a pod made now for `ordinal` takes the current
 * revision or the update revision. With RollingUpdate, ordinals below the partition keep the current one;
 * without rollingUpdate (a manifest that names the type only), so do ordinals below status.currentReplicas.
 */
export function newVersionedStatefulSetPod(strategy: UpdateStrategy, ordinal: number, currentReplicas: number): 'current' | 'update' {
  // Upstream's condition reads `RollingUpdate && (rollingUpdate == nil && …) || (rollingUpdate != nil && …)`;
  // rollingUpdate is only ever set with type RollingUpdate (validation), so both readings agree.
  const ru = strategy.rollingUpdate;
  if (strategy.type === 'RollingUpdate' && ru === null && ordinal < currentReplicas) return 'current';
  if (ru !== null && ordinal < (ru.partition ?? 0)) return 'current';
  return 'update';
}

/** StatefulSetStatus counts of computeReplicaStatus. */
export interface StatefulSetReplicaStatus {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
}

/**
 * stateful_set_control.go computeReplicaStatus: pods that exist; Running and Ready; also available; and, of
 * those not terminating, the pods at the current and at the update revision.
 */
export function computeReplicaStatus(
  pods: readonly StatefulPodView[],
  currentRevision: string,
  updateRevision: string,
): StatefulSetReplicaStatus {
  const s: StatefulSetReplicaStatus = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const p of pods) {
    s.replicas++;
    if (p.runningAndReady) {
      s.readyReplicas++;
      if (p.available) s.availableReplicas++;
    }
    if (!p.terminating) {
      if (p.revision === currentRevision) s.currentReplicas++;
      if (p.revision === updateRevision) s.updatedReplicas++;
    }
  }
  return s;
}

/**
 * stateful_set_control.go completeRollingUpdate: once every replica is updated and Ready, the update revision
 * becomes the current one. Returns the current revision and currentReplicas to report.
 */
export function completeRollingUpdate(
  strategyType: UpdateStrategy['type'],
  specReplicas: number,
  status: StatefulSetReplicaStatus & { currentRevision: string; updateRevision: string },
): { currentRevision: string; currentReplicas: number } {
  if (
    strategyType === 'RollingUpdate' &&
    status.updatedReplicas === specReplicas &&
    status.readyReplicas === specReplicas &&
    status.replicas === specReplicas
  )
    return { currentRevision: status.updateRevision, currentReplicas: status.updatedReplicas };
  return { currentRevision: status.currentRevision, currentReplicas: status.currentReplicas };
}

/**
 * The RollingUpdate loop at the end of stateful_set_control.go updateStatefulSet, as v1.36 runs it by default
 * (MaxUnavailableStatefulSet off). `replicas` holds the pods of ordinals 0..replicas-1, every one Running and
 * Ready when the set is OrderedReady (the caller returns earlier otherwise). From the highest ordinal down to the
 * partition: the first pod not at the update revision and not terminating is deleted; an unavailable pod on the
 * way is waited for. Returns the ordinals to delete (at most one).
 */
export function updateStatefulSetTargets(replicas: readonly StatefulPodView[], updateRevision: string, partition: number): number[] {
  for (let target = replicas.length - 1; target >= partition; target--) {
    const p = replicas[target]!;
    if (p.revision !== updateRevision && !p.terminating) return [target];
    if (isUnavailable(p)) return [];
  }
  return [];
}

/**
 * stateful_set_control.go updateStatefulSetAfterInvariantEstablished, the RollingUpdate step with the
 * MaxUnavailableStatefulSet gate on: every unavailable replica (at any ordinal) counts against maxUnavailable,
 * and up to (maxUnavailable − unavailable) pods not at the update revision and not terminating are deleted, the
 * highest ordinals first, down to the partition. Returns the ordinals to delete.
 */
export function updateStatefulSetAfterInvariantEstablished(
  replicas: readonly StatefulPodView[],
  updateRevision: string,
  partition: number,
  maxUnavailable: number,
): number[] {
  let unavailablePods = 0;
  for (const p of replicas) if (isUnavailable(p)) unavailablePods++;
  const out: number[] = [];
  if (unavailablePods >= maxUnavailable) return out;
  const podsToDelete = maxUnavailable - unavailablePods;
  for (let target = replicas.length - 1; target >= partition && out.length < podsToDelete; target--) {
    const p = replicas[target]!;
    if (p.revision !== updateRevision && !p.terminating) out.push(target);
  }
  return out;
}
