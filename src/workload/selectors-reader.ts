// Reading label selectors, node selector terms, tolerations and taints from manifests,
// with the API server's validation rules (k8s.io/apimachinery/pkg/apis/meta/v1/validation, core/v1 validation).
import {
  makeSelector,
  OPERATORS,
  TAINT_EFFECTS,
  type LabelSelector,
  type NodeSelectorTerm,
  type Operator,
  type Requirement,
  type Taint,
  type TaintEffect,
  type Toleration,
} from '../model/selectors.js';
import type { Reader } from './reader.js';

function requirement(r: Reader, allowed: readonly Operator[]): Requirement {
  r.only(['key', 'operator', 'values'], 'a selector requirement');
  const key = r.str('key');
  const operator = r.oneOf('operator', allowed, allowed[0]!);
  if (!r.has('operator')) throw r.error(null, 'missing required field "operator"');
  const values = r.strings('values');
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
    throw r.error('values', `operator ${operator} needs at least one value`);
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0)
    throw r.error('values', `operator ${operator} takes no values`);
  if (operator === 'Gt' || operator === 'Lt') {
    if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) throw r.error('values', `operator ${operator} needs exactly one integer value`);
  }
  return { key, operator, values };
}

/** metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function labelSelector(r: Reader | null): LabelSelector | null {
  if (!r) return null;
  r.only(['matchLabels', 'matchExpressions'], 'a label selector');
  const reqs: Requirement[] = [];
  for (const [key, v] of r.stringMap('matchLabels')) reqs.push({ key, operator: 'In', values: [v] });
  for (const e of r.list('matchExpressions')) reqs.push(requirement(e, ['In', 'NotIn', 'Exists', 'DoesNotExist']));
  return makeSelector(reqs);
}

export function nodeSelectorTerm(r: Reader): NodeSelectorTerm {
  r.only(['matchExpressions', 'matchFields'], 'a node selector term');
  const matchFields = r.list('matchFields').map((f) => {
    const req = requirement(f, OPERATORS);
    if (req.key !== 'metadata.name') throw f.error('key', 'matchFields supports only "metadata.name"');
    return req;
  });
  return { matchExpressions: r.list('matchExpressions').map((e) => requirement(e, OPERATORS)), matchFields };
}

export function toleration(r: Reader): Toleration {
  r.only(['key', 'operator', 'value', 'effect', 'tolerationSeconds'], 'a toleration');
  const operator = r.oneOf('operator', ['Equal', 'Exists'] as const, 'Equal');
  const key = r.str('key', '');
  const value = r.str('value', '');
  if (operator === 'Exists' && value !== '') throw r.error('value', 'a toleration with operator Exists takes no value');
  if (key === '' && operator !== 'Exists') throw r.error('operator', 'a toleration with an empty key must use operator Exists');
  const effect = r.oneOf('effect', ['', ...TAINT_EFFECTS] as const, '') as TaintEffect | '';
  const t: Toleration = { key, operator, value, effect };
  if (r.has('tolerationSeconds')) t.tolerationSeconds = r.int('tolerationSeconds', 0, -(2 ** 53), 2 ** 53);
  return t;
}

export function taint(r: Reader): Taint {
  r.only(['key', 'value', 'effect'], 'a taint');
  if (!r.has('effect')) throw r.error(null, 'missing required field "effect" (NoSchedule, PreferNoSchedule or NoExecute)');
  return { key: r.str('key'), value: r.str('value', ''), effect: r.oneOf('effect', TAINT_EFFECTS, 'NoSchedule') };
}
