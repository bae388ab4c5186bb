// Fidelity checks through whole runs: a scenario's text goes the normal way (load, controllers, scheduler,
// kubelet, metrics) and its output rows are compared with sequences worked out by hand from the upstream
// controllers: the Deployment controller's rolling update (pkg/controller/deployment/rolling.go) for the
// documented strategies, and the HPA under a step load (horizontal.go, replica_calculator.go).
import { runs, type Check } from './validate-util.js';

/** A Deployment named web of `replicas` pods of 100m, with its strategy line. */
function deployment(replicas: number, strategy = ''): string {
  return `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: ${replicas}${strategy ? `\n          strategy: ${strategy}` : ''}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web:1, resources: {requests: {cpu: 100m, memory: 64Mi}}}]`;
}

type Step = readonly [action: string, old: number, updated: number];

/** k steps of one old pod down then one new pod up, from old o and new n. */
function oneByOne(k: number, o: number, n: number): Step[] {
  return Array.from({ length: k }, (_, i) => [
    ['scale_down', o - i - 1, n + i] as const,
    ['scale_up', o - i - 1, n + i + 1] as const,
  ]).flat();
}

/**
 * 10 replicas rolled from web:1 to web:2; every pod is Ready 1 s after binding (podStartup's default, no probes,
 * no image pull) and scheduling takes no virtual time, so each second is one round of rolling.go's
 * reconcileNewReplicaSet then reconcileOldReplicaSets. The sequences are those of
 * test/controllers/deployment-rollout.test.ts, worked out there step by step.
 */
const ROLLING: { name: string; surge: string; unavailable: string; want: Step[] }[] = [
  {
    // at most 13 pods, at least 8 available
    name: '25%/25%',
    surge: '25%',
    unavailable: '25%',
    want: [
      ['start', 10, 3],
      ['scale_down', 8, 3],
      ['scale_up', 8, 5],
      ['scale_down', 3, 5],
      ['scale_up', 3, 10],
      ['scale_down', 0, 10],
      ['complete', 0, 10],
    ],
  },
  {
    name: '1/0',
    surge: '1',
    unavailable: '0',
    want: [['start', 10, 1], ...oneByOne(9, 10, 1), ['scale_down', 0, 10], ['complete', 0, 10]],
  },
  {
    name: '0/1',
    surge: '0',
    unavailable: '1',
    want: [['start', 10, 0], ...oneByOne(10, 10, 0), ['complete', 0, 10]],
  },
  {
    name: '30%/0',
    surge: '30%',
    unavailable: '0',
    want: [
      ['start', 10, 3],
      ['scale_down', 7, 3],
      ['scale_up', 7, 6],
      ['scale_down', 4, 6],
      ['scale_up', 4, 9],
      ['scale_down', 1, 9],
      ['scale_up', 1, 10],
      ['scale_down', 0, 10],
      ['complete', 0, 10],
    ],
  },
];

const stepText = (s: readonly Step[]) => s.map(([, o, n]) => `${o}/${n}`).join(' ');

function rollingUpdate(c: (typeof ROLLING)[number]): Check {
  const r = runs(
    `name: v
duration: 5m
cluster:
  nodePools: [{name: p, count: 4, allocatable: {cpu: "16", memory: 64Gi}}]
workloads:
  - objects:${deployment(10, `{type: RollingUpdate, rollingUpdate: {maxSurge: ${c.surge}, maxUnavailable: ${c.unavailable}}}`)}
rollouts:
  - {at: 2m, deployment: web, set: {image: web:2}}
`,
    ['rollouts.csv'],
    ['scheduler.latency=0s'],
  );
  const got: Step[] = r
    .rows('rollouts.csv')
    .filter((x) => x.action !== 'drained')
    .map((x) => [String(x.action), Number(x.old_replicas), Number(x.new_replicas)] as const);
  const same = JSON.stringify(got) === JSON.stringify(c.want);
  return {
    check: `rolling update of 10 replicas, ${c.name}, a whole run: (old/new) after each step`,
    expected: stepText(c.want),
    measured: same ? 'the same' : stepText(got),
    tolerance: 'exact',
    pass: same,
  };
}

/**
 * test/controllers/hpa.test.ts's case: 2 pods of 100m, a load of 100m that steps to 400m at 5 min and back at
 * 20 min, target 50%, no behavior: 4 at 315 s (the scale-up limit max(2 x 2, 4)), 8 at 330 s (the highest
 * recommendation of the last 300 s), 3 at 1515 s (when the 8 recommended at 1200 s leaves the window: 12.5m per
 * pod reads as 13m, MilliValue rounding up, so 13% and ceil(0.26 x 8) = 3).
 */
function hpaStepLoad(): Check {
  const r = runs(
    `name: v
duration: 30m
metrics: {interval: 1m}
cluster:
  nodePools: [{name: p, count: 2, allocatable: {cpu: "8", memory: 32Gi}}]
workloads:
  - cpuLoad: {steps: [{at: 0s, cpu: 100m}, {at: 5m, cpu: 400m}, {at: 20m, cpu: 100m}]}
    objects:${deployment(2)}
      - apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 10
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`,
    ['events.csv'],
  );
  const got = r
    .rows('events.csv')
    .filter((e) => e.reason === 'SuccessfulRescale')
    .map((e) => `${e.time_s} s: ${/^New size: (\d+)/.exec(String(e.message))?.[1]}`)
    .join(', ');
  const want = '315 s: 4, 330 s: 8, 1515 s: 3';
  return {
    check: 'HPA, legacy path: 2 pods at a 100m → 400m → 100m step load, target 50%: rescales',
    expected: want,
    measured: got,
    tolerance: 'exact',
    pass: got === want,
  };
}

export function wholeRuns(): Check[] {
  return [...ROLLING.map(rollingUpdate), hpaStepLoad()];
}
