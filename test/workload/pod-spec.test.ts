import { describe, expect, it } from 'vitest';
import { podRequests, imageName } from '../../src/workload/pod-spec.js';
import { execSleepMs } from '../../src/workload/lifecycle-spec.js';
import { loadWith } from '../helpers/scenario.js';

const v = (cpu: number, mem: number) => Float64Array.from([cpu, mem]);

// pkg/api/v1/resource/helpers_test.go shapes: effective requests with init and sidecar containers.
describe('podRequests', () => {
  it('is the sum of app containers, or the largest init container if larger', () => {
    expect([...podRequests([v(100, 10), v(200, 20)], [{ req: v(250, 5), sidecar: false }], v(0, 0))]).toEqual([300, 30]);
    expect([...podRequests([v(100, 10)], [{ req: v(500, 5), sidecar: false }], v(0, 0))]).toEqual([500, 10]);
  });
  it('adds sidecars to the app sum and to init containers that start after them', () => {
    // sidecar 50, then init 400: init phase needs 450; running needs app 100 + sidecar 50.
    expect([
      ...podRequests(
        [v(100, 10)],
        [
          { req: v(50, 1), sidecar: true },
          { req: v(400, 1), sidecar: false },
        ],
        v(0, 0),
      ),
    ]).toEqual([450, 11]);
    // init 400 before the sidecar: 400 alone; running: 150.
    expect([
      ...podRequests(
        [v(100, 10)],
        [
          { req: v(400, 1), sidecar: false },
          { req: v(50, 1), sidecar: true },
        ],
        v(0, 0),
      ),
    ]).toEqual([400, 11]);
  });
  it('adds pod overhead', () => {
    expect([...podRequests([v(100, 10)], [], v(250, 64))]).toEqual([350, 74]);
  });
});

describe('image names', () => {
  it.each([
    ['redis', 'redis:latest'],
    ['redis:7', 'redis:7'],
    ['host:5000/app', 'host:5000/app:latest'],
    ['busybox@sha256:abc', 'busybox@sha256:abc'],
  ])('%s -> %s', (a, b) => {
    expect(imageName(a)).toBe(b);
  });
});

const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${spec}`;

describe('manifests to templates', () => {
  it('defaults requests to limits and keeps explicit requests', () => {
    const s = loadWith(
      deployment(`      containers:
        - name: a
          image: web:1
          resources: {limits: {cpu: 500m, memory: 1Gi}}
        - name: b
          image: sidecar:1
          resources: {requests: {cpu: 100m}, limits: {cpu: 200m, memory: 64Mi}}
`),
    );
    const t = s.workloads[0]!.template;
    expect(t.requests[0]).toBe(600);
    expect(t.requests[1]).toBe(2 ** 30 + 64 * 2 ** 20);
    expect(t.nonZeroCpu).toBe(600);
  });

  it('uses the scoring defaults only for containers that leave cpu or memory unset', () => {
    const s = loadWith(
      deployment(`      containers:
        - name: a
          image: web:1
          resources: {requests: {cpu: 300m}}
        - name: b
          image: b:1
          resources: {requests: {cpu: "0", memory: 10Mi}}
`),
    );
    const t = s.workloads[0]!.template;
    expect(t.requests[0]).toBe(300);
    // container a has no memory key: 200Mi; container b set cpu 0 explicitly: stays 0.
    expect(t.nonZeroCpu).toBe(300);
    expect(t.nonZeroMemory).toBe(200 * 2 ** 20 + 10 * 2 ** 20);
  });

  it('reads scheduling constraints', () => {
    const s = loadWith(
      deployment(`      nodeSelector: {disktype: ssd}
      tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a, zone-b]}]
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 20
              preference: {matchExpressions: [{key: gen, operator: Gt, values: ["3"]}]}
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: web}}
      containers: [{name: a, image: web, resources: {requests: {cpu: 100m}}}]
`),
    );
    const t = s.workloads[0]!.template;
    expect([...t.nodeSelector]).toEqual([['disktype', 'ssd']]);
    expect(t.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
    expect(t.requiredNodeAffinity![0]!.matchExpressions[0]!.values).toEqual(['zone-a', 'zone-b']);
    expect(t.preferredNodeAffinity[0]!.weight).toBe(20);
    expect(t.podAntiAffinity[0]!.topologyKey).toBe('kubernetes.io/hostname');
    expect(t.podAntiAffinity[0]!.namespaces).toEqual(['default']);
    expect(t.topologySpread).toHaveLength(1);
    expect(t.topologySpreadDefaulted).toBe(false);
    expect(t.topologySpread[0]!.nodeAffinityPolicy).toBe('Honor');
    expect(t.topologySpread[0]!.nodeTaintsPolicy).toBe('Ignore');
    expect(t.images[0]!.name).toBe('web:latest');
  });

  it('gives Deployment pods the system default spreading constraints', () => {
    const s = loadWith(deployment(`      containers: [{name: a, image: web}]\n`));
    const t = s.workloads[0]!.template;
    expect(t.topologySpreadDefaulted).toBe(true);
    expect(t.topologySpread.map((c) => [c.topologyKey, c.maxSkew, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 3, 'ScheduleAnyway'],
      ['topology.kubernetes.io/zone', 5, 'ScheduleAnyway'],
    ]);
  });

  it('resolves PriorityClasses, including a global default, wherever they appear', () => {
    const s = loadWith(`${deployment(`      priorityClassName: high\n      containers: [{name: a, image: web}]\n`)}
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec: {containers: [{name: a, image: x}]}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
preemptionPolicy: Never
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: normal}
value: 10
globalDefault: true
`);
    const [web, bare] = s.workloads;
    expect(web!.template.priority).toBe(1000);
    expect(web!.template.preemptionPolicy).toBe('Never');
    expect(bare!.template.priority).toBe(10);
  });

  it('applies Job defaults: 1/1, and work-queue mode with only parallelism', () => {
    const job = (spec: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n${spec}  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: x}]\n`;
    const defaults = { completionMode: 'NonIndexed', activeDeadlineMs: null };
    expect(loadWith(job('')).workloads[0]!.job).toEqual({ parallelism: 1, completions: 1, backoffLimit: 6, ...defaults });
    expect(loadWith(job('  parallelism: 3\n')).workloads[0]!.job).toEqual({
      parallelism: 3,
      completions: null,
      backoffLimit: 6,
      ...defaults,
    });
    expect(loadWith(job('  completions: 5\n')).workloads[0]!.job!.parallelism).toBe(1);
  });

  it('lists kinds it accepts but does not simulate', () => {
    const s = loadWith(
      `apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n`,
    );
    expect([...s.notSimulated]).toEqual([['ConfigMap', 1]]);
    // Services are simulated: their endpoints take traffic.
    expect(s.services.map((x) => x.name)).toEqual(['a', 'b']);
    expect(s.workloads).toHaveLength(0);
  });
});

// pkg/apis/core/validation validateLifecycle, validateSleepAction, validateInitContainers.
describe('container lifecycle', () => {
  it.each<[string[], number | null]>([
    [['sleep', '5'], 5000],
    [['/bin/sleep', '2.5'], 2500],
    [['sleep', '1m'], 60_000],
    [['/bin/sh', '-c', 'sleep 15'], 15_000],
    [['sh', '-ec', ' sleep 3; '], 3000],
    [['bash', '-c', 'sleep infinity'], Infinity],
    [['/bin/sh', '-c', 'nodetool drain'], null],
    [['sleep', '5', '6'], null],
    [['sleep', 'five'], null],
    [['nginx', '-s', 'quit'], null],
  ])('execSleepMs(%j) → %s', (command, want) => {
    expect(execSleepMs(command)).toBe(want);
  });

  const spec = (extra: string) => `      terminationGracePeriodSeconds: 45\n${extra}`;
  it('keeps each container with its preStop hook, and init containers with their images and startup probes', () => {
    const t = loadWith(
      deployment(
        spec(`      initContainers:
        - {name: setup, image: setup:1}
        - name: proxy
          image: envoy:1
          restartPolicy: Always
          startupProbe: {tcpSocket: {port: 9901}}
          lifecycle: {preStop: {sleep: {seconds: 45}}}
      containers:
        - {name: a, image: web:1, lifecycle: {preStop: {exec: {command: [sleep, "10"]}}}}
        - {name: b, image: web:1, lifecycle: {preStop: {httpGet: {path: /drain, port: 80}}, postStart: {exec: {command: [warm]}}}}
        - {name: c, image: web:1}
`),
      ),
    ).workloads[0]!.template;
    expect(t.lifecycle).toEqual({
      initContainers: [
        { name: 'setup', restartable: false, image: { name: 'setup:1', sizeBytes: 200 * 2 ** 20 } },
        {
          name: 'proxy',
          restartable: true,
          image: { name: 'envoy:1', sizeBytes: 200 * 2 ** 20 },
          startupProbe: { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          preStop: { sleepMs: 45_000 },
        },
      ],
      containers: [{ name: 'a', preStop: { sleepMs: 10_000 } }, { name: 'b', preStop: { handler: 'httpGet' } }, { name: 'c' }],
    });
    // The app containers' images first, then the init containers'.
    expect(t.images.map((i) => i.name)).toEqual(['web:1', 'web:1', 'web:1', 'setup:1', 'envoy:1']);
  });

  it('leaves pods without init containers or preStop hooks as they were', () => {
    expect(loadWith(deployment('      containers: [{name: a, image: web:1}]\n')).workloads[0]!.template.lifecycle).toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    [
      'a sleep longer than the grace period',
      '      containers: [{name: a, image: web:1, lifecycle: {preStop: {sleep: {seconds: 46}}}}]\n',
      /lifecycle\.preStop\.sleep\.seconds: must be non-negative and less than terminationGracePeriodSeconds \(45\), got 46/,
    ],
    [
      'two handlers',
      '      containers: [{name: a, image: web:1, lifecycle: {preStop: {sleep: {seconds: 1}, exec: {command: [x]}}}}]\n',
      /lifecycle\.preStop\.sleep: may not specify more than 1 handler type \(got exec and sleep\)/,
    ],
    [
      'no handler',
      '      containers: [{name: a, image: web:1, lifecycle: {preStop: {}}}]\n',
      /lifecycle\.preStop: must specify a handler type/,
    ],
    [
      'a grpc handler (probes only)',
      '      containers: [{name: a, image: web:1, lifecycle: {preStop: {grpc: {port: 1}}}}]\n',
      /lifecycle\.preStop\.grpc: unknown field "grpc" in a preStop hook/,
    ],
    [
      'a probe on an init container that is not a sidecar',
      '      initContainers: [{name: i, image: x, readinessProbe: {exec: {command: [x]}}}]\n      containers: [{name: a, image: web:1}]\n',
      /initContainers\[0\]\.readinessProbe: may not be set for init containers without restartPolicy=Always/,
    ],
  ])('refuses %s', (_name, containers, message) => {
    expect(() => loadWith(deployment(spec(containers)))).toThrow(message);
  });
});
