// The report's marks: which events.csv and rollouts.csv rows become marks, of which kind, with which label and
// which series point (an HPA's new size on its workload's series, a node group's new size on its pool's).
import { describe, expect, it } from 'vitest';
import { MAX_MARKS_PER_KIND, markOf, marksOf, rolloutMarkOf } from '../../src/report/marks.js';

const ev = (time_s: string, reason: string, object: string, message = '') => ({ time_s, reason, object, message });

describe('markOf', () => {
  const cases = [
    {
      name: 'an HPA decision: its new size on the workload of its name',
      row: ev(
        '17355',
        'SuccessfulRescale',
        'horizontalpodautoscaler/default/frontend',
        'New size: 4; reason: cpu resource utilization (percentage of request) above target',
      ),
      want: { t: 17355, kind: 'hpa', label: 'default/frontend → 4', series: 'default/frontend', y: 4 },
    },
    {
      name: 'a cluster autoscaler scale-up: the group new size on the pool',
      row: ev(
        '72050',
        'ScaledUpGroup',
        'configmap/kube-system/cluster-autoscaler-status',
        'Scale-up: setting group general size to 4 instead of 3 (max: 20)',
      ),
      want: { t: 72050, kind: 'autoscaler', label: 'general 3 → 4', series: 'general', y: 4 },
    },
    {
      name: 'a scale-down of a node',
      row: ev('74760', 'ScaleDown', 'node/general-3', 'marked the node as toBeDeleted/unschedulable'),
      want: { t: 74760, kind: 'autoscaler', label: 'scale-down general-3' },
    },
    {
      name: 'a node failure',
      row: ev('600', 'NodeFailure', 'node/general-0'),
      want: { t: 600, kind: 'fault', label: 'NodeFailure general-0' },
    },
    { name: 'a recovery', row: ev('900', 'NodeReady', 'node/general-0'), want: { t: 900, kind: 'recovery', label: 'NodeReady general-0' } },
    {
      name: 'a canary abort',
      row: ev('120', 'CanaryAborted', 'deployment/default/web-canary'),
      want: { t: 120, kind: 'rollout', label: 'CanaryAborted default/web-canary' },
    },
    { name: 'the empty-node duplicate of a scale-down is not drawn', row: ev('1', 'ScaleDownEmpty', 'configmap/x'), want: null },
    { name: 'ReplicaSet scaling is not a rollout step by itself', row: ev('1', 'ScalingReplicaSet', 'deployment/default/web'), want: null },
    { name: 'a scheduling failure is not drawn', row: ev('1', 'FailedScheduling', 'pod/default/web-0'), want: null },
  ];
  for (const c of cases) it(c.name, () => expect(markOf(c.row)).toEqual(c.want));
});

describe('rollout steps and limits', () => {
  it('a rollouts.csv row is a rollout mark with its sizes', () => {
    const row = {
      time_s: '1801',
      deployment: 'default/frontend',
      revision: '2',
      action: 'scale_down',
      old_replicas: '2',
      new_replicas: '1',
      available_replicas: '4',
    };
    expect(rolloutMarkOf(row)).toEqual({
      t: 1801,
      kind: 'rollout',
      label: 'default/frontend revision 2 scale down: old 2, new 1, available 4',
    });
  });

  it('keeps the earliest marks of each kind, in time order across sources', () => {
    const faults = Array.from({ length: MAX_MARKS_PER_KIND + 5 }, (_, i) => ev(String(10 + i), 'NodeNotReady', `node/n-${i}`));
    const rollouts = [{ time_s: '5', deployment: 'd', revision: '1', action: 'start' }];
    const marks = marksOf([ev('0', 'NodeRepaired', 'node/n-0'), ...faults], rollouts);
    expect(marks.filter((m) => m.kind === 'fault')).toHaveLength(MAX_MARKS_PER_KIND);
    expect(marks.filter((m) => m.kind === 'fault').at(-1)!.t).toBe(10 + MAX_MARKS_PER_KIND - 1);
    expect(marks.slice(0, 3).map((m) => [m.t, m.kind])).toEqual([
      [0, 'recovery'],
      [5, 'rollout'],
      [10, 'fault'],
    ]);
  });
});
