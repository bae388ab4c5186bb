// A batch/v1 JobSpec from a manifest: defaulted as pkg/apis/batch/v1/defaults.go SetDefaults_Job does and validated
// as pkg/apis/batch/validation/validation.go validateJobSpec does (v1.36), each error naming its file, line and field.
import type { PodFailurePolicyRule } from '../controllers/job/pod-failure-policy.js';
import { DEFAULT_BACKOFF_LIMIT, type JobSpec } from '../model/workloads.js';
import type { Reader } from './reader.js';

/** validation.go maxParallelismForIndexedJob and maxFailedIndexesForIndexedJob. */
export const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;
export const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000;
/** validation.go: above completionsSoftLimit, backoffLimitPerIndex needs maxFailedIndexes, both capped lower. */
export const COMPLETIONS_SOFT_LIMIT = 100_000;
export const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
export const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_INT32 = 2 ** 31 - 1;

/** A Job's spec (the fields the simulator runs; the others were checked for unknown names already). */
export function readJobSpec(spec: Reader, restartPolicy: string): JobSpec {
  const hasP = spec.has('parallelism');
  const hasC = spec.has('completions');
  // batch/v1 defaulting: neither set -> 1 and 1; only parallelism set -> work-queue mode (completions unset).
  const parallelism = spec.int('parallelism', 1);
  const completions = hasC ? spec.int('completions', 1) : hasP ? null : 1;
  const completionMode = spec.oneOf('completionMode', ['NonIndexed', 'Indexed'] as const, 'NonIndexed');
  if (completionMode === 'Indexed' && completions === null)
    throw spec.error('completionMode', 'completions is required when completionMode is Indexed');
  const ttl = spec.has('ttlSecondsAfterFinished') ? spec.int('ttlSecondsAfterFinished', 0) : undefined;
  const perIndex = spec.has('backoffLimitPerIndex') ? spec.int('backoffLimitPerIndex', 0) : undefined;
  const maxFailed = spec.has('maxFailedIndexes') ? spec.int('maxFailedIndexes', 0) : undefined;
  if (maxFailed !== undefined && perIndex === undefined)
    throw spec.error('maxFailedIndexes', 'backoffLimitPerIndex is required when maxFailedIndexes is set');
  if (completionMode === 'Indexed') {
    const c = completions!;
    if (parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB)
      throw spec.error(
        'parallelism',
        `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completionMode is Indexed, got ${parallelism}`,
      );
    if (maxFailed !== undefined && maxFailed > c)
      throw spec.error('maxFailedIndexes', `must be less than or equal to completions (${c}), got ${maxFailed}`);
    if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_FOR_INDEXED_JOB)
      throw spec.error('maxFailedIndexes', `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}, got ${maxFailed}`);
    if (c > COMPLETIONS_SOFT_LIMIT && perIndex !== undefined) {
      const high = `when completions is above ${COMPLETIONS_SOFT_LIMIT} with backoffLimitPerIndex`;
      if (maxFailed === undefined) throw spec.error('backoffLimitPerIndex', `maxFailedIndexes must be set ${high}`);
      if (parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS)
        throw spec.error(
          'parallelism',
          `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${high}, got ${parallelism}`,
        );
      if (maxFailed > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS)
        throw spec.error(
          'maxFailedIndexes',
          `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${high}, got ${maxFailed}`,
        );
    }
  } else {
    if (perIndex !== undefined) throw spec.error('backoffLimitPerIndex', 'requires completionMode Indexed');
    if (maxFailed !== undefined) throw spec.error('maxFailedIndexes', 'requires completionMode Indexed');
  }
  // SetDefaults_Job: backoffLimit 6, or 2^31-1 with backoffLimitPerIndex. For the latter kubesim keeps the most
  // failures the Job can count, completions × (backoffLimitPerIndex + 1): no smaller limit is ever reached.
  const defaultBackoffLimit = perIndex === undefined ? DEFAULT_BACKOFF_LIMIT : Math.min(MAX_INT32, completions! * (perIndex + 1));
  return {
    parallelism,
    completions,
    backoffLimit: spec.int('backoffLimit', defaultBackoffLimit),
    completionMode,
    activeDeadlineMs: spec.has('activeDeadlineSeconds') ? spec.int('activeDeadlineSeconds', 0, 1) * 1000 : null,
    ...(spec.has('podFailurePolicy')
      ? { podFailurePolicy: podFailurePolicy(spec.obj('podFailurePolicy')!, restartPolicy, perIndex !== undefined) }
      : {}),
    ...(perIndex !== undefined ? { backoffLimitPerIndex: perIndex } : {}),
    ...(maxFailed !== undefined ? { maxFailedIndexes: maxFailed } : {}),
    ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
  };
}

/**
 * batch/v1 validation of podFailurePolicy (validatePodFailurePolicy): up to 20 rules, each one requirement;
 * FailIndex only with backoffLimitPerIndex.
 */
function podFailurePolicy(r: Reader, restartPolicy: string, backoffLimitPerIndex: boolean): PodFailurePolicyRule[] {
  r.only(['rules'], 'a podFailurePolicy');
  if (restartPolicy !== 'Never') throw r.error(null, "podFailurePolicy requires the pod template's restartPolicy to be Never");
  const rules = r.list('rules');
  if (rules.length > 20) throw r.error('rules', `must have at most 20 items, got ${rules.length}`);
  return rules.map((x) => {
    x.only(['action', 'onExitCodes', 'onPodConditions'], 'a podFailurePolicy rule');
    if (!x.has('action')) throw x.error(null, 'missing required field "action"');
    const action = x.oneOf('action', ['FailJob', 'FailIndex', 'Ignore', 'Count'] as const, 'Count');
    if (action === 'FailIndex' && !backoffLimitPerIndex) throw x.error('action', 'FailIndex requires backoffLimitPerIndex to be set');
    if (x.has('onExitCodes') === x.has('onPodConditions')) throw x.error(null, 'specify exactly one of onExitCodes and onPodConditions');
    const e = x.obj('onExitCodes');
    if (e) {
      e.only(['containerName', 'operator', 'values'], 'onExitCodes');
      const operator = e.oneOf('operator', ['In', 'NotIn'] as const, 'In');
      if (!e.has('operator')) throw e.error(null, 'missing required field "operator"');
      const values = e.raw('values');
      if (!Array.isArray(values) || values.length === 0) throw e.error('values', 'expected a list of exit codes');
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255)
          throw e.error('values', `expected exit codes 0..255, got ${String(v)} at index ${i}`);
        if (operator === 'In' && v === 0) throw e.error('values', 'must not be 0 for the In operator');
        if (i > 0 && v <= (values[i - 1] as number)) throw e.error('values', 'must be ordered and without duplicates');
      });
      return {
        action,
        onExitCodes: { operator, values: values as number[], ...(e.has('containerName') ? { containerName: e.str('containerName') } : {}) },
      };
    }
    const conds = x.list('onPodConditions').map((c) => {
      c.only(['type', 'status'], 'a pod condition requirement');
      return { type: c.str('type'), status: c.oneOf('status', ['True', 'False', 'Unknown'] as const, 'True') };
    });
    return { action, onPodConditions: conds };
  });
}
