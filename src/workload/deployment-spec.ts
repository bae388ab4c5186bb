// A Deployment's rollout fields (apps/v1 DeploymentSpec): strategy, revisionHistoryLimit, paused and
// progressDeadlineSeconds, with the defaults of pkg/apis/apps/v1/defaults.go SetDefaults_Deployment and the
// checks of pkg/apis/apps/validation/validation.go ValidateDeploymentSpec / ValidateRollingUpdateDeployment.
import type { DeploymentRollout, IntOrPercent } from '../model/workloads.js';
import { describeValue } from '../scenario/errors.js';
import type { Reader } from './reader.js';

import {
  DEFAULT_MAX_SURGE,
  DEFAULT_MAX_UNAVAILABLE,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
} from '../controllers/deployment/calc.js';

const PERCENT = /^(0|[1-9][0-9]*)%$/;

/** An IntOrString field as ValidatePositiveIntOrPercent checks it: a non-negative integer or "N%". */
function intOrPercent(r: Reader, key: string, dflt: IntOrPercent): IntOrPercent {
  const v = r.raw(key);
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
      throw r.error(key, `expected a non-negative integer or a percentage such as "25%", ${describeValue(v)}`);
    return v;
  }
  if (typeof v === 'string' && PERCENT.test(v)) return v;
  throw r.error(key, `expected a non-negative integer or a percentage such as "25%", ${describeValue(v)}`);
}

const isZero = (v: IntOrPercent) => v === 0 || v === '0%';
const percentOf = (v: IntOrPercent) => (typeof v === 'string' ? Number(v.slice(0, -1)) : null);

/** The rollout fields of a Deployment spec (the caller has checked the spec's field names). */
export function deploymentRollout(spec: Reader, minReadySeconds: number): DeploymentRollout {
  const strategy = spec.obj('strategy');
  strategy?.only(['type', 'rollingUpdate'], 'a Deployment strategy');
  const type = strategy ? strategy.oneOf('type', ['RollingUpdate', 'Recreate'] as const, 'RollingUpdate') : 'RollingUpdate';
  const ru = strategy?.obj('rollingUpdate') ?? null;
  if (type === 'Recreate' && ru) throw strategy!.error('rollingUpdate', "may not be specified when strategy `type` is 'Recreate'");
  ru?.only(['maxSurge', 'maxUnavailable'], 'a rolling update');
  const maxSurge = ru ? intOrPercent(ru, 'maxSurge', DEFAULT_MAX_SURGE) : DEFAULT_MAX_SURGE;
  const maxUnavailable = ru ? intOrPercent(ru, 'maxUnavailable', DEFAULT_MAX_UNAVAILABLE) : DEFAULT_MAX_UNAVAILABLE;
  if (type === 'RollingUpdate') {
    if ((percentOf(maxUnavailable) ?? 0) > 100) throw ru!.error('maxUnavailable', 'must not be greater than 100%');
    if (isZero(maxSurge) && isZero(maxUnavailable)) throw ru!.error('maxUnavailable', 'may not be 0 when `maxSurge` is 0');
  }
  const progressDeadlineSeconds = spec.int('progressDeadlineSeconds', DEFAULT_PROGRESS_DEADLINE_SECONDS);
  if (spec.has('progressDeadlineSeconds') && progressDeadlineSeconds <= minReadySeconds)
    throw spec.error('progressDeadlineSeconds', 'must be greater than minReadySeconds');
  return {
    type,
    maxSurge: type === 'RollingUpdate' ? maxSurge : 0,
    maxUnavailable: type === 'RollingUpdate' ? maxUnavailable : 0,
    revisionHistoryLimit: spec.int('revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT),
    paused: spec.bool('paused', false),
    progressDeadlineSeconds,
  };
}
