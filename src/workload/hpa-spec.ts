// A HorizontalPodAutoscaler manifest (autoscaling/v2, or autoscaling/v1 with targetCPUUtilizationPercentage)
// as typed data, with the defaults of pkg/apis/autoscaling/v2/defaults.go (minReplicas 1; no metrics: CPU at
// 80% utilization) and the checks of pkg/apis/autoscaling/validation/validation.go. `behavior` is kept as
// written: the controller fills its defaults (GenerateHPAScaleUpRules / ScaleDownRules) when it is present,
// and takes the legacy path when it is not, as upstream does.
import { parseMilliQuantity, QuantityError } from '../model/quantity.js';
import type { ManifestObject } from './manifests.js';
import type { Reader } from './reader.js';

export type MetricTarget =
  | { readonly type: 'Utilization'; readonly averageUtilization: number }
  | { readonly type: 'AverageValue'; readonly averageValue: number }
  | { readonly type: 'Value'; readonly value: number };

export type HPAMetric =
  | { readonly type: 'Resource'; readonly resource: string; readonly container?: string; readonly target: MetricTarget }
  | { readonly type: 'Pods'; readonly metric: string; readonly target: MetricTarget }
  | { readonly type: 'Object'; readonly metric: string; readonly object: { kind: string; name: string }; readonly target: MetricTarget }
  | { readonly type: 'External'; readonly metric: string; readonly target: MetricTarget };

export interface HPAScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

/** One direction of spec.behavior, as written (absent fields undefined). */
export interface HPAScalingRules {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  readonly policies?: readonly HPAScalingPolicy[];
  /** HPAConfigurableTolerance: the tolerance of this direction. */
  readonly tolerance?: number;
}

export interface HPASpec {
  readonly name: string;
  readonly namespace: string;
  /** scaleTargetRef: resolved by API group and kind (the version is ignored, as upstream's scale client does). */
  readonly target: { readonly apiGroup: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metrics: readonly HPAMetric[];
  readonly behavior: { readonly scaleUp?: HPAScalingRules; readonly scaleDown?: HPAScalingRules } | null;
  readonly source: { readonly file: string; readonly line: number };
}

/** autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: CPU at 80% when no metric is given. */
export const DEFAULT_CPU_UTILIZATION = 80;
/** validation.go: MaxPeriodSeconds and MaxStabilizationWindowSeconds. */
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function quantity(r: Reader, key: string): number {
  const v = r.raw(key);
  if (typeof v !== 'string' && typeof v !== 'number') throw r.error(key, 'expected a quantity such as "500m" or "4"');
  let n: number;
  try {
    n = parseMilliQuantity(v) / 1000;
  } catch (e) {
    if (e instanceof QuantityError) throw r.error(key, `malformed quantity "${v}"`);
    throw e;
  }
  if (!(n > 0)) throw r.error(key, 'must be positive');
  return n;
}

function target(r: Reader, allowed: readonly MetricTarget['type'][]): MetricTarget {
  const t = r.obj('target');
  if (!t) throw r.error(null, 'missing required field "target"');
  t.only(['type', 'averageUtilization', 'averageValue', 'value'], 'a metric target');
  const type = t.oneOf('type', allowed, allowed[0]!);
  if (!t.has('type')) throw t.error(null, 'missing required field "type"');
  if (type === 'Utilization') {
    if (!t.has('averageUtilization')) throw t.error(null, 'missing required field "averageUtilization" for type Utilization');
    const u = t.int('averageUtilization', 0);
    if (u <= 0) throw t.error('averageUtilization', 'must be greater than 0');
    return { type, averageUtilization: u };
  }
  if (type === 'AverageValue') {
    if (!t.has('averageValue')) throw t.error(null, 'missing required field "averageValue" for type AverageValue');
    return { type, averageValue: quantity(t, 'averageValue') };
  }
  if (!t.has('value')) throw t.error(null, 'missing required field "value" for type Value');
  return { type: 'Value', value: quantity(t, 'value') };
}

function metricName(r: Reader): string {
  const m = r.obj('metric');
  if (!m) throw r.error(null, 'missing required field "metric"');
  m.only(['name', 'selector'], 'a metric identifier');
  return m.str('name');
}

function metric(m: Reader): HPAMetric {
  m.only(['type', 'resource', 'containerResource', 'pods', 'object', 'external'], 'a metric spec');
  const type = m.oneOf('type', ['Resource', 'ContainerResource', 'Pods', 'Object', 'External'] as const, 'Resource');
  if (!m.has('type')) throw m.error(null, 'missing required field "type"');
  const key = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' }[type];
  const b = m.obj(key);
  if (!b) throw m.error(null, `missing required field "${key}" for type ${type}`);
  if (type === 'Resource' || type === 'ContainerResource') {
    b.only(type === 'Resource' ? ['name', 'target'] : ['name', 'container', 'target'], `a ${type} metric`);
    const container = type === 'ContainerResource' ? { container: b.str('container') } : {};
    return { type: 'Resource', resource: b.str('name'), ...container, target: target(b, ['Utilization', 'AverageValue']) };
  }
  if (type === 'Pods') {
    b.only(['metric', 'target'], 'a Pods metric');
    return { type, metric: metricName(b), target: target(b, ['AverageValue']) };
  }
  if (type === 'Object') {
    b.only(['metric', 'describedObject', 'target'], 'an Object metric');
    const d = b.obj('describedObject');
    if (!d) throw b.error(null, 'missing required field "describedObject"');
    d.only(['apiVersion', 'kind', 'name'], 'a described object');
    return {
      type,
      metric: metricName(b),
      object: { kind: d.str('kind'), name: d.str('name') },
      target: target(b, ['Value', 'AverageValue']),
    };
  }
  b.only(['metric', 'target'], 'an External metric');
  return { type: 'External', metric: metricName(b), target: target(b, ['Value', 'AverageValue']) };
}

function rules(r: Reader | null): HPAScalingRules | undefined {
  if (!r) return undefined;
  r.only(['stabilizationWindowSeconds', 'selectPolicy', 'policies', 'tolerance'], 'HPA scaling rules');
  const out: { -readonly [K in keyof HPAScalingRules]: HPAScalingRules[K] } = {};
  if (r.has('stabilizationWindowSeconds'))
    out.stabilizationWindowSeconds = r.int('stabilizationWindowSeconds', 0, 0, MAX_STABILIZATION_WINDOW_SECONDS);
  if (r.has('selectPolicy')) out.selectPolicy = r.oneOf('selectPolicy', ['Max', 'Min', 'Disabled'] as const, 'Max');
  if (r.has('policies')) {
    const list = r.list('policies');
    if (list.length === 0) throw r.error('policies', 'must specify at least one Policy');
    out.policies = list.map((p) => {
      p.only(['type', 'value', 'periodSeconds'], 'an HPA scaling policy');
      if (!p.has('type')) throw p.error(null, 'missing required field "type"');
      const type = p.oneOf('type', ['Pods', 'Percent'] as const, 'Pods');
      const value = p.int('value', 0);
      if (value <= 0) throw p.error('value', 'must be greater than zero');
      const periodSeconds = p.int('periodSeconds', 0);
      if (periodSeconds <= 0) throw p.error('periodSeconds', 'must be greater than zero');
      if (periodSeconds > MAX_PERIOD_SECONDS) throw p.error('periodSeconds', `must be less than or equal to ${MAX_PERIOD_SECONDS}`);
      return { type, value, periodSeconds };
    });
  }
  if (r.has('tolerance')) {
    const t = Number(r.raw('tolerance'));
    if (!(t >= 0)) throw r.error('tolerance', 'must be greater than or equal to 0');
    out.tolerance = t;
  }
  return out;
}

/** The HPA of a manifest object (autoscaling/v2 or autoscaling/v1). */
export function readHPA(o: ManifestObject): HPASpec {
  const r = o.reader;
  r.only(['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'a HorizontalPodAutoscaler');
  const v1 = r.str('apiVersion') === 'autoscaling/v1';
  const spec = r.obj('spec');
  if (!spec) throw r.error(null, 'missing required field "spec"');
  spec.only(
    v1
      ? ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'targetCPUUtilizationPercentage']
      : ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'behavior'],
    'a HorizontalPodAutoscaler spec',
  );
  const ref = spec.obj('scaleTargetRef');
  if (!ref) throw spec.error(null, 'missing required field "scaleTargetRef"');
  ref.only(['apiVersion', 'kind', 'name'], 'a scale target reference');
  const apiVersion = ref.str('apiVersion', '');
  const apiGroup = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  const minReplicas = spec.int('minReplicas', 1);
  // HPAScaleToZero is alpha (off by default): minReplicas must be at least 1.
  if (minReplicas < 1) throw spec.error('minReplicas', 'must be greater than or equal to 1');
  if (!spec.has('maxReplicas')) throw spec.error(null, 'missing required field "maxReplicas"');
  const maxReplicas = spec.int('maxReplicas', 1);
  if (maxReplicas < 1) throw spec.error('maxReplicas', 'must be greater than 0');
  if (maxReplicas < minReplicas) throw spec.error('maxReplicas', `must be greater than or equal to \`minReplicas\` (${minReplicas})`);
  let metrics: HPAMetric[];
  if (v1) {
    const u = spec.int('targetCPUUtilizationPercentage', DEFAULT_CPU_UTILIZATION);
    if (u < 1) throw spec.error('targetCPUUtilizationPercentage', 'must be greater than or equal to 1');
    metrics = [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: u } }];
  } else {
    metrics = spec.list('metrics').map(metric);
    if (metrics.length === 0)
      metrics = [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } }];
  }
  const b = v1 ? null : spec.obj('behavior');
  b?.only(['scaleUp', 'scaleDown'], 'HPA behavior');
  const scaleUp = rules(b?.obj('scaleUp') ?? null);
  const scaleDown = rules(b?.obj('scaleDown') ?? null);
  return {
    name: o.name,
    namespace: o.namespace,
    target: { apiGroup, kind: ref.str('kind'), name: ref.str('name') },
    minReplicas,
    maxReplicas,
    metrics,
    behavior: b ? { ...(scaleUp ? { scaleUp } : {}), ...(scaleDown ? { scaleDown } : {}) } : null,
    source: { file: o.doc.file, line: o.doc.locate([]).line },
  };
}
