// PodDisruptionBudget manifests (policy/v1) -> budget specs, with the API server's validation
// (pkg/apis/policy/validation/validation.go ValidatePodDisruptionBudgetSpec).
import type { LabelSelector } from '../model/selectors.js';
import type { IntOrString, PodDisruptionBudgetSpec } from '../controllers/disruption/rules.js';
import type { ManifestObject } from './manifests.js';
import type { Reader } from './reader.js';
import { labelSelector } from './selectors-reader.js';

export interface BudgetSpec {
  name: string;
  namespace: string;
  /** policy/v1: a missing selector selects no pods; an empty one selects every pod of the namespace. */
  selector: LabelSelector | null;
  spec: PodDisruptionBudgetSpec;
  /** When the object is applied (virtual ms). */
  at: number;
  source: { file: string; line: number };
}

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent: an integer >= 0, or "N%" with N in 0..100. */
function intOrPercent(r: Reader, key: string): IntOrString | undefined {
  if (!r.has(key)) return undefined;
  const v = r.raw(key);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw r.error(key, `expected an integer >= 0 or a percentage such as "50%", got ${v}`);
    return v;
  }
  if (typeof v === 'string') {
    const m = /^([0-9]+)%$/.exec(v);
    if (!m) throw r.error(key, `expected an integer >= 0 or a percentage such as "50%", got "${v}"`);
    if (Number(m[1]) > 100) throw r.error(key, `must not be greater than 100%, got "${v}"`);
    return v;
  }
  throw r.error(key, 'expected an integer >= 0 or a percentage such as "50%"');
}

export function readPodDisruptionBudget(o: ManifestObject, at: number): BudgetSpec {
  const r = o.reader;
  r.only(['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'a PodDisruptionBudget');
  const spec = r.obj('spec');
  if (!spec) throw r.error(null, 'missing required field "spec"');
  spec.only(['minAvailable', 'maxUnavailable', 'selector', 'unhealthyPodEvictionPolicy'], 'a PodDisruptionBudget spec');
  const minAvailable = intOrPercent(spec, 'minAvailable');
  const maxUnavailable = intOrPercent(spec, 'maxUnavailable');
  if (minAvailable !== undefined && maxUnavailable !== undefined)
    throw spec.error('maxUnavailable', 'minAvailable and maxUnavailable cannot be both set', 'keep one of them');
  const unhealthyPodEvictionPolicy = spec.has('unhealthyPodEvictionPolicy')
    ? spec.oneOf('unhealthyPodEvictionPolicy', ['IfHealthyBudget', 'AlwaysAllow'] as const, 'IfHealthyBudget')
    : undefined;
  const sel = spec.obj('selector');
  return {
    name: o.name,
    namespace: o.namespace,
    selector: sel ? labelSelector(sel) : null,
    spec: {
      ...(minAvailable !== undefined ? { minAvailable } : {}),
      ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
      ...(unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy } : {}),
    },
    at,
    source: { file: o.doc.file, line: o.doc.locate([]).line },
  };
}
