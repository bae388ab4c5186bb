// Indexed Jobs in Kubernetes v1.36 as pure functions under their upstream names
// (pkg/controller/job/indexed_job_utils.go; getPodCreationInfoForIndependentIndexes from job_controller.go).
// Sets of completion indexes are orderedIntervals, as .status.completedIndexes and .status.failedIndexes hold
// them: sorted, disjoint, non-adjacent [first, last] ranges. With backoffLimitPerIndex (GA in v1.33) each pod
// carries its index's failure counts (the job-index-failure-count and job-index-ignored-failure-count
// annotations): an index fails when a counted failure finds the count at backoffLimitPerIndex, or at once on a
// podFailurePolicy FailIndex rule; a replacement waits out the index's own backoff.
import { getRemainingTimeForFailuresCount, DEFAULT_JOB_POD_FAILURE_BACKOFF_MS, MAX_JOB_POD_FAILURE_BACKOFF_MS } from './backoff.js';
import { matchPodFailurePolicy, type FailedPod, type PodFailurePolicyRule } from './pod-failure-policy.js';

export interface Interval {
  readonly first: number;
  readonly last: number;
}

/** orderedIntervals: sorted, disjoint and non-adjacent intervals of indexes. */
export type OrderedIntervals = readonly Interval[];

/** orderedIntervals.merge: the union of two lists of ordered intervals. */
export function mergeIntervals(oi: OrderedIntervals, newOi: OrderedIntervals): Interval[] {
  const result: { first: number; last: number }[] = [];
  const add = (iv: Interval) => {
    const last = result[result.length - 1];
    if (last === undefined || iv.first > last.last + 1) result.push({ first: iv.first, last: iv.last });
    else if (last.last < iv.last) last.last = iv.last;
  };
  let i = 0;
  let j = 0;
  while (i < oi.length && j < newOi.length) add(oi[i]!.first < newOi[j]!.first ? oi[i++]! : newOi[j++]!);
  while (i < oi.length) add(oi[i++]!);
  while (j < newOi.length) add(newOi[j++]!);
  return result;
}

/** orderedIntervals.withOrderedIndexes: the intervals with the new indexes (given in increasing order) added. */
export function withOrderedIndexes(oi: OrderedIntervals, newIndexes: readonly number[]): Interval[] {
  return mergeIntervals(
    oi,
    newIndexes.map((ix) => ({ first: ix, last: ix })),
  );
}

/** orderedIntervals.total: how many indexes the intervals hold. */
export function intervalsTotal(oi: OrderedIntervals): number {
  let n = 0;
  for (const iv of oi) n += iv.last - iv.first + 1;
  return n;
}

/** orderedIntervals.has (binary search). */
export function intervalsHas(oi: OrderedIntervals, ix: number): boolean {
  let lo = 0;
  let hi = oi.length;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    if (oi[mid]!.last >= ix) hi = mid;
    else lo = mid + 1;
  }
  return hi < oi.length && oi[hi]!.first <= ix;
}

/** orderedIntervals.String: "1,3-5,7,8" (two adjacent indexes are listed, longer runs joined by "-"). */
export function intervalsString(oi: OrderedIntervals): string {
  let s = '';
  for (const v of oi) {
    if (s.length > 0) s += ',';
    s += String(v.first);
    if (v.last > v.first) s += (v.last === v.first + 1 ? ',' : '-') + String(v.last);
  }
  return s;
}

/**
 * firstPendingIndexes: the `count` lowest indexes below `completions` that no active pod holds and that neither
 * succeeded nor failed.
 */
export function firstPendingIndexes(
  activeIndexes: Iterable<number>,
  succeededIndexes: OrderedIntervals,
  failedIndexes: OrderedIntervals | null,
  count: number,
  completions: number,
): number[] {
  if (count === 0) return [];
  const active = [...new Set(activeIndexes)].filter((ix) => ix >= 0).sort((a, b) => a - b);
  let nonPending = withOrderedIndexes(succeededIndexes, active);
  if (failedIndexes) nonPending = mergeIntervals(nonPending, failedIndexes);
  const result: number[] = [];
  let candidate = 0;
  for (const iv of nonPending) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/** The Job fields the per-index rules read. */
export interface PerIndexJob {
  backoffLimitPerIndex: number;
  podFailurePolicy?: readonly PodFailurePolicyRule[];
}

/** A failed pod of an index, with its index failure counts (the pod's annotations). */
export interface IndexedFailedPod extends FailedPod {
  /** batch.kubernetes.io/job-index-failure-count: counted failures of the index before this pod. */
  indexFailureCount: number;
  /** batch.kubernetes.io/job-index-ignored-failure-count: failures podFailurePolicy ignored. */
  indexIgnoredFailureCount: number;
}

/**
 * isIndexFailed: the failed pod fails its index when it matches a FailIndex rule, or when its failure counts
 * and the index had already failed backoffLimitPerIndex times.
 */
export function isIndexFailed(job: PerIndexJob, pod: IndexedFailedPod): boolean {
  let counted = true;
  if (job.podFailurePolicy) {
    const match = matchPodFailurePolicy(job.podFailurePolicy, pod);
    if (match?.action === 'FailIndex') return true;
    counted = match?.action !== 'Ignore';
  }
  return counted && pod.indexFailureCount >= job.backoffLimitPerIndex;
}

/**
 * getNewIndexFailureCounts: the counts a new pod of the index carries: those of the failed pod it replaces, plus
 * that pod's failure (ignored if podFailurePolicy ignores it); [0, 0] for the index's first pod.
 */
export function getNewIndexFailureCounts(job: PerIndexJob, podBeingReplaced: IndexedFailedPod | null): [number, number] {
  if (!podBeingReplaced) return [0, 0];
  let count = podBeingReplaced.indexFailureCount;
  let ignored = podBeingReplaced.indexIgnoredFailureCount;
  if (job.podFailurePolicy && matchPodFailurePolicy(job.podFailurePolicy, podBeingReplaced)?.action === 'Ignore') ignored++;
  else count++;
  return [count, ignored];
}

/** getIndexAbsoluteFailureCount: the index's failures before this pod, counted or ignored. */
export function getIndexAbsoluteFailureCount(pod: IndexedFailedPod): number {
  return pod.indexFailureCount + pod.indexIgnoredFailureCount;
}

/** The last failed pod of an index waiting for its replacement, and when it finished (getFinishedTime). */
export interface LastFailedPod extends IndexedFailedPod {
  finishedTime: number;
}

/**
 * backoff_utils.go getRemainingTimePerIndex: how long the index's replacement waits: the pod failure backoff for
 * the index's failures so far (this one included, ignored ones too), counted from the last one's finish.
 */
export function getRemainingTimePerIndex(
  nowMs: number,
  lastFailedPod: LastFailedPod | null | undefined,
  defaultBackoffMs = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  maxBackoffMs = MAX_JOB_POD_FAILURE_BACKOFF_MS,
): number {
  if (!lastFailedPod) return 0;
  const failures = getIndexAbsoluteFailureCount(lastFailedPod) + 1;
  return getRemainingTimeForFailuresCount(nowMs, failures, lastFailedPod.finishedTime, defaultBackoffMs, maxBackoffMs);
}

/**
 * job_controller.go getPodCreationInfoForIndependentIndexes: of the indexes to add, those whose backoff is
 * over; when none is, the shortest remaining wait (0 otherwise).
 */
export function getPodCreationInfoForIndependentIndexes(
  nowMs: number,
  indexesToAdd: readonly number[],
  podsWithDelayedDeletionPerIndex: ReadonlyMap<number, LastFailedPod>,
): { indexes: number[]; remainingMs: number } {
  const now: number[] = [];
  let min = -1;
  for (const ix of indexesToAdd) {
    const remaining = getRemainingTimePerIndex(nowMs, podsWithDelayedDeletionPerIndex.get(ix));
    if (remaining === 0) now.push(ix);
    else if (min < 0 || remaining < min) min = remaining;
  }
  return now.length > 0 ? { indexes: now, remainingMs: 0 } : { indexes: now, remainingMs: Math.max(0, min) };
}
