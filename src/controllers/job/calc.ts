// Pure arithmetic of the Job controller (pkg/controller/job/job_controller.go, v1.36).
import type { JobSpec } from '../../model/workloads.js';

export { DEFAULT_BACKOFF_LIMIT } from '../../model/workloads.js';

export interface JobCounts {
  active: number;
  succeeded: number;
  failed: number;
}

/** Is the job complete? With completions: succeeded >= completions. Work-queue mode: a success and nothing active. */
export function jobComplete(spec: JobSpec, c: JobCounts): boolean {
  if (spec.completions !== null) return c.succeeded >= spec.completions;
  return c.succeeded > 0 && c.active === 0;
}

export function jobFailed(spec: JobSpec, c: JobCounts): boolean {
  return c.failed > spec.backoffLimit;
}

/** job_controller.go manageJob: the number of pods that should be active now. */
export function wantActive(spec: JobSpec, c: JobCounts): number {
  if (jobComplete(spec, c) || jobFailed(spec, c)) return 0;
  if (spec.completions === null) {
    // Work-queue mode: once any pod succeeded, no new pods are started.
    return c.succeeded > 0 ? Math.min(c.active, spec.parallelism) : spec.parallelism;
  }
  return Math.max(0, Math.min(spec.parallelism, spec.completions - c.succeeded));
}

/** A Job's terminal condition: its reason and message (JobReason* in k8s.io/api/batch/v1 types.go). */
export interface JobFailure {
  reason: 'MaxFailedIndexesExceeded' | 'FailedIndexes';
  message: string;
}

/**
 * syncJob with backoffLimitPerIndex: the Job fails (MaxFailedIndexesExceeded) once more indexes have failed than
 * maxFailedIndexes allows; otherwise, with any index failed, it fails (FailedIndexes) once every index has either
 * succeeded or failed. null: neither.
 */
export function failedIndexesFailure(
  maxFailedIndexes: number | undefined,
  failedIndexes: number,
  succeededIndexes: number,
  completions: number,
): JobFailure | null {
  if (maxFailedIndexes !== undefined && failedIndexes > maxFailedIndexes)
    return { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
  if (failedIndexes > 0 && failedIndexes + succeededIndexes >= completions)
    return { reason: 'FailedIndexes', message: 'Job has failed indexes' };
  return null;
}
