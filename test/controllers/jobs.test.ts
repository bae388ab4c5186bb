// Jobs beyond the basics: Indexed completion, activeDeadlineSeconds, podFailurePolicy (matchPodFailurePolicy
// as a table shaped like pod_failure_policy_test.go, then whole runs), and pods deleted before they finish.
import { describe, expect, it } from 'vitest';
import { matchPodFailurePolicy, type FailedPod, type PodFailurePolicyRule } from '../../src/controllers/job/pod-failure-policy.js';
import { runScenario } from '../helpers/scenario.js';

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
