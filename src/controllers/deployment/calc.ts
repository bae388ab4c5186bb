// Pure arithmetic of the Deployment controller (pkg/controller/deployment, v1.36): util/deployment_util.go,
// rolling.go, sync.go and recreate.go, over small views of a Deployment and its ReplicaSets (the status and the
// Progressing condition, sync.go calculateStatus and progress.go, are in progress.ts).
// Functions return the ReplicaSet sizes the controller would write; the caller applies them. Times are integer ms.
// This is the behaviour with the alpha DeploymentPodReplacementPolicy gate off (the v1.36 default).
import { getScaledValueFromIntOrPercent, type IntOrString } from './intstr.js';
import {
  byLess,
  filterActiveReplicaSets,
  findActiveOrLatest,
  replicaSetsByCreationTimestampLess,
  replicaSetsByRevisionLess,
  replicaSetsBySizeNewerLess,
  replicaSetsBySizeOlderLess,
} from './orders.js';

// IntOrString and its scaling are in intstr.ts, the API's times and the ReplicaSets' orders in orders.ts, all
// exported from here too.
export { getScaledValueFromIntOrPercent, type IntOrString };
export {
  apiTime,
  filterActiveReplicaSets,
  findActiveOrLatest,
  replicaSetsByCreationTimestampLess,
  replicaSetsByRevisionLess,
  replicaSetsBySizeNewerLess,
  replicaSetsBySizeOlderLess,
} from './orders.js';

/** pkg/apis/apps/v1/defaults.go SetDefaults_Deployment. */
export const DEFAULT_MAX_SURGE: IntOrString = '25%';
export const DEFAULT_MAX_UNAVAILABLE: IntOrString = '25%';
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export const MAX_INT32 = 2147483647;

// Reasons of the Deployment conditions (deployment_util.go).
/** Progressing=True: a ReplicaSet was scaled as part of the rollout. */
export const REPLICA_SET_UPDATED_REASON = 'ReplicaSetUpdated';
/** Progressing=False: the new ReplicaSet could not be created. */
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
/** Progressing=True: the new ReplicaSet was created. */
export const NEW_REPLICA_SET_REASON = 'NewReplicaSetCreated';
/** Progressing=True: an existing new ReplicaSet was adopted. */
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
/** Progressing=True: the rollout completed. */
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
/** Progressing=False: no progress within progressDeadlineSeconds. */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
/** Progressing=Unknown while paused, and after resuming. */
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';
/** Available=True / False. */
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';

/** The Deployment fields the rules read (apps/v1 DeploymentSpec, defaulted, and two status/metadata fields). */
export interface DeploymentView {
  replicas: number;
  strategy: { type: 'RollingUpdate' | 'Recreate'; maxSurge: IntOrString; maxUnavailable: IntOrString };
  minReadySeconds?: number;
  /** Absent: the default 600; null: unset (no deadline, as an unset field of extensions/v1beta1); 2^31-1: none. */
  progressDeadlineSeconds?: number | null;
  /** Absent: the default 10; null or 2^31-1: keep every old ReplicaSet. */
  revisionHistoryLimit?: number | null;
  paused?: boolean;
  /** metadata.generation (absent: 0). */
  generation?: number;
  /** status.replicas (absent: 0): getReplicaSetFraction's fallback when a ReplicaSet lacks max-replicas. */
  statusReplicas?: number;
}

/** The ReplicaSet fields the rules read. */
export interface ReplicaSetView {
  name: string;
  /** spec.replicas. */
  replicas: number;
  statusReplicas: number;
  availableReplicas: number;
  readyReplicas: number;
  /** metadata.creationTimestamp (ms; compared at the API's one-second precision). */
  createdAt: number;
  /** Annotation deployment.kubernetes.io/revision (0 when absent, as util.Revision). */
  revision: number;
  /** Annotation deployment.kubernetes.io/desired-replicas; absent when missing or not a non-negative int32. */
  desiredReplicasAnnotation?: number;
  /** Annotation deployment.kubernetes.io/max-replicas; absent when missing or not a non-negative int32. */
  maxReplicasAnnotation?: number;
  /** status.terminatingReplicas (DeploymentReplicaSetTerminatingReplicas); absent when not reported. */
  terminatingReplicas?: number;
  /** metadata.generation and status.observedGeneration (absent: 0). */
  generation?: number;
  observedGeneration?: number;
  /** metadata.deletionTimestamp is set. */
  deleting?: boolean;
}

/** The DeploymentStatus counts the progress rules compare. */
export interface DeploymentStatusView {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** Absent: 0. */
  observedGeneration?: number;
  /** The reason of the Progressing condition; absent when there is none. */
  progressingReason?: string;
}

/** A DeploymentCondition of type Progressing. */
export interface DeploymentCondition {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  lastUpdateMs: number;
  lastTransitionMs: number;
}

/** k8s.io/utils/integer RoundToInt32: math.Round, halves away from zero. */
function roundToInt32(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x)) + 0;
}

/**
 * deployment_util.go ResolveFenceposts: maxSurge rounded up, maxUnavailable rounded down (an absent value is 0); when
 * both resolve to 0, maxUnavailable is 1. Throws on a bad value.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | null | undefined,
  maxUnavailable: IntOrString | null | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  const unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) return { surge: 0, unavailable: 1 };
  return { surge, unavailable };
}

/** deployment_util.go IsRollingUpdate. */
export function isRollingUpdate(d: DeploymentView): boolean {
  return d.strategy.type === 'RollingUpdate';
}

/** ResolveFenceposts with upstream's "error caught by validation": a bad value counts as 0 and 0. */
function fenceposts(d: DeploymentView): { surge: number; unavailable: number } {
  try {
    return resolveFenceposts(d.strategy.maxSurge, d.strategy.maxUnavailable, d.replicas);
  } catch {
    return { surge: 0, unavailable: 0 };
  }
}

/** deployment_util.go MaxUnavailable: at most spec.replicas; 0 for Recreate or 0 replicas. */
export function maxUnavailable(d: DeploymentView): number {
  if (!isRollingUpdate(d) || d.replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, d.replicas);
}

/** deployment_util.go MinAvailable: spec.replicas - MaxUnavailable; 0 for Recreate. */
export function minAvailable(d: DeploymentView): number {
  if (!isRollingUpdate(d)) return 0;
  return d.replicas - maxUnavailable(d);
}

/** deployment_util.go MaxSurge; 0 for Recreate. */
export function maxSurge(d: DeploymentView): number {
  if (!isRollingUpdate(d)) return 0;
  return fenceposts(d).surge;
}

/** deployment_util.go GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export function getReplicaCountForReplicaSets(rss: readonly (ReplicaSetView | null)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.replicas;
  return n;
}

/** deployment_util.go GetActualReplicaCountForReplicaSets: the sum of status.replicas. */
export function getActualReplicaCountForReplicaSets(rss: readonly (ReplicaSetView | null)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.statusReplicas;
  return n;
}

/** deployment_util.go GetReadyReplicaCountForReplicaSets: the sum of status.readyReplicas. */
export function getReadyReplicaCountForReplicaSets(rss: readonly (ReplicaSetView | null)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.readyReplicas;
  return n;
}

/** deployment_util.go GetAvailableReplicaCountForReplicaSets: the sum of status.availableReplicas. */
export function getAvailableReplicaCountForReplicaSets(rss: readonly (ReplicaSetView | null)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.availableReplicas;
  return n;
}

/**
 * deployment_util.go GetTerminatingReplicaCountForReplicaSets: the sum of status.terminatingReplicas, skipping
 * ReplicaSets never observed (observedGeneration 0) that report none; undefined when an observed one reports none.
 */
export function getTerminatingReplicaCountForReplicaSets(rss: readonly (ReplicaSetView | null)[]): number | undefined {
  let n = 0;
  for (const rs of rss) {
    if (!rs) continue;
    if (rs.terminatingReplicas === undefined) {
      if ((rs.observedGeneration ?? 0) === 0) continue;
      return undefined;
    }
    n += rs.terminatingReplicas;
  }
  return n;
}

/**
 * deployment_util.go NewRSNewReplicas: the new ReplicaSet's size for this step. RollingUpdate: grow it by what
 * spec.replicas + maxSurge leaves over all ReplicaSets' spec.replicas, up to spec.replicas; Recreate: spec.replicas.
 */
export function newRSNewReplicas(d: DeploymentView, allRSs: readonly (ReplicaSetView | null)[], newRS: ReplicaSetView): number {
  if (d.strategy.type === 'Recreate') return d.replicas;
  const surge = getScaledValueFromIntOrPercent(d.strategy.maxSurge, d.replicas, true);
  const currentPodCount = getReplicaCountForReplicaSets(allRSs);
  const maxTotalPods = d.replicas + surge;
  if (currentPodCount >= maxTotalPods) return newRS.replicas;
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, d.replicas - newRS.replicas);
  return newRS.replicas + scaleUpCount;
}

/** deployment_util.go IsSaturated: the ReplicaSet is at spec.replicas, annotated with it, and all available. */
export function isSaturated(d: DeploymentView, rs: ReplicaSetView | null | undefined): boolean {
  if (!rs || rs.desiredReplicasAnnotation === undefined) return false;
  return rs.replicas === d.replicas && rs.desiredReplicasAnnotation === d.replicas && rs.availableReplicas === d.replicas;
}

/**
 * deployment_util.go SetReplicasAnnotations as the controller calls it whenever it writes a ReplicaSet's size: the
 * desired-replicas and max-replicas annotations to set.
 */
export function replicasAnnotations(d: DeploymentView): { desired: number; max: number } {
  return { desired: d.replicas, max: d.replicas + maxSurge(d) };
}

/** deployment_util.go ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSetView, desiredReplicas: number, maxReplicas: number): boolean {
  return rs.desiredReplicasAnnotation !== desiredReplicas || rs.maxReplicasAnnotation !== maxReplicas;
}

/**
 * deployment_util.go getReplicaSetFraction: how many replicas this ReplicaSet gains (or loses) when the Deployment
 * is resized, in proportion to its share of the max-replicas annotation (missing or 0: status.replicas).
 */
export function getReplicaSetFraction(rs: ReplicaSetView, d: DeploymentView): number {
  if (d.replicas === 0) return 0 - rs.replicas;
  const deploymentReplicas = d.replicas + maxSurge(d);
  let annotatedReplicas = rs.maxReplicasAnnotation ?? 0;
  if (annotatedReplicas === 0) annotatedReplicas = d.statusReplicas ?? 0;
  if (annotatedReplicas === 0) return 0;
  return roundToInt32((rs.replicas * deploymentReplicas) / annotatedReplicas) - rs.replicas;
}

/**
 * deployment_util.go GetProportion: the ReplicaSet's fraction, capped by what is still to be added (scaling up)
 * or removed (scaling down).
 */
export function getProportion(
  rs: ReplicaSetView | null | undefined,
  d: DeploymentView,
  deploymentReplicasToAdd: number,
  deploymentReplicasAdded: number,
): number {
  if (!rs || rs.replicas === 0 || deploymentReplicasToAdd === 0 || deploymentReplicasToAdd === deploymentReplicasAdded) return 0;
  const rsFraction = getReplicaSetFraction(rs, d);
  const allowed = deploymentReplicasToAdd - deploymentReplicasAdded;
  return deploymentReplicasToAdd > 0 ? Math.min(rsFraction, allowed) : Math.max(rsFraction, allowed);
}

// rolling.go: one step of a rolling update.

/**
 * rolling.go reconcileNewReplicaSet: the new ReplicaSet's spec.replicas after this step (unchanged: no scaling).
 * When it changes, the caller also sets replicasAnnotations(d) on it, as scaleReplicaSet does.
 */
export function reconcileNewReplicaSet(d: DeploymentView, allRSs: readonly (ReplicaSetView | null)[], newRS: ReplicaSetView): number {
  if (newRS.replicas === d.replicas) return newRS.replicas;
  if (newRS.replicas > d.replicas) return d.replicas;
  return newRSNewReplicas(d, allRSs, newRS);
}

/**
 * rolling.go cleanupUnhealthyReplicas: scales old ReplicaSets down by their unavailable replicas, at most
 * maxCleanupCount in all, visiting them oldest first (ReplicaSetsByCreationTimestamp) whatever the input order.
 * replicas[i] is oldRSs[i]'s new spec.replicas. When an old ReplicaSet has more available replicas than its
 * spec.replicas, upstream stops with an error: `error` is set, cleanedUp is 0, and replicas keeps the sizes
 * already written before it.
 */
export function cleanupUnhealthyReplicas(
  oldRSs: readonly ReplicaSetView[],
  maxCleanupCount: number,
): { replicas: number[]; cleanedUp: number; error?: string } {
  const replicas = oldRSs.map((rs) => rs.replicas);
  const order = oldRSs.map((_, i) => i).sort(byLess((i: number, j: number) => replicaSetsByCreationTimestampLess(oldRSs[i]!, oldRSs[j]!)));
  let totalScaledDown = 0;
  for (const i of order) {
    const rs = oldRSs[i]!;
    if (totalScaledDown >= maxCleanupCount) break;
    if (rs.replicas === 0) continue;
    if (rs.replicas === rs.availableReplicas) continue;
    const scaledDownCount = Math.min(maxCleanupCount - totalScaledDown, rs.replicas - rs.availableReplicas);
    const newReplicasCount = rs.replicas - scaledDownCount;
    if (newReplicasCount > rs.replicas) {
      const error = `when cleaning up unhealthy replicas, got invalid request to scale down ${rs.name} ${rs.replicas} -> ${newReplicasCount}`;
      return { replicas, cleanedUp: 0, error };
    }
    replicas[i] = newReplicasCount;
    totalScaledDown += scaledDownCount;
  }
  return { replicas, cleanedUp: totalScaledDown };
}

/**
 * rolling.go scaleDownOldReplicaSetsForRollingUpdate: scales old ReplicaSets down, oldest first, by as many
 * replicas as the available ones in allRSs exceed minAvailable. Returns the new spec.replicas of those that change.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  allRSs: readonly (ReplicaSetView | null)[],
  oldRSs: readonly ReplicaSetView[],
  d: DeploymentView,
): { replicas: Map<string, number>; scaledDown: number } {
  const replicas = new Map<string, number>();
  const minAvail = d.replicas - maxUnavailable(d);
  const availablePodCount = getAvailableReplicaCountForReplicaSets(allRSs);
  if (availablePodCount <= minAvail) return { replicas, scaledDown: 0 };
  const sorted = [...oldRSs].sort(byLess(replicaSetsByCreationTimestampLess));
  let totalScaledDown = 0;
  const totalScaleDownCount = availablePodCount - minAvail;
  for (const rs of sorted) {
    if (totalScaledDown >= totalScaleDownCount) break;
    if (rs.replicas === 0) continue;
    const scaleDownCount = Math.min(rs.replicas, totalScaleDownCount - totalScaledDown);
    replicas.set(rs.name, rs.replicas - scaleDownCount);
    totalScaledDown += scaleDownCount;
  }
  return { replicas, scaledDown: totalScaledDown };
}

/**
 * rolling.go reconcileOldReplicaSets, with rolloutRolling's FilterActiveReplicaSets of the old ReplicaSets: first
 * removes unhealthy old replicas, then scales old ReplicaSets down while availability stays at minAvailable, never by
 * more than allRSs' spec.replicas - minAvailable - the new ReplicaSet's unavailable replicas. Returns old ReplicaSet
 * name to new spec.replicas for those that change (each also gets replicasAnnotations(d)).
 */
export function reconcileOldReplicaSets(
  d: DeploymentView,
  allRSs: readonly (ReplicaSetView | null)[],
  oldRSs: readonly ReplicaSetView[],
  newRS: ReplicaSetView,
): Map<string, number> {
  const out = new Map<string, number>();
  const active = filterActiveReplicaSets(oldRSs);
  if (getReplicaCountForReplicaSets(active) === 0) return out;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvail = d.replicas - maxUnavailable(d);
  const newRSUnavailablePodCount = newRS.replicas - newRS.availableReplicas;
  const maxScaledDown = allPodsCount - minAvail - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return out;

  const cleanup = cleanupUnhealthyReplicas(active, maxScaledDown);
  const cleaned = active.map((rs, i) => (cleanup.replicas[i] === rs.replicas ? rs : { ...rs, replicas: cleanup.replicas[i]! }));
  for (const [i, rs] of cleaned.entries()) if (rs !== active[i]) out.set(rs.name, rs.replicas);
  if (cleanup.error !== undefined) return out;

  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate([...cleaned, newRS], cleaned, d);
  for (const [name, replicas] of scaledDown.replicas) out.set(name, replicas);
  return out;
}

// sync.go: scaling events and history.

/**
 * sync.go isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas, so the
 * Deployment was resized rather than its template changed.
 */
export function isScalingEvent(d: DeploymentView, allRSs: readonly (ReplicaSetView | null)[]): boolean {
  for (const rs of filterActiveReplicaSets(allRSs)) {
    if (rs.desiredReplicasAnnotation !== undefined && rs.desiredReplicasAnnotation !== d.replicas) return true;
  }
  return false;
}

/**
 * sync.go scale: the sizes after a resize. One active ReplicaSet (or none: the new or newest one) takes spec.replicas;
 * a saturated new ReplicaSet leaves the old ones at 0; otherwise, for RollingUpdate, spec.replicas + maxSurge minus the
 * current total is spread over the active ReplicaSets in proportion to their max-replicas annotations, largest first
 * (ties: newer first when growing, older first when shrinking), with the rounding leftover on the first.
 * Returns ReplicaSet name to spec.replicas for each ReplicaSet upstream writes, in write order: every entry also gets
 * replicasAnnotations(d); in the proportional case an entry may keep its size and only refresh its annotations.
 */
export function scale(d: DeploymentView, newRS: ReplicaSetView | null, oldRSs: readonly ReplicaSetView[]): Map<string, number> {
  const out = new Map<string, number>();
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (activeOrLatest.replicas !== d.replicas) out.set(activeOrLatest.name, d.replicas);
    return out;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) out.set(old.name, 0);
    return out;
  }
  if (!isRollingUpdate(d)) return out;

  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allRSsReplicas = getReplicaCountForReplicaSets(allRSs);
  const allowedSize = d.replicas > 0 ? d.replicas + maxSurge(d) : 0;
  const deploymentReplicasToAdd = allowedSize - allRSsReplicas;
  if (deploymentReplicasToAdd > 0) allRSs.sort(byLess(replicaSetsBySizeNewerLess));
  else if (deploymentReplicasToAdd < 0) allRSs.sort(byLess(replicaSetsBySizeOlderLess));

  let deploymentReplicasAdded = 0;
  const sizes = allRSs.map((rs) => {
    if (deploymentReplicasToAdd === 0) return rs.replicas;
    const proportion = getProportion(rs, d, deploymentReplicasToAdd, deploymentReplicasAdded);
    deploymentReplicasAdded += proportion;
    return rs.replicas + proportion;
  });
  if (deploymentReplicasToAdd !== 0 && sizes.length > 0) {
    sizes[0] = Math.max(0, sizes[0]! + deploymentReplicasToAdd - deploymentReplicasAdded);
  }
  const { desired, max } = replicasAnnotations(d);
  for (const [i, rs] of allRSs.entries()) {
    const size = sizes[i]!;
    if (size !== rs.replicas || replicasAnnotationsNeedUpdate(rs, desired, max)) out.set(rs.name, size);
  }
  return out;
}

/**
 * sync.go cleanupDeployment: the old ReplicaSets to delete beyond revisionHistoryLimit, lowest revision first,
 * skipping those being deleted, not yet scaled to 0 (spec and status), with terminating pods, or whose latest
 * generation the ReplicaSet controller has not observed. revisionHistoryLimit: absent 10, null or 2^31-1 unlimited.
 */
export function cleanupDeployment(oldRSs: readonly ReplicaSetView[], revisionHistoryLimit?: number | null): string[] {
  const limit = revisionHistoryLimit === undefined ? DEFAULT_REVISION_HISTORY_LIMIT : revisionHistoryLimit;
  if (limit === null || limit === MAX_INT32) return [];
  const cleanable = oldRSs.filter((rs) => !rs.deleting);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  cleanable.sort(byLess(replicaSetsByRevisionLess));
  const names: string[] = [];
  for (const rs of cleanable.slice(0, diff)) {
    if (rs.statusReplicas !== 0 || rs.replicas !== 0 || (rs.generation ?? 0) > (rs.observedGeneration ?? 0)) continue;
    if ((rs.terminatingReplicas ?? 0) !== 0) continue;
    names.push(rs.name);
  }
  return names;
}

// recreate.go.

/**
 * recreate.go oldPodsRunning: old ReplicaSets still report pods, or a pod of a ReplicaSet other than the new one is
 * not Succeeded or Failed (terminating pods count: Recreate waits until they are gone).
 */
export function oldPodsRunning(oldRSs: readonly ReplicaSetView[], oldPods: Iterable<{ phase: string }>): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const pod of oldPods) if (pod.phase !== 'Succeeded' && pod.phase !== 'Failed') return true;
  return false;
}
