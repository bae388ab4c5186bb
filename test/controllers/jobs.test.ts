// Jobs beyond the basics: Indexed completion, activeDeadlineSeconds, podFailurePolicy (matchPodFailurePolicy
// as a table shaped like pod_failure_policy_test.go, then whole runs), pods deleted before they finish,
// ttlSecondsAfterFinished, and backoffLimitPerIndex with maxFailedIndexes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchPodFailurePolicy, type FailedPod, type PodFailurePolicyRule } from '../../src/controllers/job/pod-failure-policy.js';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import type { Row } from '../../src/metrics/collector.js';
import type { Workload } from '../../src/model/workloads.js';
import { runScenario, tempFiles } from '../helpers/scenario.js';

const failed = (exitCode: number | null, disruption = false): FailedPod => ({
  containers: [{ name: 'main', exitCode }],
  conditions: new Map(disruption ? [['DisruptionTarget', 'True' as const]] : []),
});

describe('matchPodFailurePolicy (pod_failure_policy.go)', () => {
  const ignoreDisruptions: PodFailurePolicyRule = { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] };
  const failOn42: PodFailurePolicyRule = { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } };
  const countNotIn: PodFailurePolicyRule = { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } };
  it.each<[string, PodFailurePolicyRule[], FailedPod, { action: string; rule: number } | null]>([
    ['exit code In matches', [failOn42], failed(42), { action: 'FailJob', rule: 0 }],
    ['exit code In does not match', [failOn42], failed(1), null],
    ['exit code 0 never matches NotIn', [countNotIn], failed(0), null],
    ['NotIn matches an exit code outside the set', [countNotIn], failed(3), { action: 'Count', rule: 0 }],
    ['NotIn does not match a code in the set', [countNotIn], failed(2), null],
    ['DisruptionTarget condition matches', [ignoreDisruptions], failed(null, true), { action: 'Ignore', rule: 0 }],
    ['no DisruptionTarget condition: no match', [ignoreDisruptions], failed(137), null],
    ['the first matching rule wins', [ignoreDisruptions, failOn42, countNotIn], failed(42, true), { action: 'Ignore', rule: 0 }],
    ['a later rule when earlier ones do not match', [ignoreDisruptions, failOn42], failed(42), { action: 'FailJob', rule: 1 }],
    [
      'containerName restricts the check',
      [{ action: 'FailJob', onExitCodes: { containerName: 'side', operator: 'In', values: [42] } }],
      failed(42),
      null,
    ],
  ])('%s', (_name, rules, pod, want) => {
    expect(matchPodFailurePolicy(rules, pod)).toEqual(want);
  });
});

const scenario = (job: string, entry: string, faults = '') => `
name: jobs
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 2
      allocatable: {cpu: "8", memory: 32Gi}
${faults}
workloads:
  - objects:
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: train}
        spec:
${job
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: train:1, resources: {requests: {cpu: 100m}}}]
${entry}
`;

describe('Jobs in a run', () => {
  it('Indexed: one success per index, pods named <job>-<index>-<suffix>, lowest free index first', () => {
    const { table } = runScenario(scenario('completionMode: Indexed\ncompletions: 3\nparallelism: 2', '    runTime: 5s'));
    const pods = table('pods').map((p) => [String(p.pod).replace(/-[^-]+$/, ''), p.created_s, p.outcome]);
    expect(pods).toEqual([
      ['train-0', 0, 'Succeeded'],
      ['train-1', 0, 'Succeeded'],
      ['train-2', 6, 'Succeeded'],
    ]);
  });

  it('activeDeadlineSeconds: the Job fails when it has been active that long, deleting its pods', () => {
    const { table } = runScenario(scenario('activeDeadlineSeconds: 20', '    runTime: 60s'));
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[20, 'DeadlineExceeded']]);
    // Deleted with the pod's 30 s grace period.
    expect(table('pods').map((p) => [p.finished_s, p.outcome])).toEqual([[50, 'DeadlineExceeded']]);
  });

  it('podFailurePolicy FailJob on an exit code fails the Job at the first such failure, whatever backoffLimit says', () => {
    const policy = 'backoffLimit: 6\npodFailurePolicy:\n  rules:\n    - action: FailJob\n      onExitCodes: {operator: In, values: [42]}';
    const { table } = runScenario(scenario(policy, '    runTime: 5s\n    exitCode: 42'));
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[6, 'PodFailurePolicy']]);
    expect(table('pods').length).toBe(1);
  });

  it('a pod lost to a node failure counts as failed when deleted; podFailurePolicy Ignore on DisruptionTarget does not count it', () => {
    // One of the two nodes fails at 10 s for 10 min: its pod is evicted by the taint manager (300 s
    // after NotReady) and deleted when the node returns at 610 s, which counts it as a failure.
    const fault = 'faults:\n  - nodeFailure: {pool: a, count: 1, at: 10s, for: 10m}';
    const job = (rules: string) => `backoffLimit: 0\nparallelism: 2\ncompletions: 2${rules}`;
    const plain = runScenario(scenario(job(''), '    runTime: 50m', fault));
    const ignore = runScenario(
      scenario(
        job('\npodFailurePolicy:\n  rules:\n    - action: Ignore\n      onPodConditions: [{type: DisruptionTarget, status: "True"}]'),
        '    runTime: 50m',
        fault,
      ),
    );
    const at = (r: typeof plain, reason: string) =>
      r
        .table('events')
        .filter((e) => e.reason === reason)
        .map((e) => Number(e.time_s));
    expect(at(plain, 'TaintManagerEviction')).toEqual([at(plain, 'NodeNotReady')[0]! + 300]);
    expect(at(plain, 'BackoffLimitExceeded')).toEqual([610]);
    expect(at(ignore, 'TaintManagerEviction')).toEqual(at(plain, 'TaintManagerEviction'));
    expect(at(ignore, 'BackoffLimitExceeded')).toEqual([]);
    expect(ignore.table('pods').filter((p) => p.outcome === 'Succeeded').length).toBe(2);
  });
});

/** Pods that fail: those whose names match, with this exit code, after this run time (default: the entry's). */
interface Failing {
  pods: RegExp;
  exitCode?: number;
  runMs?: number;
}

/**
 * A run prepared but not started, to step through. The scenario's exitCode and runTime apply to every pod of a
 * workload; `failing` picks the pods of one completion index instead.
 */
function prepared(text: string, failing?: Failing) {
  const rows: Record<string, Row[]> = {};
  const run = prepareRun(loadScenario(join(tempFiles({ 'scenario.yaml': text }), 'scenario.yaml')), {
    open(file: string, columns: readonly string[]) {
      const list: Row[] = [[...columns]];
      rows[file.replace(/\.csv$/, '')] = list;
      return { write: (r: Row) => list.push(r) };
    },
  });
  if (failing)
    run.cluster.watch('invariants', {
      PodAdded: (ev) => {
        if (!failing.pods.test(ev.pod.name)) return;
        ev.pod.exitCode = failing.exitCode ?? 1;
        if (failing.runMs !== undefined) (ev.pod as { runMs: number }).runMs = failing.runMs;
      },
    });
  const table = (name: string) => {
    const [head, ...body] = rows[name]!;
    return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]])) as Record<string, string | number>);
  };
  const job = () => run.cluster.workloads.find((w) => w.kind === 'Job')!;
  const livePods = (w: Workload) => [...run.cluster.livePods.values()].filter((p) => p.workload === w.index);
  return { run, table, job, livePods };
}

/** Pods by completion index ("train-2"), created time and outcome. */
const indexedPods = (rows: Record<string, string | number>[]) =>
  rows.map((p) => [String(p.pod).replace(/-[^-]+$/, ''), p.created_s, p.finished_s, p.outcome]).sort((a, b) => Number(a[1]) - Number(b[1]));

describe('ttlSecondsAfterFinished (ttlafterfinished_controller.go)', () => {
  it('a Job with ttlSecondsAfterFinished 100 is gone 100 s after it completed, and with it its pods', () => {
    // Two pods one after the other, 5 s each after a 1 s start: complete at 12 s, deleted at 112 s.
    const { run, job, livePods } = prepared(scenario('completions: 2\nttlSecondsAfterFinished: 100', '    runTime: 5s'));
    run.sim.runUntil(111_999);
    const j = job();
    expect(j.status).toMatchObject({ succeeded: 2, completionTime: 12_000, failedTime: -1 });
    expect(j.deletedAt).toBe(-1);
    expect(run.cluster.findWorkload('Job', 'default', 'train')).toBe(j);
    run.sim.runUntil(112_001);
    expect(j.deletedAt).toBe(112_000);
    expect(run.cluster.findWorkload('Job', 'default', 'train')).toBeUndefined();
    expect(livePods(j)).toEqual([]);
    run.run();
  });

  it('a failed Job counts from its Failed condition, added once its deleted pods are gone', () => {
    // Deadline at 20 s; the running pod is deleted with its 30 s grace period, gone at 50 s: Failed at 50 s,
    // deleted 10 s later.
    const { run, job, table } = prepared(scenario('activeDeadlineSeconds: 20\nttlSecondsAfterFinished: 10', '    runTime: 60s'));
    run.run();
    expect(job().status).toMatchObject({ failedTime: 50_000, completionTime: -1 });
    expect(job().deletedAt).toBe(60_000);
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[20, 'DeadlineExceeded']]);
  });

  it('without ttlSecondsAfterFinished the finished Job stays', () => {
    const { run, job } = prepared(scenario('completions: 1', '    runTime: 5s'));
    run.run();
    expect(job().status.completionTime).toBe(6_000);
    expect(job().deletedAt).toBe(-1);
  });

  it('deleting a running Job deletes its pods (with their grace period) and its controller makes no more', () => {
    const { run, job, livePods, table } = prepared(scenario('parallelism: 2\ncompletions: 4', '    runTime: 60s'));
    run.sim.runUntil(10_000);
    const j = job();
    run.cluster.deleteWorkload(j);
    expect(livePods(j).map((p) => p.deletionTimestamp)).toEqual([10_000, 10_000]);
    run.run();
    expect(livePods(j)).toEqual([]);
    expect(table('pods').map((p) => [p.finished_s, p.outcome])).toEqual([
      [40, 'OwnerDeleted'],
      [40, 'OwnerDeleted'],
    ]);
  });
});

describe('backoffLimitPerIndex and maxFailedIndexes (indexed_job_utils.go)', () => {
  const indexed = (extra: string) => `completionMode: Indexed\ncompletions: 4\nparallelism: 4\n${extra}`;

  it('backoffLimitPerIndex 1: index 2, whose pods always fail, fails at its second failure; the others complete', () => {
    // All four start at 1 s and end at 6 s; index 2 fails, is retried after its own 10 s backoff (16 s) and fails
    // again at 22 s: its index fails, and with every index done the Job fails (FailedIndexes).
    const { run, job, table } = prepared(scenario(indexed('backoffLimitPerIndex: 1'), '    runTime: 5s'), { pods: /^train-2-/ });
    run.run();
    expect(indexedPods(table('pods'))).toEqual([
      ['train-0', 0, 6, 'Succeeded'],
      ['train-1', 0, 6, 'Succeeded'],
      ['train-2', 0, 6, 'Error (exit code 1)'],
      ['train-3', 0, 6, 'Succeeded'],
      ['train-2', 16, 22, 'Error (exit code 1)'],
    ]);
    expect(job().status).toMatchObject({ succeeded: 3, failed: 2, completedIndexes: '0,1,3', failedIndexes: '2', failedTime: 22_000 });
    expect(table('events').map((e) => [e.time_s, e.reason, e.message])).toEqual([[22, 'FailedIndexes', 'Job has failed indexes']]);
  });

  it('each index waits out its own backoff, doubling per failure: 10 s, 20 s, 40 s', () => {
    const { run, table } = prepared(scenario(indexed('backoffLimitPerIndex: 3'), '    runTime: 5s'), { pods: /^train-2-/ });
    run.run();
    const index2 = indexedPods(table('pods')).filter((p) => p[0] === 'train-2');
    expect(index2.map((p) => [p[1], p[2]])).toEqual([
      [0, 6],
      [16, 22],
      [42, 48],
      [88, 94],
    ]);
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[94, 'FailedIndexes']]);
  });

  it('maxFailedIndexes 0 fails the Job at the first failed index, before the remaining indexes run', () => {
    // Indexes 0-2 run first (parallelism 3); index 0 fails at 6 s with no retry (backoffLimitPerIndex 0), which
    // is one failed index too many: index 3 never starts.
    const job = 'completionMode: Indexed\ncompletions: 4\nparallelism: 3\nbackoffLimitPerIndex: 0\nmaxFailedIndexes: 0';
    const { run, table, job: j } = prepared(scenario(job, '    runTime: 5s'), { pods: /^train-0-/ });
    run.run();
    expect(indexedPods(table('pods')).map((p) => p[0])).toEqual(['train-0', 'train-1', 'train-2']);
    expect(table('events').map((e) => [e.time_s, e.reason, e.message])).toEqual([
      [6, 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes'],
    ]);
    expect(j().status).toMatchObject({ failedIndexes: '0', completedIndexes: '1,2', failedTime: 6_000 });
  });

  it('maxFailedIndexes deletes the pods still running when it is exceeded', () => {
    // Index 3's pod fails after 5 s; the three others would run for a minute: they are deleted at 6 s with their
    // 30 s grace period, and the Failed condition waits until they are gone (36 s).
    const job = 'completionMode: Indexed\ncompletions: 4\nparallelism: 4\nbackoffLimitPerIndex: 0\nmaxFailedIndexes: 0';
    const { run, table, job: j } = prepared(scenario(job, '    runTime: 60s'), { pods: /^train-3-/, runMs: 5_000 });
    run.run();
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[6, 'MaxFailedIndexesExceeded']]);
    const byIndex = indexedPods(table('pods')).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byIndex.map((p) => [p[0], p[2], p[3]])).toEqual([
      ['train-0', 36, 'MaxFailedIndexesExceeded'],
      ['train-1', 36, 'MaxFailedIndexesExceeded'],
      ['train-2', 36, 'MaxFailedIndexesExceeded'],
      ['train-3', 6, 'Error (exit code 1)'],
    ]);
    expect(j().status).toMatchObject({ failedIndexes: '3', completedIndexes: '', failed: 1, active: 0, failedTime: 36_000 });
  });

  it('podFailurePolicy FailIndex fails the index at its first matching failure, whatever backoffLimitPerIndex says', () => {
    const policy = indexed(
      'backoffLimitPerIndex: 3\npodFailurePolicy:\n  rules:\n    - action: FailIndex\n      onExitCodes: {operator: In, values: [42]}',
    );
    const { run, table, job } = prepared(scenario(policy, '    runTime: 5s'), { pods: /^train-2-/, exitCode: 42 });
    run.run();
    expect(indexedPods(table('pods')).filter((p) => p[0] === 'train-2')).toEqual([['train-2', 0, 6, 'Error (exit code 42)']]);
    expect(job().status).toMatchObject({ failedIndexes: '2', failed: 1, failedTime: 6_000 });
    expect(table('events').map((e) => [e.time_s, e.reason])).toEqual([[6, 'FailedIndexes']]);
  });
});
