// Tables after kubernetes/kubernetes v1.36 pkg/controller/statefulset: stateful_set_utils_test.go
// (TestGetStatefulSetMaxUnavailable) and stateful_set_control_test.go (the RollingUpdate, partition and
// maxUnavailable cases), over views of the set's pods.
import { describe, expect, it } from 'vitest';
import {
  completeRollingUpdate,
  computeReplicaStatus,
  getStatefulSetMaxUnavailable,
  MAX_UNAVAILABLE_STATEFULSET_DEFAULT,
  newVersionedStatefulSetPod,
  updateStatefulSetAfterInvariantEstablished,
  updateStatefulSetTargets,
  type StatefulPodView,
} from '../../src/controllers/statefulset/calc.js';
import type { IntOrString } from '../../src/controllers/disruption/rules.js';
import type { UpdateStrategy } from '../../src/model/workloads.js';

/** A Running, Ready and available pod at a revision. */
const healthy = (revision: string): StatefulPodView => ({ revision, runningAndReady: true, terminating: false, available: true });
const terminating = (revision: string): StatefulPodView => ({ ...healthy(revision), terminating: true });
const notReady = (revision: string): StatefulPodView => ({ ...healthy(revision), runningAndReady: false, available: false });
/** n pods at revision `old` (the set before its template changed). */
const set = (n: number, pod: (ordinal: number) => StatefulPodView = () => healthy('old')) => Array.from({ length: n }, (_, i) => pod(i));

describe('v1.36 feature gate', () => {
  it('MaxUnavailableStatefulSet is off by default (beta, turned off again in v1.35.4)', () => {
    expect(MAX_UNAVAILABLE_STATEFULSET_DEFAULT).toBe(false);
  });
});

describe('stateful_set_utils_test.go TestGetStatefulSetMaxUnavailable', () => {
  // It does not hurt to test 0 and 0% as well, though API validation forbids them.
  it.each<[IntOrString | null, number, number]>([
    [null, 10, 1],
    [3, 10, 3],
    [3, 0, 3],
    [0, 0, 1],
    ['10%', 25, 2],
    ['100%', 5, 5],
    ['50%', 5, 2],
    ['10%', 5, 1],
    ['1%', 0, 1],
    ['0%', 0, 1],
  ])('maxUnavailable %o of %i replicas is %i', (maxUnavailable, replicaCount, want) => {
    expect(getStatefulSetMaxUnavailable(maxUnavailable, replicaCount)).toBe(want);
  });
});

describe('stateful_set_utils.go newVersionedStatefulSetPod: the revision of a pod made now', () => {
  const rolling = (partition: number): UpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { partition } });
  it.each<[string, UpdateStrategy, number, number, 'current' | 'update']>([
    ['RollingUpdate, partition 0', rolling(0), 0, 3, 'update'],
    ['below the partition', rolling(3), 2, 5, 'current'],
    ['at the partition', rolling(3), 3, 5, 'update'],
    ['type only (rollingUpdate unset), below currentReplicas', { type: 'RollingUpdate', rollingUpdate: null }, 1, 2, 'current'],
    ['type only (rollingUpdate unset), at currentReplicas', { type: 'RollingUpdate', rollingUpdate: null }, 2, 2, 'update'],
    ['OnDelete', { type: 'OnDelete', rollingUpdate: null }, 0, 3, 'update'],
  ])('%s', (_name, strategy, ordinal, currentReplicas, want) => {
    expect(newVersionedStatefulSetPod(strategy, ordinal, currentReplicas)).toBe(want);
  });
});

describe('stateful_set_control_test.go TestStatefulSetControlRollingUpdate (MaxUnavailableStatefulSet off)', () => {
  it.each<[string, StatefulPodView[], number, number[]]>([
    ['all old and healthy: the highest ordinal goes first', set(5), 0, [4]],
    ['the highest is updated and healthy: the next one down', [...set(4), healthy('new')], 0, [3]],
    ['the updated pod is not Ready yet: wait', [...set(4), notReady('new')], 0, []],
    ['the updated pod is not available yet (minReadySeconds): wait', [...set(4), { ...healthy('new'), available: false }], 0, []],
    ['the old pod is terminating: wait for it', [...set(4), terminating('old')], 0, []],
    ['everything updated: nothing to do', set(3, () => healthy('new')), 0, []],
    ['an old pod below an unavailable one is not touched', [healthy('old'), healthy('new'), notReady('new')], 0, []],
  ])('%s', (_name, pods, partition, want) => {
    expect(updateStatefulSetTargets(pods, 'new', partition)).toEqual(want);
  });
});

describe('stateful_set_control_test.go TestStatefulSetControlRollingUpdateWithPartition', () => {
  // Five replicas, partition 2: ordinals 4, 3 and 2 are updated, one at a time; 0 and 1 keep the old template.
  it.each<[string, StatefulPodView[], number[]]>([
    ['all old', set(5), [4]],
    ['4 updated', [...set(4), healthy('new')], [3]],
    ['4 and 3 updated', [...set(3), healthy('new'), healthy('new')], [2]],
    ['2..4 updated: 0 and 1 stay old', [...set(2), healthy('new'), healthy('new'), healthy('new')], []],
    ['an old pod below the partition that is not Ready is not waited for', [notReady('old'), ...set(5).slice(1)], [4]],
  ])('%s', (_name, pods, want) => {
    expect(updateStatefulSetTargets(pods, 'new', 2)).toEqual(want);
  });

  it('a partition at or above replicas updates nothing', () => {
    expect(updateStatefulSetTargets(set(3), 'new', 3)).toEqual([]);
    expect(updateStatefulSetTargets(set(3), 'new', 5)).toEqual([]);
  });
});

describe('stateful_set_control_test.go TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant', () => {
  // Six replicas, partition 3, maxUnavailable 2; the pods at these ordinals are terminating before the update.
  it.each<[number[], number[]]>([
    [[], [5, 4]],
    [[5], [4]],
    [[3], [5]],
    [[4], [5]],
    [[5, 4], []],
    [[5, 3], []],
    [[4, 3], []],
    [[5, 4, 3], []],
    [[2], [5]], // below the partition, yet it counts against maxUnavailable
    [[1], [5]],
  ])('terminating pods at ordinals %o: deletes %o', (gone, want) => {
    const pods = set(6, (i) => (gone.includes(i) ? terminating('old') : healthy('old')));
    expect(updateStatefulSetAfterInvariantEstablished(pods, 'new', 3, 2)).toEqual(want);
  });

  it('TestStatefulSetControlRollingUpdateWithMaxUnavailable: 4 and 5 first, then 3 once one of them is back', () => {
    const pods = set(6);
    expect(updateStatefulSetAfterInvariantEstablished(pods, 'new', 3, 2)).toEqual([5, 4]);
    // 4 is back at the new revision and Ready, 5 is not Ready yet: one more may go.
    pods[4] = healthy('new');
    pods[5] = notReady('new');
    expect(updateStatefulSetAfterInvariantEstablished(pods, 'new', 3, 2)).toEqual([3]);
    // 3, 4 and 5 updated: the pods below the partition stay.
    pods[3] = healthy('new');
    pods[5] = healthy('new');
    expect(updateStatefulSetAfterInvariantEstablished(pods, 'new', 3, 2)).toEqual([]);
  });
});

describe('stateful_set_control.go computeReplicaStatus and completeRollingUpdate', () => {
  it('counts created, Ready, available, current and updated pods; terminating pods are neither current nor updated', () => {
    const pods = [healthy('old'), notReady('old'), terminating('old'), healthy('new'), { ...healthy('new'), available: false }];
    expect(computeReplicaStatus(pods, 'old', 'new')).toEqual({
      replicas: 5,
      readyReplicas: 4,
      availableReplicas: 3,
      currentReplicas: 2,
      updatedReplicas: 2,
    });
  });

  const status = (replicas: number, ready: number, updated: number) => ({
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: replicas - updated,
    updatedReplicas: updated,
    currentRevision: 'old',
    updateRevision: 'new',
  });
  it.each<[string, UpdateStrategy['type'], number, ReturnType<typeof status>, { currentRevision: string; currentReplicas: number }]>([
    [
      'every replica updated and Ready: the update revision is current',
      'RollingUpdate',
      3,
      status(3, 3, 3),
      { currentRevision: 'new', currentReplicas: 3 },
    ],
    ['one not Ready yet', 'RollingUpdate', 3, status(3, 2, 3), { currentRevision: 'old', currentReplicas: 0 }],
    ['one not updated', 'RollingUpdate', 3, status(3, 3, 2), { currentRevision: 'old', currentReplicas: 1 }],
    ['a condemned pod still there', 'RollingUpdate', 3, status(4, 4, 3), { currentRevision: 'old', currentReplicas: 1 }],
    ['OnDelete never completes', 'OnDelete', 3, status(3, 3, 3), { currentRevision: 'old', currentReplicas: 0 }],
  ])('%s', (_name, type, replicas, st, want) => {
    expect(completeRollingUpdate(type, replicas, st)).toEqual(want);
  });
});
