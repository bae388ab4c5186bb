// A trace entry's `priorities` mapping: trace priority numbers (Google 2011: 0..11; the simple format's
// priority column) become pod priorities only through the scenario's PriorityClasses. Unmapped priorities
// get what a pod without priorityClassName gets (0, or the globalDefault class), so a replay does not
// preempt the scenario's services unless the mapping says so.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { simulate } from '../../src/run/simulate.js';
import type { Row } from '../../src/metrics/collector.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const CLASSES = `---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: production}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: free}
value: -10
preemptionPolicy: Never
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: polite}
value: 1000
preemptionPolicy: Never
`;

const GLOBAL_DEFAULT = `---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: everyone}
value: 500
globalDefault: true
preemptionPolicy: Never
`;

const deploy = (name: string, replicas: number, cpu: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: x, resources: {requests: {cpu: "${cpu}"}}}]
`;

/** One SUBMIT row of task_events: time (µs), job, priority, CPU request (of 32 CPUs by default). */
const submit = (us: number, job: number, priority: number, cpu = 0.0625) => `${us},,${job},0,,0,u,0,${priority},${cpu},0.01,0,0`;
const googleTrace = (...priorities: number[]) => gzipSync(`${priorities.map((p, i) => submit(i * 1_000_000, i + 1, p)).join('\n')}\n`);

/** A scenario of one 4-CPU node, manifests m.yaml, and a trace entry (its fields as YAML flow text). */
function scenarioText(traceFields: string, at = '0s'): string {
  return `seed: 1
duration: 30m
cluster:
  nodePools:
    - name: p
      count: 1
      allocatable: {cpu: "4", memory: 16Gi}
workloads:
  - manifests: m.yaml
  - at: ${at}
    trace:
      name: replay
      ${traceFields}
`;
}

function load(files: Record<string, string | Uint8Array>): Scenario {
  return loadScenario(join(tempFiles(files), 's.yaml'));
}

function loadError(files: Record<string, string | Uint8Array>): ScenarioError {
  try {
    load(files);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected an error');
}

/** Priority, preemptionPolicy and priorityClassName of each replayed pod. */
function replayed(s: Scenario): [number, string, string][] {
  return s.arrivals[0]!.trace!.map((a) => [a.template.priority, a.template.preemptionPolicy, a.template.priorityClassName]);
}

const google = (priorities = '') =>
  `file: t.csv.gz\n      format: google-task-events\n${priorities ? `      priorities: ${priorities}\n` : ''}`;

describe('trace priorities without a mapping', () => {
  it('google-task-events: every task gets priority 0, whatever its trace priority', () => {
    const s = load({ 's.yaml': scenarioText(google()), 'm.yaml': CLASSES, 't.csv.gz': googleTrace(0, 5, 9, 11) });
    expect(replayed(s)).toEqual(Array(4).fill([0, 'PreemptLowerPriority', '']));
  });

  it('simple: the priority column maps the same way (unmapped: 0)', () => {
    const csv = 'time_s,cpu,memory,duration_s,priority\n0,500m,1Gi,60,0\n1,500m,1Gi,60,100\n2,500m,1Gi,60,-5\n';
    const s = load({ 's.yaml': scenarioText('file: t.csv'), 'm.yaml': CLASSES, 't.csv': csv });
    expect(replayed(s)).toEqual(Array(3).fill([0, 'PreemptLowerPriority', '']));
  });

  it("with a globalDefault PriorityClass, every task gets that class's value and preemptionPolicy, as a pod without a class does", () => {
    const s = load({
      's.yaml': scenarioText(google()),
      'm.yaml': CLASSES + GLOBAL_DEFAULT + deploy('web', 1, '100m'),
      't.csv.gz': googleTrace(0, 9),
    });
    expect(replayed(s)).toEqual(Array(2).fill([500, 'Never', '']));
    // The same as the Deployment's pods, which name no class either.
    const web = s.workloads.find((w) => w.name === 'web')!.template;
    expect([web.priority, web.preemptionPolicy]).toEqual([500, 'Never']);
  });
});

describe('trace priorities with a mapping', () => {
  it("google-task-events: a mapped task gets the class's value, preemptionPolicy and name; an unmapped one the default", () => {
    const s = load({
      's.yaml': scenarioText(google('{"0-1": free, "9-11": production, 8: system-cluster-critical}')),
      'm.yaml': CLASSES,
      't.csv.gz': googleTrace(0, 1, 5, 8, 9, 11),
    });
    expect(replayed(s)).toEqual([
      [-10, 'Never', 'free'],
      [-10, 'Never', 'free'],
      [0, 'PreemptLowerPriority', ''],
      [2000000000, 'PreemptLowerPriority', 'system-cluster-critical'],
      [1000, 'PreemptLowerPriority', 'production'],
      [1000, 'PreemptLowerPriority', 'production'],
    ]);
  });

  it('unmapped tasks get the globalDefault class when there is one', () => {
    const s = load({
      's.yaml': scenarioText(google('{"9-11": production}')),
      'm.yaml': CLASSES + GLOBAL_DEFAULT,
      't.csv.gz': googleTrace(3, 10),
    });
    expect(replayed(s)).toEqual([
      [500, 'Never', ''],
      [1000, 'PreemptLowerPriority', 'production'],
    ]);
  });

  it('simple: negative priorities and ranges, and a file without the priority column reads as priority 0', () => {
    const csv = 'time_s,cpu,memory,duration_s,priority\n0,500m,1Gi,60,-7\n1,500m,1Gi,60,100\n2,500m,1Gi,60,3\n';
    const s = load({
      's.yaml': scenarioText('file: t.csv\n      priorities: {"-10--1": free, "100-199": production}'),
      'm.yaml': CLASSES,
      't.csv': csv,
    });
    expect(replayed(s)).toEqual([
      [-10, 'Never', 'free'],
      [1000, 'PreemptLowerPriority', 'production'],
      [0, 'PreemptLowerPriority', ''],
    ]);
    const noColumn = load({
      's.yaml': scenarioText('file: t.csv\n      priorities: {0: production}'),
      'm.yaml': CLASSES,
      't.csv': 'time_s,cpu,memory,duration_s\n0,500m,1Gi,60\n',
    });
    expect(replayed(noColumn)).toEqual([[1000, 'PreemptLowerPriority', 'production']]);
  });
});

describe('a bad mapping', () => {
  const files = (priorities: string, format = 'google') => ({
    's.yaml': scenarioText(format === 'google' ? google(priorities) : `file: t.csv\n      priorities: ${priorities}`),
    'm.yaml': CLASSES,
    't.csv.gz': googleTrace(0),
    't.csv': 'time_s,cpu,memory,duration_s\n0,500m,1Gi,60\n',
  });
  const where = (e: ScenarioError) => [e.line, e.path, e.problem, e.hint];

  it('an unknown class name: file, line, field path and a did-you-mean', () => {
    const e = loadError(files('{"0-1": free, "9-11": prodution}'));
    expect(e.file).toMatch(/s\.yaml$/);
    expect(where(e)).toEqual([
      15,
      'workloads[1].trace.priorities.9-11',
      'no PriorityClass named "prodution"',
      'did you mean "production"?',
    ]);
    // with no close name, the hint says where classes come from
    expect(loadError(files('{"9-11": gold}')).hint).toBe('define it with a PriorityClass object in the manifests');
  });

  it('an unknown class name through the CLI: exit 2, one line', async () => {
    const dir = tempFiles(files('{"0-1": free, "9-11": prodution}'));
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: s.yaml:15:41: workloads[1].trace.priorities.9-11: no PriorityClass named "prodution" (did you mean "production"?)\n',
    );
  });

  it('a trace priority matched by two entries is refused, naming the later one', () => {
    expect(where(loadError(files('{"0-5": free, "9-11": production, "5-8": polite}')))).toEqual([
      15,
      'workloads[1].trace.priorities.5-8',
      'trace priority 5 is matched by both "0-5" and "5-8"',
      'each trace priority may be mapped once',
    ]);
    // a single value inside a range, whichever comes first in the file
    expect(loadError(files('{"10": polite, "9-11": production}')).problem).toBe('trace priority 10 is matched by both "10" and "9-11"');
    expect(loadError(files('{"-5--1": free, "-1": polite}', 'simple')).problem).toBe(
      'trace priority -1 is matched by both "-5--1" and "-1"',
    );
  });

  it('a range with its ends reversed, a key that is not a priority, a Google priority outside 0..11', () => {
    expect(where(loadError(files('{"11-9": production}')))).toEqual([
      15,
      'workloads[1].trace.priorities.11-9',
      'the range "11-9" has its ends reversed; write "9-11"',
      undefined,
    ]);
    expect(loadError(files('{high: production}')).problem).toBe(
      'expected a trace priority such as 9, or an inclusive range such as "9-11", got "high"',
    );
    expect(loadError(files('{"9..11": production}')).problem).toMatch(/^expected a trace priority/);
    expect(loadError(files('{"9-12": production}')).problem).toBe('google-task-events priorities are 0..11, got "9-12"');
    // the simple format's priorities are any integers
    expect(() => load(files('{"9-12": production}', 'simple'))).not.toThrow();
  });
});

describe('a replayed trace and a Deployment on a full node', () => {
  // One 4-CPU node full with two 2-CPU web pods; at 5m the trace submits one 2-CPU task of priority 9.
  function run(priorities: string) {
    const dir = tempFiles({
      's.yaml': scenarioText(google(priorities), '5m'),
      'm.yaml': CLASSES + deploy('web', 2, '2'),
      't.csv.gz': googleTrace(9),
    });
    const pods: Row[] = [];
    const r = simulate(loadScenario(join(dir, 's.yaml')), {
      timeseries: { write() {} },
      pods: { write: (x: Row) => pods.push(x) },
      nodes: { write() {} },
    });
    const outcome = (owner: string) =>
      pods
        .filter((p) => p[2] === owner)
        .map((p) => p[12])
        .sort();
    return { summary: r.summary, web: outcome('default/web'), replay: outcome('default/replay') };
  }

  it('with no mapping, the trace task waits and preempts nothing', () => {
    const r = run('');
    expect(r.summary.preemptions).toBe(0);
    expect(r.summary.pods_preempted).toBe(0);
    expect(r.web).toEqual(['Running', 'Running']);
    expect(r.replay).toEqual(['Pending']);
  });

  it('mapped to a higher class, it preempts one web pod, whose replacement then waits', () => {
    const r = run('{"9-11": production}');
    expect(r.summary.preemptions).toBe(1);
    expect(r.summary.pods_preempted).toBe(1);
    expect(r.web).toEqual(['Pending', 'Preempted', 'Running']);
    expect(r.replay).toEqual(['Running']);
  });

  it("mapped to a higher class with preemptionPolicy Never, it waits: the class's policy comes with it", () => {
    const r = run('{"9-11": polite}');
    expect(r.summary.pods_preempted).toBe(0);
    expect(r.web).toEqual(['Running', 'Running']);
    expect(r.replay).toEqual(['Pending']);
  });
});
