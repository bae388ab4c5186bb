// The pod lifecycle around the app containers: init containers run one at a time before them (sidecars keep
// running), and a terminating pod's containers run their preStop hooks, get SIGTERM and exit, or are killed at the
// end of the grace period. Times are exact: podStartup 1 s, scheduling at once.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import { runScenario, tempFiles } from '../helpers/scenario.js';
import { kubesim } from '../helpers/cli.js';

const indent = (text: string, n: number) =>
  text
    .trim()
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n');

/** A scenario of one node and one bare pod with this spec; `entry` adds to its workloads entry, `extra` to the file. */
const scenario = (spec: string, entry = '', extra = '', pool = '') => `
name: lifecycle
duration: 10m
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  imageSize: 100Mi
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
${pool}
workloads:
  - objects:
      - apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
${indent(spec, 10)}
${indent(entry, 4)}
${extra}
`;

type Rows = Record<string, string | number>[];
/** [time, reason, message] of the pod's events. */
const events = (rows: Rows) => rows.filter((e) => e.object === 'pod/default/p').map((e) => [Number(e.time_s), e.reason, e.message]);
const times = (rows: Rows, reason: string) => rows.filter((e) => e.reason === reason).map((e) => Number(e.time_s));
const pod = (table: (n: string) => Rows) => table('pods').find((p) => p.pod === 'p')!;

const TWO_INIT = `
initContainers:
  - {name: a, image: setup:1}
  - {name: b, image: migrate:1}
containers: [{name: c, image: web:1}]`;

describe('init containers (kuberuntime_manager.go SyncPod, computeInitContainerActions)', () => {
  it('A 3 s then B 5 s: the app starts at bind + startup (1 s) + 8 s; the pod is Pending and not Ready until then', () => {
    const text = scenario(TWO_INIT, 'initRunTimeByName: {a: 3s, b: 5s}');
    const { table } = runScenario(text);
    expect(events(table('events'))).toEqual([
      [1, 'Created', 'Created container: a'],
      [1, 'Started', 'Started container a'],
      [4, 'Created', 'Created container: b'],
      [4, 'Started', 'Started container b'],
      [9, 'Created', 'Created container: c'],
      [9, 'Started', 'Started container c'],
    ]);
    expect([pod(table).scheduled_s, pod(table).started_s]).toEqual([0, 9]);

    // The phase along the way.
    const run = prepareRun(loadScenario(join(tempFiles({ 'scenario.yaml': text }), 'scenario.yaml')), {
      open: () => ({ write: () => {} }),
    });
    const at = (t: number) => {
      while ((run.sim.peekTime() ?? Infinity) <= t) run.advance(1);
      const p = run.cluster.podNamed('default', 'p')!;
      return [p.phase, p.ready];
    };
    expect(at(8_999)).toEqual(['Pending', false]);
    expect(at(9_000)).toEqual(['Running', true]);
  });

  it("pulls each init container's image just before it starts, then the app's: bind + pulls (3 × 2 s) + startup + 8 s", () => {
    const { table } = runScenario(scenario(TWO_INIT, 'initRunTimeByName: {a: 3s, b: 5s}', '', '      imagePullBandwidth: 50Mi'));
    // a: pulled 0–2, started 3 (startup 1 s), exits 6; b: pulled 6–8, runs 8–13; web: pulled 13–15, starts 15.
    expect(events(table('events'))).toEqual([
      [0, 'Pulling', 'Pulling image "setup:1"'],
      [2, 'Pulled', 'Successfully pulled image "setup:1" in 2.000s'],
      [3, 'Created', 'Created container: a'],
      [3, 'Started', 'Started container a'],
      [6, 'Pulling', 'Pulling image "migrate:1"'],
      [8, 'Pulled', 'Successfully pulled image "migrate:1" in 2.000s'],
      [8, 'Created', 'Created container: b'],
      [8, 'Started', 'Started container b'],
      [13, 'Pulling', 'Pulling image "web:1"'],
      [15, 'Pulled', 'Successfully pulled image "web:1" in 2.000s'],
      [15, 'Created', 'Created container: c'],
      [15, 'Started', 'Started container c'],
    ]);
    expect(pod(table).started_s).toBe(15);
  });

  it('without initRunTime every init container runs 1 s; initRunTime applies to each of them', () => {
    expect(pod(runScenario(scenario(TWO_INIT)).table).started_s).toBe(3);
    expect(pod(runScenario(scenario(TWO_INIT, 'initRunTime: 4s')).table).started_s).toBe(9);
    expect(pod(runScenario(scenario(TWO_INIT, 'initRunTime: 4s\ninitRunTimeByName: {b: 2s}')).table).started_s).toBe(7);
  });

  it('a failing init container with restartPolicy Never fails the pod; the app never starts', () => {
    const { table } = runScenario(scenario(`restartPolicy: Never\n${TWO_INIT}`, 'initRunTime: 3s\ninitExitCode: 2'));
    const p = pod(table);
    expect([p.started_s, p.finished_s, p.outcome]).toEqual(['', 4, 'Init:Error (exit code 2)']);
    expect(times(table('events'), 'Started')).toEqual([1]);
  });

  it('with OnFailure it restarts with CrashLoopBackOff (at once, then 10 s, 20 s, 40 s, 80 s …) and the pod stays Pending', () => {
    const { table } = runScenario(scenario(`restartPolicy: OnFailure\n${TWO_INIT}`, 'initRunTime: 3s\ninitExitCode: 1'));
    const started = times(table('events'), 'Started');
    // Each run lasts 3 s: the wait before a start is the gap to the previous start, minus 3 s.
    expect(started.slice(1, 6).map((t, i) => t - started[i]! - 3)).toEqual([0, 10, 20, 40, 80]);
    const backoffs = table('events')
      .filter((e) => e.reason === 'BackOff')
      .map((e) => String(e.message));
    expect(backoffs[0]).toBe('Back-off 10s restarting failed container a in pod default/p');
    const p = pod(table);
    expect([p.started_s, p.outcome]).toEqual(['', 'Pending']);
  });

  it('a sidecar with a startup probe and no warm-up counts as started at its first tick', () => {
    const spec = `
initContainers:
  - name: proxy
    image: envoy:1
    restartPolicy: Always
    startupProbe: {httpGet: {path: /ready, port: 9901}, periodSeconds: 5, failureThreshold: 10}
  - {name: migrate, image: migrate:1}
containers: [{name: c, image: web:1}]`;
    const { table } = runScenario(scenario(spec, 'initRunTime: 4s'));
    // Without a warm-up the startup probe passes at its first tick, at once: migrate 1–5, the app at 5.
    expect(pod(table).started_s).toBe(5);
  });

  it("a sidecar's startup probe holds back the next init container until it passes (ticks every 5 s, warm-up 12 s)", () => {
    const spec = `
initContainers:
  - name: proxy
    image: envoy:1
    restartPolicy: Always
    startupProbe: {httpGet: {path: /ready, port: 9901}, periodSeconds: 5, failureThreshold: 10}
  - {name: migrate, image: migrate:1}
containers: [{name: c, image: web:1}]`;
    // A Deployment, whose workload entry's warm-up applies: proxy starts at 1, passes at its tick at 15 s (16),
    // migrate runs 16–20, the app starts at 20.
    const text = `
name: lifecycle
duration: 10m
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
${indent(spec, 14)}
    initRunTime: 4s
    warmUp: 12s
`;
    const { table } = runScenario(text);
    const started = table('events')
      .filter((e) => e.reason === 'Started')
      .map((e) => [Number(e.time_s), e.message]);
    expect(started).toEqual([
      [1, 'Started container proxy'],
      [16, 'Started container migrate'],
      [20, 'Started container c'],
    ]);
    expect(table('pods')[0]!.started_s).toBe(20);
  });

  it('the machine fails during init: the init containers run again from the first when it is back', () => {
    const { table } = runScenario(scenario(TWO_INIT, 'initRunTime: 30s', `faults:\n  - nodeFailure: {node: a-0, at: 10s, for: 60s}`));
    // a starts at 1 and dies at 10; back at 70: a again at 71 (startup 1 s), b at 101, the app at 131.
    expect(times(table('events'), 'Started')).toEqual([1, 71, 101, 131]);
    expect(pod(table).started_s).toBe(131);
  });
});

describe('termination with preStop hooks (kuberuntime_container.go killContainer, grace period 30 s)', () => {
  const drain = 'faults:\n  - drain: {node: a-0, at: 60s}';
  const container = (lifecycle: string) => `containers:\n  - name: c\n    image: web:1\n    lifecycle: {preStop: ${lifecycle}}`;

  it('preStop sleep 5 s and shutdown 2 s: SIGTERM at +5 s, gone at +7 s', () => {
    const { table } = runScenario(scenario(container('{sleep: {seconds: 5}}'), 'shutdown: 2s', drain));
    const p = pod(table);
    expect([p.finished_s, p.outcome]).toEqual([67, 'Evicted']);
    expect(events(table('events')).filter((e) => e[1] === 'Killing')).toEqual([[60, 'Killing', 'Stopping container c']]);
  });

  it('preStop `sleep 40` (exec) with grace 30: cut off at 30 s, SIGKILL 2 s later (the minimum), gone at +32 s', () => {
    const { table } = runScenario(scenario(container('{exec: {command: [sleep, "40"]}}'), '', drain));
    expect(pod(table).finished_s).toBe(92);
    expect(events(table('events')).filter((e) => e[1] === 'Killing')).toEqual([
      [60, 'Killing', 'Stopping container c'],
      [92, 'Killing', 'Container c did not stop within its 30s grace period: SIGKILL (exit code 137)'],
    ]);
    // An app that handles SIGTERM at once exits at the end of the hook.
    const quick = runScenario(scenario(container('{exec: {command: [/bin/sh, -c, "sleep 40"]}}'), 'shutdown: 0s', drain));
    expect(pod(quick.table).finished_s).toBe(90);
    expect(times(quick.table('events'), 'Killing')).toEqual([60]);
  });

  it('an httpGet hook takes the entry preStop time', () => {
    const { table } = runScenario(scenario(container('{httpGet: {path: /drain, port: 8080}}'), 'preStop: 4s\nshutdown: 1s', drain));
    expect(pod(table).finished_s).toBe(65);
  });

  it('without a hook the container gets SIGTERM at once: shutdown 3 s → gone at +3 s; without shutdown at +30 s', () => {
    const plain = 'containers: [{name: c, image: web:1}]';
    expect(pod(runScenario(scenario(plain, 'shutdown: 3s', drain)).table).finished_s).toBe(63);
    const { table } = runScenario(scenario(plain, '', drain));
    expect(pod(table).finished_s).toBe(90);
    // A pod without init containers or preStop hooks records no container events.
    expect(events(table('events'))).toEqual([]);
  });

  it('a sidecar stops after the app container: its wait for the app comes off its grace period', () => {
    const spec = `
initContainers:
  - {name: proxy, image: envoy:1, restartPolicy: Always, lifecycle: {preStop: {sleep: {seconds: 3}}}}
${container('{sleep: {seconds: 5}}')}`;
    // c: preStop 0–5, SIGTERM at 5, exits at 7. proxy: preStop 0–3, waits for c until 7, SIGTERM at 7, exits at 9.
    const { table } = runScenario(scenario(spec, 'shutdown: 2s', drain));
    expect(pod(table).finished_s).toBe(69);
    expect(events(table('events')).filter((e) => e[1] === 'Killing')).toEqual([
      [60, 'Killing', 'Stopping container proxy'],
      [60, 'Killing', 'Stopping container c'],
    ]);
  });

  it('a pod deleted during init stops its running init container with the grace period', () => {
    // a runs from 1 s for 100 s; the drain at 60 s stops it: no hook, shutdown 2 s → gone at 62 s.
    const { table } = runScenario(scenario(TWO_INIT, 'initRunTime: 100s\nshutdown: 2s', drain));
    const p = pod(table);
    expect([p.started_s, p.finished_s]).toEqual(['', 62]);
  });
});

describe('random streams', () => {
  it("init containers draw from their own stream: another workload's run times are unchanged", () => {
    const web = (init: string) => `
name: streams
duration: 1h
cluster:
  podStartup: {uniform: {min: 1s, max: 3s}}
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 2
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
  - objects:
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: batch}
        spec:
          parallelism: 2
          completions: 8
          template:
            spec:
              restartPolicy: Never
              containers: [{name: c, image: job:1}]
    runTime: {exponential: {mean: 5m}}
  - objects:
      - apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
${indent(init, 10)}
          containers: [{name: c, image: web:1}]
    initRunTime: {uniform: {min: 1s, max: 9s}}
    shutdown: {uniform: {min: 1s, max: 9s}}
`;
    const runs = (text: string) =>
      runScenario(text)
        .table('pods')
        .filter((p) => p.pod !== 'p')
        .map((p) => [p.pod, p.created_s, p.scheduled_s, p.started_s, p.finished_s]);
    const withInit = runs(web('initContainers: [{name: a, image: setup:1}, {name: b, image: setup:1}]'));
    expect(withInit.length).toBe(8);
    expect(withInit).toEqual(runs(web('initContainers: []')));
  });
});

describe('the workloads entry fields', () => {
  it('`kubesim schema` describes them, none with a default', async () => {
    const r = await kubesim(['schema']);
    const entry = (
      JSON.parse(r.stdout) as { properties: { workloads: { items: { properties: Record<string, Record<string, unknown>> } } } }
    ).properties.workloads.items.properties;
    for (const k of ['initRunTime', 'preStop', 'shutdown'])
      expect(entry[k]!.anyOf, k).toEqual([{ $ref: '#/$defs/durationDistribution' }, { type: 'null' }]);
    expect(entry.initRunTimeByName!.additionalProperties).toEqual({ $ref: '#/$defs/durationDistribution' });
    expect([entry.initExitCode!.minimum, entry.initExitCode!.maximum]).toEqual([0, 255]);
    for (const k of ['initRunTime', 'initRunTimeByName', 'initExitCode', 'preStop', 'shutdown'])
      expect(entry[k]!.default, k).toBeUndefined();
  });

  it('an entry without them resolves as before; one with them keeps them', () => {
    const load = (entry: string) =>
      loadScenario(join(tempFiles({ 'scenario.yaml': scenario('containers: [{name: c, image: web:1}]', entry) }), 'scenario.yaml'))
        .resolvedYaml;
    expect(load('')).not.toMatch(/initRunTime|initExitCode|preStop|shutdown/);
    const given = load('shutdown: 2s\ninitExitCode: 1');
    expect(given).toMatch(/^ {4}shutdown: 2s$/m);
    expect(given).toMatch(/^ {4}initExitCode: 1$/m);
  });
});
