// The Deployment's status and its Progressing condition (pkg/controller/deployment v1.36: sync.go calculateStatus,
// progress.go, deployment_util.go), over the views of calc.ts: pure functions named after their upstream counterparts.
import {
  apiTime,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  FOUND_NEW_RS_REASON,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  getTerminatingReplicaCountForReplicaSets,
  MAX_INT32,
  maxUnavailable,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_REPLICA_SET_REASON,
  NEW_RS_AVAILABLE_REASON,
  PAUSED_DEPLOY_REASON,
  REPLICA_SET_UPDATED_REASON,
  RESUMED_DEPLOY_REASON,
  TIMED_OUT_REASON,
  type DeploymentView,
  type ReplicaSetView,
  type DeploymentStatusView,
  type DeploymentCondition,
} from './calc.js';

/** deployment_util.go HasProgressDeadline. */
export function hasProgressDeadline(d: DeploymentView): boolean {
  const pds = d.progressDeadlineSeconds === undefined ? DEFAULT_PROGRESS_DEADLINE_SECONDS : d.progressDeadlineSeconds;
  return pds !== null && pds !== MAX_INT32;
}

function progressDeadlineMs(d: DeploymentView): number {
  return (d.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
}

/**
 * sync.go calculateStatus: the Deployment's status counts over its ReplicaSets, and the Available condition
 * (available replicas at least spec.replicas - maxUnavailable).
 */
export function calculateStatus(
  allRSs: readonly (ReplicaSetView | null)[],
  newRS: ReplicaSetView | null,
  d: DeploymentView,
): DeploymentStatusView & {
  unavailableReplicas: number;
  terminatingReplicas: number | undefined;
  available: { status: 'True' | 'False'; reason: string };
} {
  const availableReplicas = getAvailableReplicaCountForReplicaSets(allRSs);
  const totalReplicas = getReplicaCountForReplicaSets(allRSs);
  const minAvail = availableReplicas >= d.replicas - maxUnavailable(d);
  return {
    observedGeneration: d.generation ?? 0,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas,
    unavailableReplicas: Math.max(0, totalReplicas - availableReplicas),
    terminatingReplicas: getTerminatingReplicaCountForReplicaSets(allRSs),
    available: minAvail
      ? { status: 'True', reason: MINIMUM_REPLICAS_AVAILABLE }
      : { status: 'False', reason: MINIMUM_REPLICAS_UNAVAILABLE },
  };
}

/**
 * deployment_util.go DeploymentComplete: every replica is updated and available, no old one is left, and the
 * status is of the latest generation.
 */
export function deploymentComplete(d: DeploymentView, status: DeploymentStatusView): boolean {
  return (
    status.updatedReplicas === d.replicas &&
    status.replicas === d.replicas &&
    status.availableReplicas === d.replicas &&
    (status.observedGeneration ?? 0) >= (d.generation ?? 0)
  );
}

/**
 * deployment_util.go DeploymentProgressing: compared with the old status, more updated replicas, fewer old
 * replicas, more ready or more available replicas.
 */
export function deploymentProgressing(_d: DeploymentView, newStatus: DeploymentStatusView, oldStatus: DeploymentStatusView): boolean {
  const oldStatusOldReplicas = oldStatus.replicas - oldStatus.updatedReplicas;
  const newStatusOldReplicas = newStatus.replicas - newStatus.updatedReplicas;
  return (
    newStatus.updatedReplicas > oldStatus.updatedReplicas ||
    newStatusOldReplicas < oldStatusOldReplicas ||
    newStatus.readyReplicas > oldStatus.readyReplicas ||
    newStatus.availableReplicas > oldStatus.availableReplicas
  );
}

/**
 * deployment_util.go DeploymentTimedOut: with a progress deadline and a Progressing condition (status's
 * progressingReason) that is neither NewReplicaSetAvailable nor already ProgressDeadlineExceeded, whether
 * progressDeadlineSeconds have passed since the condition's lastUpdateTime (lastProgressMs, at one-second precision).
 */
export function deploymentTimedOut(d: DeploymentView, status: DeploymentStatusView, lastProgressMs: number, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const reason = status.progressingReason;
  if (reason === undefined || reason === NEW_RS_AVAILABLE_REASON) return false;
  if (reason === TIMED_OUT_REASON) return true;
  return apiTime(lastProgressMs) + progressDeadlineMs(d) < nowMs;
}

/** deployment_util.go SetDeploymentCondition on the Progressing condition: same status and reason keep it as is. */
function setProgressing(
  current: DeploymentCondition | null,
  status: DeploymentCondition['status'],
  reason: string,
  nowMs: number,
): DeploymentCondition {
  if (current && current.status === status && current.reason === reason) return current;
  const lastTransitionMs = current && current.status === status ? current.lastTransitionMs : nowMs;
  return { status, reason, lastUpdateMs: nowMs, lastTransitionMs };
}

/**
 * progress.go syncRolloutStatus: the Progressing condition after a sync, from the status before (oldStatus, whose
 * condition is current) and the newly calculated one. null: no condition (no progress deadline).
 */
export function syncRolloutProgressing(
  d: DeploymentView,
  oldStatus: DeploymentStatusView,
  newStatus: DeploymentStatusView,
  current: DeploymentCondition | null,
  nowMs: number,
): DeploymentCondition | null {
  if (!hasProgressDeadline(d)) return null;
  const isCompleteDeployment = newStatus.replicas === newStatus.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (isCompleteDeployment) return current;
  if (deploymentComplete(d, newStatus)) return setProgressing(current, 'True', NEW_RS_AVAILABLE_REASON, nowMs);
  if (deploymentProgressing(d, newStatus, oldStatus)) {
    // Unlike SetDeploymentCondition, progress always refreshes lastUpdateTime, even with the same reason.
    const lastTransitionMs = current?.status === 'True' ? current.lastTransitionMs : nowMs;
    return { status: 'True', reason: REPLICA_SET_UPDATED_REASON, lastUpdateMs: nowMs, lastTransitionMs };
  }
  if (current && deploymentTimedOut(d, { ...newStatus, progressingReason: current.reason }, current.lastUpdateMs, nowMs)) {
    return setProgressing(current, 'False', TIMED_OUT_REASON, nowMs);
  }
  return current;
}

/**
 * progress.go requeueStuckDeployment, for a sync that left the status unchanged: the time (ms) left before the
 * progress deadline, after which upstream enqueues the Deployment plus one second (to absorb AddAfter's skew);
 * 0: enqueue now (rate-limited); -1: no progress check needed.
 */
export function requeueStuckDeployment(
  d: DeploymentView,
  newStatus: DeploymentStatusView,
  current: DeploymentCondition | null,
  nowMs: number,
): number {
  if (!hasProgressDeadline(d) || !current) return -1;
  if (deploymentComplete(d, newStatus) || current.reason === TIMED_OUT_REASON) return -1;
  const after = apiTime(current.lastUpdateMs) + progressDeadlineMs(d) - nowMs;
  return after < 1000 ? 0 : after;
}

/**
 * sync.go checkPausedConditions: while paused, Progressing becomes Unknown/DeploymentPaused, and on resuming
 * Unknown/DeploymentResumed; a timed-out condition is kept. Returns the condition to keep or set.
 */
export function checkPausedConditions(d: DeploymentView, current: DeploymentCondition | null, nowMs: number): DeploymentCondition | null {
  if (!hasProgressDeadline(d)) return current;
  if (current?.reason === TIMED_OUT_REASON) return current;
  const pausedCondExists = current?.reason === PAUSED_DEPLOY_REASON;
  if (d.paused && !pausedCondExists) return setProgressing(current, 'Unknown', PAUSED_DEPLOY_REASON, nowMs);
  if (!d.paused && pausedCondExists) return setProgressing(current, 'Unknown', RESUMED_DEPLOY_REASON, nowMs);
  return current;
}

/**
 * sync.go getNewReplicaSet's Progressing condition: True/NewReplicaSetCreated when it created the new ReplicaSet;
 * True/FoundNewReplicaSet when it found one and the Deployment had no Progressing condition.
 */
export function newReplicaSetProgressing(
  d: DeploymentView,
  current: DeploymentCondition | null,
  created: boolean,
  nowMs: number,
): DeploymentCondition | null {
  if (!hasProgressDeadline(d)) return current;
  if (created) return setProgressing(current, 'True', NEW_REPLICA_SET_REASON, nowMs);
  if (!current) return setProgressing(null, 'True', FOUND_NEW_RS_REASON, nowMs);
  return current;
}
