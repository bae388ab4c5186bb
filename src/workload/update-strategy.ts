// spec.updateStrategy of a StatefulSet or DaemonSet (apps/v1), with the defaults of pkg/apis/apps/v1/defaults.go
// (SetDefaults_StatefulSet, SetDefaults_DaemonSet) and the checks of pkg/apis/apps/validation/validation.go
// (ValidateStatefulSetUpdateStrategy / validateRollingUpdateStatefulSet, ValidateDaemonSetUpdateStrategy /
// ValidateRollingUpdateDaemonSet), v1.36. The caller has checked the spec's field names.
import type { IntOrPercent, UpdateStrategy } from '../model/workloads.js';
import { describeValue } from '../scenario/errors.js';
import type { Reader } from './reader.js';

/** validation.IsValidPercent: digits followed by "%". */
const PERCENT = /^[0-9]+%$/;
const EXPECTED = 'expected a non-negative integer or a percentage such as "25%"';

/** An IntOrString as ValidatePositiveIntOrPercent and IsNotMoreThan100Percent check it; undefined when unset. */
function intOrPercent(r: Reader, key: string): IntOrPercent | undefined {
  const v = r.raw(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) throw r.error(key, `${EXPECTED}, ${describeValue(v)}`);
    return v;
  }
  if (typeof v !== 'string' || !PERCENT.test(v)) throw r.error(key, `${EXPECTED}, ${describeValue(v)}`);
  if (Number(v.slice(0, -1)) > 100) throw r.error(key, 'must not be greater than 100%');
  return v;
}

/** getIntOrPercentValue: the number, or the percentage's number. */
const valueOf = (v: IntOrPercent) => (typeof v === 'number' ? v : Number(v.slice(0, -1)));

/** The default StatefulSet strategy: RollingUpdate with partition 0 (maxUnavailable is left unset). */
export const DEFAULT_STATEFULSET_UPDATE_STRATEGY: UpdateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
/** The default DaemonSet strategy: RollingUpdate with maxUnavailable 1 and maxSurge 0. */
export const DEFAULT_DAEMONSET_UPDATE_STRATEGY: UpdateStrategy = {
  type: 'RollingUpdate',
  rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
};

/** A StatefulSet's spec.updateStrategy; absent from the result when the manifest has none (the default applies). */
export function statefulSetUpdateStrategy(spec: Reader): { updateStrategy?: UpdateStrategy } {
  const s = spec.obj('updateStrategy');
  if (!s) return {};
  s.only(['type', 'rollingUpdate'], 'a StatefulSet updateStrategy');
  const type = s.oneOf('type', ['RollingUpdate', 'OnDelete'] as const, 'RollingUpdate');
  const ru = s.obj('rollingUpdate');
  if (!ru)
    // SetDefaults_StatefulSet fills rollingUpdate in only when it defaults the type as well.
    return { updateStrategy: { type, rollingUpdate: type === 'RollingUpdate' && !s.has('type') ? { partition: 0 } : null } };
  if (type === 'OnDelete') throw s.error('rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'");
  ru.only(['partition', 'maxUnavailable'], 'a StatefulSet rollingUpdate');
  const partition = ru.int('partition', 0);
  const maxUnavailable = intOrPercent(ru, 'maxUnavailable');
  if (maxUnavailable !== undefined && valueOf(maxUnavailable) === 0) throw ru.error('maxUnavailable', 'cannot be 0');
  return { updateStrategy: { type, rollingUpdate: maxUnavailable === undefined ? { partition } : { partition, maxUnavailable } } };
}

/** A DaemonSet's spec.updateStrategy; absent from the result when the manifest has none (the default applies). */
export function daemonSetUpdateStrategy(spec: Reader): { updateStrategy?: UpdateStrategy } {
  const s = spec.obj('updateStrategy');
  if (!s) return {};
  s.only(['type', 'rollingUpdate'], 'a DaemonSet updateStrategy');
  const type = s.oneOf('type', ['RollingUpdate', 'OnDelete'] as const, 'RollingUpdate');
  const ru = s.obj('rollingUpdate');
  ru?.only(['maxUnavailable', 'maxSurge'], 'a DaemonSet rollingUpdate');
  // OnDelete ignores rollingUpdate (it is not validated either).
  if (type === 'OnDelete') return { updateStrategy: { type, rollingUpdate: null } };
  const maxUnavailable = (ru && intOrPercent(ru, 'maxUnavailable')) ?? 1;
  const maxSurge = (ru && intOrPercent(ru, 'maxSurge')) ?? 0;
  const hasUnavailable = valueOf(maxUnavailable) !== 0;
  const hasSurge = valueOf(maxSurge) !== 0;
  if (hasUnavailable && hasSurge)
    throw ru!.error(
      'maxSurge',
      'may not be set when maxUnavailable is non-zero',
      ru!.has('maxUnavailable') ? undefined : 'maxUnavailable defaults to 1: set it to 0 to surge',
    );
  if (!hasUnavailable && !hasSurge) throw ru!.error('maxUnavailable', 'cannot be 0 when maxSurge is 0');
  return { updateStrategy: { type, rollingUpdate: { maxUnavailable, maxSurge } } };
}
