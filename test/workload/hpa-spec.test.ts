// HorizontalPodAutoscaler manifests: autoscaling/v2 and v1, with upstream's defaults and validation
// (pkg/apis/autoscaling/v2/defaults.go, pkg/apis/autoscaling/validation/validation.go).
import { describe, expect, it } from 'vitest';
import { parseYaml, toPlain } from '../../src/scenario/yaml-source.js';
import { readObject } from '../../src/workload/manifests.js';
import { readHPA } from '../../src/workload/hpa-spec.js';

function hpa(text: string) {
  const doc = parseYaml(text, 'hpa.yaml')[0]!;
  return readHPA(readObject(doc, toPlain(doc))!);
}

function error(text: string): string {
  try {
    hpa(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const v2 = (spec: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
${spec}`;

describe('HorizontalPodAutoscaler manifests', () => {
  it('autoscaling/v1 as the sock-shop writes it: an old apiVersion in the target, CPU utilization', () => {
    const h = hpa(`---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: cart
  namespace: sock-shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1beta1
    kind: Deployment
    name: cart

  minReplicas: 1
  maxReplicas: 10
  targetCPUUtilizationPercentage: 50
`);
    expect(h).toMatchObject({
      name: 'cart',
      namespace: 'sock-shop',
      target: { apiGroup: 'apps', kind: 'Deployment', name: 'cart' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } }],
      behavior: null,
    });
  });

  it('autoscaling/v2 defaults: minReplicas 1, CPU at 80% without metrics, behavior kept as written', () => {
    const h = hpa(
      v2(
        '  maxReplicas: 5\n  behavior: {scaleDown: {stabilizationWindowSeconds: 30, policies: [{type: Percent, value: 100, periodSeconds: 15}]}}',
      ),
    );
    expect(h.minReplicas).toBe(1);
    expect(h.metrics).toEqual([{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } }]);
    expect(h.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 30, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('Pods, Object and External metrics with their targets', () => {
    const h = hpa(
      v2(`  maxReplicas: 5
  metrics:
    - {type: Pods, pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: 500m}}}
    - {type: Object, object: {metric: {name: queue_depth}, describedObject: {apiVersion: v1, kind: Service, name: web}, target: {type: Value, value: "30"}}}
    - {type: External, external: {metric: {name: backlog}, target: {type: AverageValue, averageValue: 4}}}
    - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 512Mi}}}`),
    );
    expect(h.metrics).toEqual([
      { type: 'Pods', metric: 'requests_per_second', target: { type: 'AverageValue', averageValue: 0.5 } },
      { type: 'Object', metric: 'queue_depth', object: { kind: 'Service', name: 'web' }, target: { type: 'Value', value: 30 } },
      { type: 'External', metric: 'backlog', target: { type: 'AverageValue', averageValue: 4 } },
      { type: 'Resource', resource: 'memory', target: { type: 'AverageValue', averageValue: 512 * 1024 * 1024 } },
    ]);
  });

  it('refuses what the API server refuses, with the field', () => {
    const cases: [string, RegExp][] = [
      ['  minReplicas: 5\n  maxReplicas: 2', /spec\.maxReplicas: must be greater than or equal to `minReplicas` \(5\)/],
      ['  minReplicas: 0\n  maxReplicas: 2', /spec\.minReplicas: must be greater than or equal to 1/],
      ['  minReplicas: 1', /missing required field "maxReplicas"/],
      [
        '  maxReplicas: 2\n  metrics: [{type: Pods, pods: {metric: {name: x}, target: {type: Utilization, averageUtilization: 50}}}]',
        /target\.type: expected one of AverageValue/,
      ],
      [
        '  maxReplicas: 2\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}}]',
        /averageUtilization: must be greater than 0/,
      ],
      ['  maxReplicas: 2\n  behavior: {scaleUp: {policies: []}}', /must specify at least one Policy/],
      [
        '  maxReplicas: 2\n  behavior: {scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 1801}]}}',
        /periodSeconds: must be less than or equal to 1800/,
      ],
      [
        '  maxReplicas: 2\n  behavior: {scaleDown: {selectPolicy: Maximum}}',
        /spec\.behavior\.scaleDown\.selectPolicy: expected one of Max, Min, Disabled, got "Maximum"/,
      ],
      ['  maxReplicas: 2\n  metric: []', /unknown field "metric" in a HorizontalPodAutoscaler spec \(did you mean "metrics"\?\)/],
    ];
    for (const [spec, want] of cases) expect(error(v2(spec)), spec).toMatch(want);
  });
});
