// Pure arithmetic of the ReplicaSet controller (pkg/controller/replicaset/replica_set.go, v1.36).
import type { Pod } from '../../model/pod.js';

/** replica_set.go: at most this many pod creations or deletions per sync. */
export const BURST_REPLICAS = 500;

/**
 * controller.ActivePodsWithRanks ordering used by getPodsToDelete: the pods deleted first are
 * unassigned before assigned, Pending before Running, (not ready before ready), then the newest first.
 * Returns a negative number when a should be deleted before b.
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const aAssigned = a.node ? 1 : 0;
  const bAssigned = b.node ? 1 : 0;
  if (aAssigned !== bAssigned) return aAssigned - bAssigned;
  const aRunning = a.phase === 'Running' ? 1 : 0;
  const bRunning = b.phase === 'Running' ? 1 : 0;
  if (aRunning !== bRunning) return aRunning - bRunning;
  // Newer pods (later creation) go first; ids break ties deterministically.
  return b.createdAt - a.createdAt || b.id - a.id;
}

/** How many pods to create (positive) or delete (negative) this sync. */
export function replicaDiff(desired: number, active: number): number {
  const diff = desired - active;
  if (diff > BURST_REPLICAS) return BURST_REPLICAS;
  if (diff < -BURST_REPLICAS) return -BURST_REPLICAS;
  return diff;
}

/** A pod's status.phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/**
 * The pod fields ActivePodsWithRanks reads. Times are ms and compared at the API's one-second precision; a negative
 * time stands for an unset (zero) metav1.Time.
 */
export interface RankedPodView {
  /** spec.nodeName; '' when unassigned. */
  nodeName: string;
  phase: PodPhase;
  /** The PodReady condition is True. */
  ready: boolean;
  /** From getPodsRankedByRelatedPodsOnSameNode: active related pods on the same node. */
  rank: number;
  /** The PodReady condition's lastTransitionTime (read only when ready). */
  readySinceMs: number;
  /** The largest restartCount of its containers. */
  restarts: number;
  /** metadata.creationTimestamp. */
  createdAtMs: number;
  /** metadata.deletionTimestamp is set. */
  deleting?: boolean;
  /** Annotation controller.kubernetes.io/pod-deletion-cost (absent: 0). */
  deletionCost?: number;
  /** metadata.uid, the tie-break between pods in the same logarithmic bucket (random upstream). */
  uid?: string | number;
}

/** controller_utils.go podPhaseToOrdinal: Pending < Unknown < Running; other phases count as Pending (Go's zero value). */
function podPhaseOrdinal(phase: PodPhase): number {
  return phase === 'Running' ? 2 : phase === 'Unknown' ? 1 : 0;
}

/** metav1.Time as the informer sees it: whole seconds; -1 for the zero time. */
function apiTime(ms: number): number {
  return ms < 0 ? -1 : Math.floor(ms / 1000) * 1000;
}

/** controller_utils.go afterOrZero: t1 after t2, a zero time counting as after any other. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 < 0 || t2 < 0) return t1 < 0;
  return t1 > t2;
}

/** math.Log2 as Go computes it (Frexp, exact for powers of two, else Log(frac)/Ln2 + exp). */
function goLog2(x: number): number {
  let exp = Math.ceil(Math.log2(x));
  let frac = x / 2 ** exp;
  while (frac >= 1) {
    frac /= 2;
    exp++;
  }
  while (frac < 0.5) {
    frac *= 2;
    exp--;
  }
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * Math.LOG2E + exp;
}

/** controller_utils.go logarithmicRankDiff: the difference of int64(log2(now - t)) over nanoseconds (-1 when not in the past). */
function logarithmicRankDiff(t1: number, t2: number, nowMs: number): number {
  const rank = (t: number) => {
    const dNs = (nowMs - t) * 1e6;
    return dNs > 0 ? Math.trunc(goLog2(dNs)) : -1;
  };
  return rank(t1) - rank(t2);
}

function compareUid(a: RankedPodView, b: RankedPodView): boolean {
  const ua = a.uid ?? '';
  const ub = b.uid ?? '';
  return typeof ua === typeof ub ? ua < ub : String(ua) < String(ub);
}

/**
 * controller_utils.go ActivePodsWithRanks.Less (LogarithmicScaleDown and PodDeletionCost on, as in v1.36): true when
 * a is to be deleted before b. In turn: unassigned before assigned; Pending < Unknown < Running; not ready before
 * ready; lower pod-deletion-cost first; higher rank first; both ready: ready more recently first; more restarts first;
 * created more recently first. Ready and creation times are compared by their log2 buckets of (now - t) when nowMs is
 * given, with uid deciding within a bucket; without nowMs (upstream's zero Now) they are compared as they are.
 */
export function activePodsWithRanksLess(a: RankedPodView, b: RankedPodView, nowMs?: number): boolean {
  // 1. Unassigned < assigned.
  if (a.nodeName !== b.nodeName && (a.nodeName === '' || b.nodeName === '')) return a.nodeName === '';
  // 2. PodPending < PodUnknown < PodRunning.
  const pa = podPhaseOrdinal(a.phase);
  const pb = podPhaseOrdinal(b.phase);
  if (pa !== pb) return pa < pb;
  // 3. Not ready < ready.
  if (a.ready !== b.ready) return !a.ready;
  // 4. Lower pod-deletion-cost < higher.
  const ca = a.deletionCost ?? 0;
  const cb = b.deletionCost ?? 0;
  if (ca !== cb) return ca < cb;
  // 5. Doubled up < not doubled up.
  if (a.rank !== b.rank) return a.rank > b.rank;
  // 6. Been ready for empty time < less time < more time.
  if (a.ready && b.ready) {
    const ra = apiTime(a.readySinceMs);
    const rb = apiTime(b.readySinceMs);
    if (ra !== rb) {
      if (nowMs === undefined || ra < 0 || rb < 0) return afterOrZero(ra, rb);
      const rankDiff = logarithmicRankDiff(ra, rb, nowMs);
      if (rankDiff === 0) return compareUid(a, b);
      return rankDiff < 0;
    }
  }
  // 7. Higher restart counts < lower.
  if (a.restarts !== b.restarts) return a.restarts > b.restarts;
  // 8. Empty creation time < newer < older.
  const ta = apiTime(a.createdAtMs);
  const tb = apiTime(b.createdAtMs);
  if (ta !== tb) {
    if (nowMs === undefined || ta < 0 || tb < 0) return afterOrZero(ta, tb);
    const rankDiff = logarithmicRankDiff(ta, tb, nowMs);
    if (rankDiff === 0) return compareUid(a, b);
    return rankDiff < 0;
  }
  return false;
}

/** controller_utils.go IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(p: { phase: PodPhase; deleting?: boolean }): boolean {
  return p.phase !== 'Succeeded' && p.phase !== 'Failed' && !p.deleting;
}

/**
 * replica_set.go getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of active related pods (those
 * of every ReplicaSet with the same owner, usually a superset of podsToRank) on its node; unassigned pods share ''.
 */
export function getPodsRankedByRelatedPodsOnSameNode(
  podsToRank: readonly { nodeName: string }[],
  relatedPods: readonly { nodeName: string; phase: PodPhase; deleting?: boolean }[],
): number[] {
  const podsOnNode = new Map<string, number>();
  for (const pod of relatedPods) if (isPodActive(pod)) podsOnNode.set(pod.nodeName, (podsOnNode.get(pod.nodeName) ?? 0) + 1);
  return podsToRank.map((pod) => podsOnNode.get(pod.nodeName) ?? 0);
}

/**
 * replica_set.go getPodsToDelete: the diff pods of filteredPods (the ReplicaSet's active pods) to delete, first in
 * ActivePodsWithRanks order; all of them, unsorted, when diff covers them all. Ties (equal uids) keep input order,
 * where upstream's unstable sort.Sort may not.
 */
export function getPodsToDelete<T extends Omit<RankedPodView, 'rank'>>(
  filteredPods: readonly T[],
  relatedPods: readonly { nodeName: string; phase: PodPhase; deleting?: boolean }[],
  diff: number,
  nowMs?: number,
): T[] {
  if (diff >= filteredPods.length) return filteredPods.slice(0, diff);
  const ranks = getPodsRankedByRelatedPodsOnSameNode(filteredPods, relatedPods);
  const ranked = filteredPods.map((pod, i) => ({ pod, view: { ...pod, rank: ranks[i]! } }));
  ranked.sort((x, y) => (activePodsWithRanksLess(x.view, y.view, nowMs) ? -1 : activePodsWithRanksLess(y.view, x.view, nowMs) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
