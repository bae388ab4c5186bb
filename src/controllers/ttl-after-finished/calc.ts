// The TTL-after-finished controller's rules in Kubernetes v1.36, as pure functions under their upstream names
// (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go; IsJobFinished from pkg/controller/job/util).
// Times are integer ms; the TTL is spec.ttlSecondsAfterFinished, in seconds as the API has it.

/** A Job condition as the rules read it (batch/v1 JobCondition). */
export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** lastTransitionTime in ms; -1 when unset. */
  lastTransitionTime: number;
}

/** What the rules read of a Job. */
export interface FinishableJob {
  namespace: string;
  name: string;
  ttlSecondsAfterFinished: number | null;
  conditions: readonly JobCondition[];
}

/** An error, as upstream returns one. */
export interface RuleError {
  error: string;
}

/** util.IsJobFinished: the Job has a Complete or Failed condition that is True. */
export function isJobFinished(j: FinishableJob): boolean {
  return j.conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** needsCleanup: the Job has finished and has a TTL. */
export function needsCleanup(j: FinishableJob): boolean {
  return j.ttlSecondsAfterFinished !== null && isJobFinished(j);
}

/** jobFinishTime: the lastTransitionTime of the Job's True Complete or Failed condition. */
export function jobFinishTime(j: FinishableJob): number | RuleError {
  for (const c of j.conditions) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') {
      if (c.lastTransitionTime < 0) return { error: `unable to find the time when the Job ${j.namespace}/${j.name} finished` };
      return c.lastTransitionTime;
    }
  }
  return { error: `unable to find the status of the finished Job ${j.namespace}/${j.name}` };
}

/** getFinishAndExpireTime: when the Job finished and when its TTL expires. */
export function getFinishAndExpireTime(j: FinishableJob): { finishAt: number; expireAt: number } | RuleError {
  if (!needsCleanup(j)) return { error: `job ${j.namespace}/${j.name} should not be cleaned up` };
  const finishAt = jobFinishTime(j);
  if (typeof finishAt !== 'number') return finishAt;
  return { finishAt, expireAt: finishAt + j.ttlSecondsAfterFinished! * 1000 };
}

/**
 * timeLeft: how long until the Job's TTL expires, counted from `since` (0 or less: expired, delete it now),
 * and when it expires.
 */
export function timeLeft(j: FinishableJob, since: number): { timeLeft: number; expireAt: number } | RuleError {
  const t = getFinishAndExpireTime(j);
  if ('error' in t) return t;
  return { timeLeft: t.expireAt - since, expireAt: t.expireAt };
}
