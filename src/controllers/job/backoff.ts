// The Job controller's pod failure backoff and backoff limit in Kubernetes v1.36, as pure functions under
// their upstream names (pkg/controller/job/backoff_utils.go and job_controller.go). Times are integer ms.
import { MINUTE, SECOND } from '../../engine/time.js';
import { DEFAULT_BACKOFF_LIMIT } from '../../model/workloads.js';

export { DEFAULT_BACKOFF_LIMIT };

/** job_controller.go DefaultJobPodFailureBackOff: the delay after the first failure. */
export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10 * SECOND;
/** job_controller.go MaxJobPodFailureBackOff: the cap (older releases: 360 s, as MaxJobBackOff). */
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 10 * MINUTE;

/** backoff_utils.go backoffRecord: the Job's consecutive failures since its last success. */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** Finish time of the latest of those failures; null when there is none. */
  lastFailureTime: number | null;
}

export const EMPTY_BACKOFF_RECORD: Readonly<BackoffRecord> = { failuresAfterLastSuccess: 0, lastFailureTime: null };

/**
 * backoffStore.newBackoffRecord: updates the record with the finish times of the pods that succeeded and
 * failed since the last sync. Failures only: they add to the count. Any success: the count restarts from
 * the failures that finished strictly after the latest success (none: the record is cleared).
 */
export function newBackoffRecord(
  old: Readonly<BackoffRecord>,
  newSucceededFinishTimes: readonly number[],
  newFailedFinishTimes: readonly number[],
): BackoffRecord {
  const failed = [...newFailedFinishTimes].sort((a, b) => a - b);
  if (newSucceededFinishTimes.length === 0) {
    if (failed.length === 0) return { ...old };
    return { failuresAfterLastSuccess: old.failuresAfterLastSuccess + failed.length, lastFailureTime: failed[failed.length - 1]! };
  }
  const lastSuccessTime = Math.max(...newSucceededFinishTimes);
  const record: BackoffRecord = { failuresAfterLastSuccess: 0, lastFailureTime: null };
  for (let i = failed.length - 1; i >= 0 && failed[i]! > lastSuccessTime; i--) {
    record.lastFailureTime ??= failed[i]!;
    record.failuresAfterLastSuccess++;
  }
  return record;
}

/**
 * getRemainingTimeForFailuresCount: the delay is defaultBackoff doubled for each failure after the first,
 * capped at maxBackoff, counted from the last failure; 0 once it has passed or with no failures.
 */
export function getRemainingTimeForFailuresCount(
  nowMs: number,
  failuresCount: number,
  lastFailureTime: number | null,
  defaultBackoffMs = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  maxBackoffMs = MAX_JOB_POD_FAILURE_BACKOFF_MS,
): number {
  if (failuresCount === 0 || lastFailureTime === null) return 0;
  let backoff = defaultBackoffMs;
  for (let i = 1; i < failuresCount; i++) {
    backoff *= 2;
    if (backoff >= maxBackoffMs) {
      backoff = maxBackoffMs;
      break;
    }
  }
  const elapsed = nowMs - lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

/**
 * backoffRecord.getRemainingTime: how long manageJob waits before creating replacement pods (it requeues
 * the Job after this delay instead). With backoffLimitPerIndex each index waits on its own instead
 * (getRemainingTimePerIndex in indexed.ts).
 */
export function getRemainingTime(
  record: Readonly<BackoffRecord>,
  nowMs: number,
  defaultBackoffMs = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  maxBackoffMs = MAX_JOB_POD_FAILURE_BACKOFF_MS,
): number {
  return getRemainingTimeForFailuresCount(nowMs, record.failuresAfterLastSuccess, record.lastFailureTime, defaultBackoffMs, maxBackoffMs);
}

/** syncJob's exceedsBackoffLimit: the Job fails (BackoffLimitExceeded) once failed pods outnumber backoffLimit. */
export function exceedsBackoffLimit(failed: number, backoffLimit = DEFAULT_BACKOFF_LIMIT): boolean {
  return failed > backoffLimit;
}

/** A pod as pastBackoffLimitOnFailure reads it: its phase and the summed restartCount of all its containers. */
export interface PodRestarts {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  restartCount: number;
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of Pending and Running pods
 * count as failures: the Job fails when their sum reaches backoffLimit (or is above 0 when the limit is 0).
 */
export function pastBackoffLimitOnFailure(
  restartPolicy: 'Never' | 'OnFailure',
  pods: readonly PodRestarts[],
  backoffLimit = DEFAULT_BACKOFF_LIMIT,
): boolean {
  if (restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) if (p.phase === 'Running' || p.phase === 'Pending') restarts += p.restartCount;
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}
