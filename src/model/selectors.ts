// Label selectors, node selector terms, taints and tolerations, compiled from manifests.
// Matching follows k8s.io/apimachinery/pkg/labels (selector.go) and
// k8s.io/component-helpers/scheduling/corev1 (helpers.go, nodeaffinity/nodeaffinity.go).

export type Labels = ReadonlyMap<string, string>;
export const NO_LABELS: Labels = new Map();

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
export const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

export interface Requirement {
  key: string;
  operator: Operator;
  values: readonly string[];
}

/** A metav1.LabelSelector: matchLabels and matchExpressions, ANDed. An empty selector matches everything. */
export interface LabelSelector {
  requirements: readonly Requirement[];
  /** Canonical text, used as an index key. */
  key: string;
}

export function makeSelector(requirements: Requirement[]): LabelSelector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.operator < b.operator ? -1 : 1));
  const key = sorted.map((r) => `${r.key} ${r.operator} ${[...r.values].sort().join(',')}`).join(';');
  return { requirements: sorted, key };
}

export function selectorFromLabels(labels: Labels): LabelSelector {
  return makeSelector([...labels].map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })));
}

export function matchRequirement(r: Requirement, labels: Labels): boolean {
  const v = labels.get(r.key);
  switch (r.operator) {
    case 'In':
      return v !== undefined && r.values.includes(v);
    case 'NotIn':
      return v === undefined || !r.values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      // Gt/Lt compare integers; a non-integer label never matches (labels/selector.go).
      if (v === undefined || !/^-?\d+$/.test(v)) return false;
      const lhs = Number(v);
      const rhs = Number(r.values[0]);
      return r.operator === 'Gt' ? lhs > rhs : lhs < rhs;
    }
  }
}

export function matchSelector(s: LabelSelector, labels: Labels): boolean {
  for (const r of s.requirements) if (!matchRequirement(r, labels)) return false;
  return true;
}

/** A NodeSelectorTerm: its matchExpressions and matchFields are ANDed; an empty term matches nothing. */
export interface NodeSelectorTerm {
  matchExpressions: readonly Requirement[];
  /** matchFields supports only metadata.name, as upstream. */
  matchFields: readonly Requirement[];
}

export function matchNodeSelectorTerm(t: NodeSelectorTerm, nodeName: string, labels: Labels): boolean {
  if (t.matchExpressions.length === 0 && t.matchFields.length === 0) return false;
  for (const r of t.matchExpressions) if (!matchRequirement(r, labels)) return false;
  for (const r of t.matchFields) if (!matchRequirement(r, new Map([['metadata.name', nodeName]]))) return false;
  return true;
}

/** Terms are ORed (nodeaffinity.go: NodeSelector.Match). */
export function matchNodeSelectorTerms(terms: readonly NodeSelectorTerm[], nodeName: string, labels: Labels): boolean {
  for (const t of terms) if (matchNodeSelectorTerm(t, nodeName, labels)) return true;
  return false;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

export interface Toleration {
  key: string;
  operator: 'Exists' | 'Equal';
  value: string;
  /** '' tolerates every effect. */
  effect: TaintEffect | '';
  tolerationSeconds?: number;
}

/** k8s.io/api/core/v1/toleration.go ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  // An empty key with operator Exists matches every taint.
  if (t.operator === 'Exists') return true;
  return t.value === taint.value;
}

export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}
