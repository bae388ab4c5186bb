// Tables ported from kubernetes/kubernetes v1.36: pkg/controller/deployment/util/deployment_util_test.go,
// rolling_test.go, sync_test.go, progress_test.go, pkg/controller/controller_utils_test.go and
// staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr_test.go.
import { describe, expect, it } from 'vitest';
import {
  cleanupDeployment,
  cleanupUnhealthyReplicas,
  getProportion,
  getReplicaCountForReplicaSets,
  getActualReplicaCountForReplicaSets,
  getReplicaSetFraction,
  getScaledValueFromIntOrPercent,
  getTerminatingReplicaCountForReplicaSets,
  isSaturated,
  isScalingEvent,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  oldPodsRunning,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicasAnnotations,
  resolveFenceposts,
  scale,
  scaleDownOldReplicaSetsForRollingUpdate,
  NEW_RS_AVAILABLE_REASON,
  PAUSED_DEPLOY_REASON,
  REPLICA_SET_UPDATED_REASON,
  RESUMED_DEPLOY_REASON,
  TIMED_OUT_REASON,
  type DeploymentCondition,
  type DeploymentStatusView,
  type DeploymentView,
  type IntOrString,
  type ReplicaSetView,
} from '../../src/controllers/deployment/calc.js';
import {
  calculateStatus,
  checkPausedConditions,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  requeueStuckDeployment,
  syncRolloutProgressing,
} from '../../src/controllers/deployment/progress.js';
import {
  activePodsWithRanksLess,
  getPodsRankedByRelatedPodsOnSameNode,
  getPodsToDelete,
  type RankedPodView,
} from '../../src/controllers/replicaset/calc.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_INT32 = 2147483647;

/** deployment_controller_test.go newDeployment: RollingUpdate with maxSurge and maxUnavailable 0 unless given. */
function dep(replicas: number, surge: IntOrString = 0, unavailable: IntOrString = 0, over: Partial<DeploymentView> = {}): DeploymentView {
  return { replicas, strategy: { type: 'RollingUpdate', maxSurge: surge, maxUnavailable: unavailable }, ...over };
}
function recreate(replicas: number, over: Partial<DeploymentView> = {}): DeploymentView {
  return { replicas, strategy: { type: 'Recreate', maxSurge: 0, maxUnavailable: 0 }, ...over };
}
/** deployment_controller_test.go rs: spec.replicas, creation time; status 0 unless given. */
function rs(name: string, replicas: number, createdAt = 0, over: Partial<ReplicaSetView> = {}): ReplicaSetView {
  return { name, replicas, statusReplicas: 0, availableReplicas: 0, readyReplicas: 0, createdAt, revision: 0, ...over };
}
/** A ReplicaSet whose pods all exist and are available. */
function readyRS(name: string, replicas: number, createdAt = 0, over: Partial<ReplicaSetView> = {}): ReplicaSetView {
  return rs(name, replicas, createdAt, { statusReplicas: replicas, availableReplicas: replicas, readyReplicas: replicas, ...over });
}

describe('intstr_test.go TestGetIntFromIntOrPercent, TestGetValueFromIntOrPercentNil', () => {
  it.each<[IntOrString, number, boolean, number]>([
    [123, 0, false, 123],
    ['90%', 100, true, 90],
    ['90%', 95, true, 86],
    ['90%', 95, false, 85],
    // strconv.Atoi's forms: a sign, leading zeros, and values past 2^53 (parsed as int64, then scaled in float64:
    // float64(value) * float64(total) / 100 rounds to ...660).
    ['+25%', 8, true, 2],
    ['-0%', 8, true, 0],
    ['000000000000000025%', 8, true, 2],
    ['123456789012345678%', 100, false, 123456789012345660],
  ])('%o of %i (roundUp %o) is %i', (input, total, roundUp, want) => {
    expect(getScaledValueFromIntOrPercent(input, total, roundUp)).toBe(want);
  });
  it.each<[string, string]>([
    ['%', 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax'],
    ['90#', 'invalid value for IntOrString: invalid type: string is not a percentage'],
    ['#%', 'invalid value for IntOrString: invalid value "#%": strconv.Atoi: parsing "#": invalid syntax'],
    ['90', 'invalid value for IntOrString: invalid type: string is not a percentage'],
    [
      '9223372036854775808%',
      'invalid value for IntOrString: invalid value "9223372036854775808%": strconv.Atoi: parsing "9223372036854775808": value out of range',
    ],
  ])('%o throws upstream error', (input, message) => {
    expect(() => getScaledValueFromIntOrPercent(input, 0, false)).toThrow(new Error(message));
  });
  it('nil throws', () => {
    expect(() => getScaledValueFromIntOrPercent(null, 0, false)).toThrow('nil value for IntOrString');
  });
});

describe('deployment_util_test.go TestResolveFenceposts', () => {
  it.each<[IntOrString | null, IntOrString | null, number, number, number]>([
    ['0%', '0%', 0, 0, 1],
    ['39%', '39%', 10, 4, 3],
    [null, '39%', 10, 0, 3],
    ['39%', null, 10, 4, 0],
    [null, null, 10, 0, 1],
  ])('maxSurge %o, maxUnavailable %o of %i: %i, %i', (surge, unavailable, desired, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: wantSurge, unavailable: wantUnavailable });
  });
  it.each<[IntOrString, IntOrString]>([
    ['oops', '39%'],
    ['55%', 'urg'],
  ])('maxSurge %o, maxUnavailable %o is an error', (surge, unavailable) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow();
  });
});

describe('deployment_util_test.go TestGetReplicaCountForReplicaSets', () => {
  const rs1 = rs('foo-rs', 1, 0, { observedGeneration: 1, statusReplicas: 2, terminatingReplicas: 3 });
  const rs2 = rs('bar-rs', 2, 0, { statusReplicas: 3, terminatingReplicas: 1 });
  const rs3 = rs('unsynced-rs', 3, 0, { statusReplicas: 0 });
  const rs4 = rs('dropped-rs', 1, 0, { observedGeneration: 1, statusReplicas: 1 });
  it.each<[string, ReplicaSetView[], number, number, number | undefined]>([
    ['scaling down rs1', [rs1], 1, 2, 3],
    ['scaling down rs1 and rs2', [rs1, rs2], 3, 5, 4],
    ['scaling up rs3', [rs3], 3, 0, 0],
    ['scaling down rs1 and rs2 and scaling up rs3', [rs1, rs2, rs3], 6, 5, 4],
    ['invalid/unknown terminating status for rs4', [rs4], 1, 1, undefined],
    ['invalid/unknown terminating status for rs4 with rs1, rs2 and rs3', [rs1, rs2, rs3, rs4], 7, 6, undefined],
  ])('%s', (_name, sets, count, actual, terminating) => {
    expect(getReplicaCountForReplicaSets(sets)).toBe(count);
    expect(getActualReplicaCountForReplicaSets(sets)).toBe(actual);
    expect(getTerminatingReplicaCountForReplicaSets(sets)).toBe(terminating);
  });
});

describe('deployment_util_test.go TestNewRSNewReplicas', () => {
  // The new ReplicaSet is not among allRSs, which holds one ReplicaSet of 5.
  it.each<[string, 'RollingUpdate' | 'Recreate', number, number, number, number]>([
    ['can not scale up - to newRSReplicas', 'RollingUpdate', 1, 5, 1, 5],
    ['scale up - to depReplicas', 'RollingUpdate', 6, 2, 10, 6],
    ['recreate - to depReplicas', 'Recreate', 3, 1, 1, 3],
  ])('%s', (_name, type, depReplicas, newRSReplicas, surge, want) => {
    const d: DeploymentView = { replicas: depReplicas, strategy: { type, maxSurge: surge, maxUnavailable: 1 } };
    expect(newRSNewReplicas(d, [rs('rs5', 5)], rs('new', newRSReplicas))).toBe(want);
  });
});

describe('deployment_util_test.go TestMaxUnavailable', () => {
  it.each<[string, DeploymentView, number]>([
    ['maxUnavailable less than replicas', dep(10, 1, 5), 5],
    ['maxUnavailable equal replicas', dep(10, 1, 10), 10],
    ['maxUnavailable greater than replicas', dep(5, 1, 10), 5],
    ['maxUnavailable with replicas is 0', dep(0, 1, 10), 0],
    ['maxUnavailable with Recreate deployment strategy', recreate(0), 0],
    ['maxUnavailable less than replicas with percents', dep(10, 1, '50%'), 5],
    ['maxUnavailable equal replicas with percents', dep(10, 1, '100%'), 10],
    ['maxUnavailable greater than replicas with percents', dep(5, 1, '100%'), 5],
  ])('%s', (_name, d, want) => {
    expect(maxUnavailable(d)).toBe(want);
  });
});

describe('deployment_util_test.go TestMinAvailable', () => {
  it.each<[string, DeploymentView, number]>([
    ['replicas greater than maxUnavailable', dep(10, 1, 5), 5],
    ['replicas equal maxUnavailable', dep(10, 1, 10), 0],
    ['replicas less than maxUnavailable', dep(5, 1, 10), 0],
    ['replicas is 0', dep(0, 1, 10), 0],
    ['minAvailable with Recreate deployment strategy', recreate(10), 0],
    ['replicas greater than maxUnavailable with percents', dep(10, 1, '60%'), 4],
    ['replicas equal maxUnavailable with percents', dep(10, 1, '100%'), 0],
    ['replicas less than maxUnavailable with percents', dep(5, 1, '100%'), 0],
  ])('%s', (_name, d, want) => {
    expect(minAvailable(d)).toBe(want);
  });
  it('maxSurge is 0 for Recreate and rounds up', () => {
    expect(maxSurge(recreate(10))).toBe(0);
    expect(maxSurge(dep(10, '25%', '25%'))).toBe(3);
  });
});

describe('deployment_util_test.go TestGetReplicaSetFraction', () => {
  // [name, deployment replicas, deployment status.replicas, maxSurge, rs replicas, max-replicas annotation, fraction]
  it.each<[string, number, number, number, number, number | undefined, number]>([
    ['empty deployment always scales to 0', 0, 0, 0, 10, undefined, -10],
    ['unsynced deployment does not scale when max-replicas annotation is missing', 10, 0, 0, 5, undefined, 0],
    ['unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0', 10, 0, 0, 5, 0, 0],
    ['scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is missing', 120, 100, 0, 50, undefined, 10],
    ['scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is incorrectly set to 0', 120, 100, 0, 50, 0, 10],
    ['scale up by 1/5 should increase RS replicas by 1/5', 120, 0, 0, 50, 100, 10],
    ['scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5', 120, 0, 10, 50, 110, 9],
    ['scale down by 1/6 should decrease RS replicas by 1/6', 10, 0, 0, 6, 12, -1],
    ['scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6', 100, 0, 10, 50, 130, -8],
  ])('%s', (_name, replicas, statusReplicas, surge, rsReplicas, annotation, want) => {
    const d = dep(replicas, surge, 1, { statusReplicas });
    expect(getReplicaSetFraction(rs('rs', rsReplicas, 0, { maxReplicasAnnotation: annotation }), d)).toBe(want);
  });
});

describe('deployment_util.go GetProportion', () => {
  // The fraction of the last case of TestGetReplicaSetFraction (+9), capped by what is left to add or remove.
  const d = dep(120, 10, 1);
  const r = rs('rs', 50, 0, { maxReplicasAnnotation: 110 });
  it.each<[number, number, number]>([
    [20, 0, 9], // fraction 9 < 20 allowed
    [20, 15, 5], // only 5 left to add
    [20, 20, 0], // nothing left
    [0, 0, 0], // no scaling
  ])('adding %i with %i added gives %i', (toAdd, added, want) => {
    expect(getProportion(r, d, toAdd, added)).toBe(want);
  });
  it('is 0 for a missing or empty ReplicaSet, and capped by what is left to remove', () => {
    expect(getProportion(null, d, 5, 0)).toBe(0);
    expect(getProportion(rs('empty', 0), d, 5, 0)).toBe(0);
    // 10 of max 12 at 6 replicas: fraction -1, at least -3 to remove.
    expect(getProportion(rs('rs', 6, 0, { maxReplicasAnnotation: 12 }), dep(10), -3, 0)).toBe(-1);
    expect(getProportion(rs('rs', 6, 0, { maxReplicasAnnotation: 12 }), dep(0), -3, -1)).toBe(-2);
  });
});

describe('deployment_util_test.go TestAnnotationUtils (SetReplicasAnnotations, IsSaturated)', () => {
  it('annotates desired and max replicas', () => {
    expect(replicasAnnotations(dep(10, 1, 0))).toEqual({ desired: 10, max: 11 });
  });
  it('a ReplicaSet at its desired size, annotated with it and all available, is saturated', () => {
    expect(isSaturated(dep(1), rs('rs', 1, 0, { desiredReplicasAnnotation: 1, availableReplicas: 1 }))).toBe(true);
    expect(isSaturated(dep(1), rs('rs', 1, 0, { availableReplicas: 1 }))).toBe(false);
    expect(isSaturated(dep(1), rs('rs', 1, 0, { desiredReplicasAnnotation: 1, availableReplicas: 0 }))).toBe(false);
    expect(isSaturated(dep(1), null)).toBe(false);
  });
  it('isScalingEvent: an active ReplicaSet annotated with another size', () => {
    expect(isScalingEvent(dep(5), [rs('a', 3, 0, { desiredReplicasAnnotation: 3 }), null])).toBe(true);
    expect(isScalingEvent(dep(5), [rs('a', 3, 0, { desiredReplicasAnnotation: 5 }), rs('b', 0, 0, { desiredReplicasAnnotation: 3 })])).toBe(
      false,
    );
  });
});

describe('deployment_util_test.go TestDeploymentComplete', () => {
  // deployment(desired, current, updated, available, maxUnavailable, maxSurge)
  it.each<[string, number, number, number, number, number, number, boolean]>([
    ['not complete: min but not all pods become available', 5, 5, 5, 4, 1, 0, false],
    ['not complete: min availability is not honored', 5, 5, 5, 3, 1, 0, false],
    ['complete', 5, 5, 5, 5, 0, 0, true],
    ['not complete: all pods are available but not updated', 5, 5, 4, 5, 0, 0, false],
    ['not complete: still running old pods', 1, 2, 1, 1, 0, 1, false],
    ['not complete: one replica deployment never comes up', 1, 1, 1, 0, 1, 1, false],
  ])('%s', (_name, desired, current, updated, available, unavailable, surge, want) => {
    const status: DeploymentStatusView = { replicas: current, updatedReplicas: updated, readyReplicas: 0, availableReplicas: available };
    expect(deploymentComplete(dep(desired, surge, unavailable), status)).toBe(want);
  });
  it('an older observedGeneration is not complete', () => {
    const status = { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 };
    expect(deploymentComplete(dep(1, 1, 0, { generation: 2 }), status)).toBe(false);
  });
});

describe('deployment_util_test.go TestDeploymentProgressing', () => {
  const st = (replicas: number, updatedReplicas: number, readyReplicas: number, availableReplicas: number): DeploymentStatusView => ({
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
  });
  it.each<[string, DeploymentStatusView, DeploymentStatusView, boolean]>([
    ['progressing: updated pods', st(10, 4, 4, 4), st(10, 6, 4, 4), true],
    ['not progressing', st(10, 4, 4, 4), st(10, 4, 4, 4), false],
    ['progressing: old pods removed', st(10, 4, 6, 6), st(8, 4, 6, 6), true],
    ['not progressing: less new pods', st(10, 7, 3, 3), st(10, 6, 3, 3), false],
    ['progressing: less overall but more new pods', st(10, 4, 7, 7), st(8, 8, 5, 5), true],
    ['progressing: more ready pods', st(10, 10, 9, 8), st(10, 10, 10, 8), true],
    ['progressing: more available pods', st(10, 10, 10, 9), st(10, 10, 10, 10), true],
  ])('%s', (_name, oldStatus, newStatus, want) => {
    expect(deploymentProgressing(dep(10), newStatus, oldStatus)).toBe(want);
  });
});

describe('deployment_util_test.go TestDeploymentTimedOut', () => {
  const at = (min: number, sec: number) => min * MINUTE + sec * SECOND;
  const status = (progressingReason: string): DeploymentStatusView => ({
    replicas: 0,
    updatedReplicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    progressingReason,
  });
  it.each<[string, number | null, string, number, number, boolean]>([
    ['nil progressDeadlineSeconds specified - no timeout', null, '', at(1, 9), at(1, 20), false],
    ['infinite progressDeadlineSeconds specified - no timeout', MAX_INT32, '', at(1, 9), at(1, 20), false],
    ['progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s', 10, '', at(1, 9), at(1, 20), true],
    ['progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s', 10, '', at(1, 11), at(1, 20), false],
    ['previous status was a complete deployment', null, NEW_RS_AVAILABLE_REASON, 0, 0, false],
  ])('%s', (_name, pds, reason, from, now, want) => {
    expect(deploymentTimedOut(dep(1, 1, 0, { progressDeadlineSeconds: pds }), status(reason), from, now)).toBe(want);
  });
  it('no Progressing condition: no timeout; a reported timeout stays', () => {
    const none = { replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 };
    expect(deploymentTimedOut(dep(1), none, 0, DAY)).toBe(false);
    expect(deploymentTimedOut(dep(1), status(TIMED_OUT_REASON), DAY, DAY)).toBe(true);
  });
});

describe('progress_test.go TestRequeueStuckDeployment', () => {
  // currentDeployment(pds, replicas, statusReplicas, updatedReplicas, availableReplicas, conditions); Recreate.
  const lastUpdate = 10 * HOUR;
  const stuck: DeploymentCondition = { status: 'True', reason: '', lastUpdateMs: lastUpdate, lastTransitionMs: lastUpdate };
  const failed: DeploymentCondition = { status: 'False', reason: TIMED_OUT_REASON, lastUpdateMs: 0, lastTransitionMs: 0 };
  const st = (replicas: number, updatedReplicas: number, availableReplicas: number): DeploymentStatusView => ({
    replicas,
    updatedReplicas,
    readyReplicas: 0,
    availableReplicas,
  });
  it.each<[string, number | null, number, DeploymentStatusView, DeploymentCondition | null, number, number]>([
    ['no progressDeadlineSeconds specified', null, 4, st(3, 3, 2), null, 0, -1],
    ['no progressing condition found', 60, 4, st(3, 3, 2), null, 0, -1],
    ['complete deployment does not need to be requeued', 60, 3, st(3, 3, 3), null, 0, -1],
    ['already failed deployment does not need to be requeued', 60, 3, st(3, 3, 0), failed, 0, -1],
    ['stuck deployment - 30s', 60, 3, st(3, 3, 1), stuck, lastUpdate + 30 * SECOND, 30 * SECOND],
    ['stuck deployment - 1s', 60, 3, st(3, 3, 1), stuck, lastUpdate + 59 * SECOND, SECOND],
    ['failed deployment - less than a second => now', 60, 3, st(3, 3, 1), stuck, lastUpdate + 59 * SECOND + 1, 0],
    ['failed deployment - now', 60, 3, st(3, 3, 1), stuck, lastUpdate + MINUTE, 0],
    ['failed deployment - 1s after deadline', 60, 3, st(3, 3, 1), stuck, lastUpdate + MINUTE + SECOND, 0],
    ['failed deployment - 60s after deadline', 60, 3, st(3, 3, 1), stuck, lastUpdate + 2 * MINUTE, 0],
  ])('%s', (_name, pds, replicas, status, current, now, want) => {
    expect(requeueStuckDeployment(recreate(replicas, { progressDeadlineSeconds: pds }), status, current, now)).toBe(want);
  });
});

describe('progress.go syncRolloutStatus, sync.go checkPausedConditions and calculateStatus', () => {
  const d = dep(3, 1, 0, { progressDeadlineSeconds: 60 });
  const st = (replicas: number, updatedReplicas: number, availableReplicas: number): DeploymentStatusView => ({
    replicas,
    updatedReplicas,
    readyReplicas: availableReplicas,
    availableReplicas,
  });
  const created: DeploymentCondition = { status: 'True', reason: 'NewReplicaSetCreated', lastUpdateMs: 0, lastTransitionMs: 0 };
  it('progress refreshes lastUpdateTime and keeps lastTransitionTime', () => {
    expect(syncRolloutProgressing(d, st(3, 0, 3), st(4, 1, 3), created, 5000)).toEqual({
      status: 'True',
      reason: REPLICA_SET_UPDATED_REASON,
      lastUpdateMs: 5000,
      lastTransitionMs: 0,
    });
  });
  it('completion sets NewReplicaSetAvailable, then the condition is left alone', () => {
    const done = syncRolloutProgressing(d, st(4, 3, 3), st(3, 3, 3), created, 9000);
    expect(done).toEqual({ status: 'True', reason: NEW_RS_AVAILABLE_REASON, lastUpdateMs: 9000, lastTransitionMs: 0 });
    expect(syncRolloutProgressing(d, st(3, 3, 3), st(3, 3, 2), done, 99 * MINUTE)).toBe(done);
  });
  it('no progress past the deadline times out; no deadline removes the condition', () => {
    const timedOut = syncRolloutProgressing(d, st(4, 1, 3), st(4, 1, 3), created, 61 * SECOND);
    expect(timedOut).toEqual({ status: 'False', reason: TIMED_OUT_REASON, lastUpdateMs: 61 * SECOND, lastTransitionMs: 61 * SECOND });
    expect(syncRolloutProgressing(d, st(4, 1, 3), st(4, 1, 3), created, 60 * SECOND)).toBe(created);
    expect(syncRolloutProgressing({ ...d, progressDeadlineSeconds: null }, st(4, 1, 3), st(4, 1, 3), created, 0)).toBeNull();
  });
  it('pausing and resuming set Unknown conditions; a timeout is kept', () => {
    const paused = checkPausedConditions({ ...d, paused: true }, created, 7000);
    expect(paused).toEqual({ status: 'Unknown', reason: PAUSED_DEPLOY_REASON, lastUpdateMs: 7000, lastTransitionMs: 7000 });
    expect(checkPausedConditions({ ...d, paused: true }, paused, 8000)).toBe(paused);
    expect(checkPausedConditions(d, paused, 9000)).toEqual({
      status: 'Unknown',
      reason: RESUMED_DEPLOY_REASON,
      lastUpdateMs: 9000,
      lastTransitionMs: 7000,
    });
    const failed: DeploymentCondition = { status: 'False', reason: TIMED_OUT_REASON, lastUpdateMs: 0, lastTransitionMs: 0 };
    expect(checkPausedConditions({ ...d, paused: true }, failed, 9000)).toBe(failed);
  });
  it('calculateStatus sums the ReplicaSets and sets Available against maxUnavailable', () => {
    const newRS = rs('new', 2, HOUR, { statusReplicas: 1, readyReplicas: 1 });
    const s = calculateStatus([readyRS('old', 2), newRS], newRS, d);
    // spec total 4, of which 2 available; Available needs 3 - maxUnavailable 0 = 3.
    expect(s).toMatchObject({ replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 2, unavailableReplicas: 2 });
    expect(s.available.status).toBe('False');
    expect(calculateStatus([readyRS('new', 3)], readyRS('new', 3), d).available).toEqual({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
  });
});

describe('rolling_test.go TestDeploymentController_reconcileNewReplicaSet', () => {
  // [deploymentReplicas, maxSurge, oldReplicas, newReplicas, scaleExpected, expectedNewReplicas]
  it.each<[number, number, number, number, boolean, number]>([
    [10, 0, 10, 0, false, 0], // should not scale up
    [10, 2, 10, 0, true, 2],
    [10, 2, 5, 0, true, 7],
    [10, 2, 10, 2, false, 2],
    [10, 2, 2, 11, true, 10], // should scale down
  ])('%i replicas, maxSurge %i, old %i, new %i', (replicas, surge, oldReplicas, newReplicas, scaleExpected, want) => {
    const newRS = rs('foo-v2', newReplicas);
    const got = reconcileNewReplicaSet(dep(replicas, surge, 0), [newRS, rs('foo-v1', oldReplicas)], newRS);
    expect(got !== newReplicas).toBe(scaleExpected);
    expect(got).toBe(want);
  });
});

describe('rolling_test.go TestDeploymentController_reconcileOldReplicaSets', () => {
  // [deploymentReplicas, maxUnavailable, oldReplicas, newReplicas, readyPodsFromOldRS, readyPodsFromNewRS, expectedOldReplicas | null]
  it.each<[number, number, number, number, number, number, number | null]>([
    [10, 0, 10, 0, 10, 0, 9],
    [10, 2, 10, 0, 10, 0, 8],
    [10, 2, 10, 0, 8, 0, 8], // unhealthy replicas from old replica sets are cleaned up
    [10, 2, 10, 0, 9, 0, 8], // 1 unhealthy replica cleaned up, and 1 ready pod scaled down
    [10, 2, 8, 2, 8, 0, null], // the unavailable pods from the newRS would not make us scale down old RSs
  ])(
    '%i replicas, maxUnavailable %i, old %i, new %i, ready old %i new %i',
    (replicas, unavailable, oldR, newR, oldReady, newReady, want) => {
      const oldRS = rs('foo-old', oldR, 0, { statusReplicas: oldR, availableReplicas: oldReady });
      const newRS = rs('foo-new', newR, 0, { statusReplicas: newR, availableReplicas: newReady });
      const got = reconcileOldReplicaSets(dep(replicas, 0, unavailable), [oldRS, newRS], [oldRS], newRS);
      expect(got).toEqual(want === null ? new Map() : new Map([['foo-old', want]]));
    },
  );
});

describe('rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas', () => {
  // [oldReplicas, readyPods, unHealthyPods, maxCleanupCount, cleanupCountExpected]
  it.each<[number, number, number, number, number]>([
    [10, 8, 2, 1, 1],
    [10, 8, 2, 3, 2],
    [10, 8, 2, 0, 0],
    [10, 10, 0, 3, 0],
  ])('old %i with %i ready, %i unhealthy, at most %i: %i cleaned up', (oldReplicas, ready, unhealthy, max, want) => {
    const oldRS = rs('foo-v2', oldReplicas, 0, { statusReplicas: ready + unhealthy, availableReplicas: ready });
    expect(cleanupUnhealthyReplicas([oldRS], max)).toEqual({ replicas: [oldReplicas - want], cleanedUp: want });
  });
  it('visits the oldest first and answers in input order', () => {
    const newer = rs('b', 4, 2 * HOUR, { availableReplicas: 2 });
    const older = rs('a', 4, HOUR, { availableReplicas: 1 });
    expect(cleanupUnhealthyReplicas([newer, older], 4)).toEqual({ replicas: [3, 1], cleanedUp: 4 });
  });
  it('more available than spec.replicas is an error, after the writes already made', () => {
    // b was just scaled down and its ReplicaSet controller has not caught up: 3 available of 2.
    const olds = [rs('a', 4, 0, { availableReplicas: 2 }), rs('b', 2, HOUR, { availableReplicas: 3 })];
    const got = cleanupUnhealthyReplicas(olds, 5);
    expect(got).toEqual({
      replicas: [2, 2],
      cleanedUp: 0,
      error: 'when cleaning up unhealthy replicas, got invalid request to scale down b 2 -> 3',
    });
    // reconcileOldReplicaSets keeps a's write and scales nothing further.
    expect(reconcileOldReplicaSets(dep(6, 0, 6), olds, olds, rs('n', 0))).toEqual(new Map([['a', 2]]));
  });
});

describe('rolling_test.go TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate', () => {
  // [deploymentReplicas, maxUnavailable, readyPods, oldReplicas, expectedOldReplicas | null]
  it.each<[number, number, number, number, number | null]>([
    [10, 0, 10, 10, 9],
    [10, 2, 10, 10, 8],
    [10, 2, 8, 10, null],
    [10, 2, 10, 0, null],
    [10, 2, 1, 10, null],
  ])('%i replicas, maxUnavailable %i, %i ready, old %i', (replicas, unavailable, ready, oldReplicas, want) => {
    const oldRS = rs('foo-v2', oldReplicas, 0, { availableReplicas: ready });
    const got = scaleDownOldReplicaSetsForRollingUpdate([oldRS], [oldRS], dep(replicas, 0, unavailable));
    expect(got.replicas).toEqual(want === null ? new Map() : new Map([['foo-v2', want]]));
    expect(got.scaledDown).toBe(want === null ? 0 : oldReplicas - want);
  });
});

describe('sync_test.go TestScale', () => {
  const newTimestamp = 2 * HOUR;
  const oldTimestamp = HOUR;
  const olderTimestamp = 0;
  type Case = {
    name: string;
    deployment: DeploymentView;
    oldDeployment: DeploymentView;
    newRS: ReplicaSetView | null;
    oldRSs: ReplicaSetView[];
    /** Expected spec.replicas by name after the writes. */
    expected: Record<string, number>;
    /** Names upstream does not write. */
    wasntUpdated?: string[];
    desiredReplicasAnnotations?: Record<string, number>;
  };
  const cases: Case[] = [
    {
      name: 'normal scaling event: 10 -> 12',
      deployment: dep(12),
      oldDeployment: dep(10),
      newRS: rs('foo-v1', 10, newTimestamp),
      oldRSs: [],
      expected: { 'foo-v1': 12 },
    },
    {
      name: 'normal scaling event: 10 -> 5',
      deployment: dep(5),
      oldDeployment: dep(10),
      newRS: rs('foo-v1', 10, newTimestamp),
      oldRSs: [],
      expected: { 'foo-v1': 5 },
    },
    {
      name: 'proportional scaling: 5 -> 10',
      deployment: dep(10),
      oldDeployment: dep(5),
      newRS: rs('foo-v2', 2, newTimestamp),
      oldRSs: [rs('foo-v1', 3, oldTimestamp)],
      expected: { 'foo-v2': 4, 'foo-v1': 6 },
    },
    {
      name: 'proportional scaling: 5 -> 3',
      deployment: dep(3),
      oldDeployment: dep(5),
      newRS: rs('foo-v2', 2, newTimestamp),
      oldRSs: [rs('foo-v1', 3, oldTimestamp)],
      expected: { 'foo-v2': 1, 'foo-v1': 2 },
    },
    {
      name: 'proportional scaling: 9 -> 4',
      deployment: dep(4),
      oldDeployment: dep(9),
      newRS: rs('foo-v2', 8, newTimestamp),
      oldRSs: [rs('foo-v1', 1, oldTimestamp)],
      expected: { 'foo-v2': 4, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling: 7 -> 10',
      deployment: dep(10),
      oldDeployment: dep(7),
      newRS: rs('foo-v3', 2, newTimestamp),
      oldRSs: [rs('foo-v2', 3, oldTimestamp), rs('foo-v1', 2, olderTimestamp)],
      expected: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
    },
    {
      name: 'proportional scaling: 13 -> 8',
      deployment: dep(8),
      oldDeployment: dep(13),
      newRS: rs('foo-v3', 2, newTimestamp),
      oldRSs: [rs('foo-v2', 8, oldTimestamp), rs('foo-v1', 3, olderTimestamp)],
      expected: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
    },
    {
      // Scales up the new replica set.
      name: 'leftover distribution: 3 -> 4',
      deployment: dep(4),
      oldDeployment: dep(3),
      newRS: rs('foo-v3', 1, newTimestamp),
      oldRSs: [rs('foo-v2', 1, oldTimestamp), rs('foo-v1', 1, olderTimestamp)],
      expected: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 },
    },
    {
      // Scales down the older replica set.
      name: 'leftover distribution: 3 -> 2',
      deployment: dep(2),
      oldDeployment: dep(3),
      newRS: rs('foo-v3', 1, newTimestamp),
      oldRSs: [rs('foo-v2', 1, oldTimestamp), rs('foo-v1', 1, olderTimestamp)],
      expected: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 },
    },
    {
      // Scales up the latest replica set first.
      name: 'proportional scaling (no new rs): 4 -> 5',
      deployment: dep(5),
      oldDeployment: dep(4),
      newRS: null,
      oldRSs: [rs('foo-v2', 2, oldTimestamp), rs('foo-v1', 2, olderTimestamp)],
      expected: { 'foo-v2': 3, 'foo-v1': 2 },
    },
    {
      name: 'proportional scaling: 6 -> 0',
      deployment: dep(0),
      oldDeployment: dep(6),
      newRS: rs('foo-v3', 3, newTimestamp),
      oldRSs: [rs('foo-v2', 2, oldTimestamp), rs('foo-v1', 1, olderTimestamp)],
      expected: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling: 0 -> 6',
      deployment: dep(6),
      oldDeployment: dep(6),
      newRS: rs('foo-v3', 0, newTimestamp),
      oldRSs: [rs('foo-v2', 0, oldTimestamp), rs('foo-v1', 0, olderTimestamp)],
      expected: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 },
      wasntUpdated: ['foo-v2', 'foo-v1'],
    },
    {
      // foo-v2 is annotated with 3 replicas, the others with 5: only foo-v2 grows (and is written).
      name: 'failed rs update',
      deployment: dep(5),
      oldDeployment: dep(5),
      newRS: rs('foo-v3', 2, newTimestamp),
      oldRSs: [rs('foo-v2', 1, oldTimestamp), rs('foo-v1', 1, olderTimestamp)],
      expected: { 'foo-v3': 2, 'foo-v2': 2, 'foo-v1': 1 },
      wasntUpdated: ['foo-v3', 'foo-v1'],
      desiredReplicasAnnotations: { 'foo-v2': 3 },
    },
    {
      name: 'deployment with surge pods',
      deployment: dep(20, 2),
      oldDeployment: dep(10, 2),
      newRS: rs('foo-v2', 6, newTimestamp),
      oldRSs: [rs('foo-v1', 6, oldTimestamp)],
      expected: { 'foo-v2': 11, 'foo-v1': 11 },
    },
    {
      name: 'change both surge and size',
      deployment: dep(50, 6),
      oldDeployment: dep(10, 3),
      newRS: rs('foo-v2', 5, newTimestamp),
      oldRSs: [rs('foo-v1', 8, oldTimestamp)],
      expected: { 'foo-v2': 22, 'foo-v1': 34 },
    },
    {
      name: 'change both size and template',
      deployment: dep(14),
      oldDeployment: dep(10),
      newRS: null,
      oldRSs: [rs('foo-v2', 7, newTimestamp), rs('foo-v1', 3, oldTimestamp)],
      expected: { 'foo-v2': 10, 'foo-v1': 4 },
    },
    {
      name: 'saturated but broken new replica set does not affect old pods',
      deployment: dep(2, 1, 1),
      oldDeployment: dep(2, 1, 1),
      newRS: rs('foo-v2', 2, newTimestamp, { availableReplicas: 0 }),
      oldRSs: [rs('foo-v1', 1, oldTimestamp)],
      expected: { 'foo-v2': 2, 'foo-v1': 1 },
      wasntUpdated: ['foo-v2', 'foo-v1'],
    },
  ];
  it.each(cases)('$name', (c) => {
    // As the test does: each ReplicaSet carries the annotations the old Deployment gave it.
    const annotate = (r: ReplicaSetView): ReplicaSetView => {
      const desired = c.desiredReplicasAnnotations?.[r.name] ?? c.oldDeployment.replicas;
      const a = replicasAnnotations({ ...c.oldDeployment, replicas: desired });
      return { ...r, desiredReplicasAnnotation: a.desired, maxReplicasAnnotation: a.max };
    };
    const newRS = c.newRS && annotate(c.newRS);
    const oldRSs = c.oldRSs.map(annotate);
    const writes = scale(c.deployment, newRS, oldRSs);
    const sizes: Record<string, number> = {};
    for (const r of [...(newRS ? [newRS] : []), ...oldRSs]) sizes[r.name] = writes.get(r.name) ?? r.replicas;
    expect(sizes).toEqual(c.expected);
    for (const name of c.wasntUpdated ?? []) expect(writes.has(name)).toBe(false);
  });
});

describe('sync_test.go TestDeploymentController_cleanupDeployment', () => {
  const withStatus = (name: string, replicas: number, statusReplicas: number, over: Partial<ReplicaSetView> = {}) =>
    rs(name, replicas, 0, { statusReplicas, ...over });
  it.each<[string, ReplicaSetView[], number | null, number]>([
    ['three empty, limit 1', [withStatus('foo-1', 0, 0), withStatus('foo-2', 0, 0), withStatus('foo-3', 0, 0)], 1, 2],
    [
      'only the one with spec.replicas = status.replicas = 0',
      [withStatus('foo-1', 0, 0), withStatus('foo-2', 0, 1), withStatus('foo-3', 1, 0), withStatus('foo-4', 1, 1)],
      0,
      1,
    ],
    [
      // Upstream also lists a ReplicaSet with unknown (nil) terminatingReplicas, which it keeps; views have no nil.
      'only the one with spec.replicas = status.replicas = status.terminatingReplicas = 0',
      [
        withStatus('foo-1', 0, 0, { observedGeneration: 1, terminatingReplicas: 0 }),
        withStatus('foo-2', 0, 0, { observedGeneration: 1, terminatingReplicas: 1 }),
        withStatus('foo-4', 0, 1, { observedGeneration: 1, terminatingReplicas: 0 }),
        withStatus('foo-5', 1, 0, { observedGeneration: 1, terminatingReplicas: 0 }),
        withStatus('foo-6', 1, 1, { observedGeneration: 1, terminatingReplicas: 0 }),
      ],
      0,
      1,
    ],
    ['two empty, limit 0', [withStatus('foo-1', 0, 0), withStatus('foo-2', 0, 0)], 0, 2],
    ['two running, limit 0', [withStatus('foo-1', 1, 1), withStatus('foo-2', 1, 1)], 0, 0],
    ['already deleted', [withStatus('foo-1', 0, 0, { deleting: true })], 0, 0],
    ['unlimited revisionHistoryLimit', [withStatus('foo-1', 0, 0), withStatus('foo-2', 0, 0), withStatus('foo-3', 0, 0)], MAX_INT32, 0],
  ])('%s', (_name, oldRSs, limit, deletions) => {
    expect(cleanupDeployment(oldRSs, limit)).toHaveLength(deletions);
  });
  it('an unobserved generation is kept; null keeps all; absent limit is 10', () => {
    expect(cleanupDeployment([withStatus('a', 0, 0, { generation: 2, observedGeneration: 1 })], 0)).toEqual([]);
    expect(cleanupDeployment([withStatus('a', 0, 0)], null)).toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => withStatus(`rs-${i}`, 0, 0, { revision: i + 1 }));
    expect(cleanupDeployment(eleven)).toEqual(['rs-0']);
  });
});

describe('sync_test.go TestDeploymentController_cleanupDeploymentOrder', () => {
  // Creation order is always foo-1 < foo-2 < foo-3 < foo-4; revision 0 stands for no revision annotation.
  const r = (name: string, replicas: number, createdAt: number, revision: number) =>
    rs(name, replicas, createdAt, { statusReplicas: replicas, revision });
  const now = DAY;
  it.each<[ReplicaSetView[], number, string[]]>([
    [[r('foo-1', 0, now - MINUTE, 1), r('foo-2', 0, now, 2)], 1, ['foo-1']],
    [[r('foo-1', 0, now - MINUTE, 2), r('foo-2', 0, now, 1)], 1, ['foo-2']],
    [[r('foo-1', 0, now - MINUTE, 1), r('foo-2', 0, now, 0)], 1, ['foo-2']],
    [[r('foo-1', 0, now - MINUTE, 0), r('foo-2', 0, now, 2)], 1, ['foo-1']],
    [[r('foo-1', 1, now - MINUTE, 1), r('foo-2', 0, now, 2), r('foo-3', 0, now + MINUTE, 3)], 1, ['foo-2']],
    [[r('foo-1', 1, now - MINUTE, 1), r('foo-2', 1, now, 2), r('foo-3', 0, now + MINUTE, 3)], 1, []],
    [
      [r('foo-1', 0, now - MINUTE, 3), r('foo-2', 0, now, 1), r('foo-3', 0, now + MINUTE, 4), r('foo-4', 0, now + 2 * MINUTE, 2)],
      2,
      ['foo-2', 'foo-4'],
    ],
  ])('case %#', (oldRSs, limit, want) => {
    expect(cleanupDeployment(oldRSs, limit)).toEqual(want);
  });
});

describe('recreate.go oldPodsRunning', () => {
  it('old ReplicaSets reporting pods, or old pods not terminal, are running', () => {
    expect(oldPodsRunning([rs('old', 0, 0, { statusReplicas: 1 })], [])).toBe(true);
    expect(oldPodsRunning([rs('old', 0)], [{ phase: 'Succeeded' }, { phase: 'Failed' }])).toBe(false);
    expect(oldPodsRunning([rs('old', 0)], [{ phase: 'Failed' }, { phase: 'Unknown' }])).toBe(true);
    expect(oldPodsRunning([rs('old', 0)], [{ phase: 'Running' }])).toBe(true);
  });
});

describe('controller_utils_test.go TestSortingActivePodsWithRanks', () => {
  const now = 100 * DAY;
  const then1Month = now - 31 * DAY;
  const then2Hours = now - 2 * HOUR;
  const then5Hours = now - 5 * HOUR;
  const then8Hours = now - 8 * HOUR;
  const zeroTime = -1;
  const pod = (
    name: string,
    nodeName: string,
    phase: RankedPodView['phase'],
    ready: boolean,
    restarts: number,
    readySince: number,
    created: number,
    deletionCost?: number,
  ) => ({ name, nodeName, phase, ready, restarts: ready ? restarts : 0, readySinceMs: readySince, createdAtMs: created, deletionCost });
  type P = ReturnType<typeof pod>;
  const unscheduledPod = pod('unscheduled', '', 'Pending', false, 0, zeroTime, zeroTime);
  const scheduledPendingPod = pod('pending', 'node', 'Pending', false, 0, zeroTime, zeroTime);
  const unknownPhasePod = pod('unknown-phase', 'node', 'Unknown', false, 0, zeroTime, zeroTime);
  const runningNotReadyPod = pod('not-ready', 'node', 'Running', false, 0, zeroTime, zeroTime);
  const runningReadyNoLastTransitionTimePod = pod('ready-no-last-transition-time', 'node', 'Running', true, 0, zeroTime, zeroTime);
  const runningReadyNow = pod('ready-now', 'node', 'Running', true, 0, now, now);
  const runningReadyThen = pod('ready-then', 'node', 'Running', true, 0, then1Month, then1Month);
  const runningReadyNowHighRestarts = pod('ready-high-restarts', 'node', 'Running', true, 9001, now, now);
  const runningReadyNowCreatedThen = pod('ready-now-created-then', 'node', 'Running', true, 0, now, then1Month);
  const lowPodDeletionCost = pod('low-deletion-cost', 'node', 'Running', true, 0, now, then1Month, 10);
  const highPodDeletionCost = pod('high-deletion-cost', 'node', 'Running', true, 0, now, then1Month, 100);
  const unscheduled5Hours = pod('unscheduled-5-hours', '', 'Pending', false, 0, then5Hours, then5Hours);
  const unscheduled8Hours = pod('unscheduled-10-hours', '', 'Pending', false, 0, then8Hours, then8Hours);
  const ready2Hours = pod('ready-2-hours', '', 'Running', true, 0, then2Hours, then1Month);
  const ready5Hours = pod('ready-5-hours', '', 'Running', true, 0, then5Hours, then1Month);
  const ready10Hours = pod('ready-10-hours', '', 'Running', true, 0, then8Hours, then1Month);
  const ranked = (p: P, rank: number): RankedPodView => ({ ...p, rank });

  const byName = new Map(
    [
      unscheduledPod,
      scheduledPendingPod,
      unknownPhasePod,
      runningNotReadyPod,
      runningReadyNoLastTransitionTimePod,
      runningReadyNow,
      runningReadyThen,
      runningReadyNowHighRestarts,
      runningReadyNowCreatedThen,
      lowPodDeletionCost,
      highPodDeletionCost,
      unscheduled5Hours,
      unscheduled8Hours,
      ready2Hours,
      ready5Hours,
      ready10Hours,
    ].map((x) => [x.name, x]),
  );

  it.each<[string, string]>([
    ['unscheduled', 'unscheduled'],
    ['pending', 'pending'],
    ['unknown-phase', 'unknown-phase'],
    ['not-ready', 'not-ready'],
    ['ready-now-created-then', 'ready-now-created-then'],
    ['ready-now', 'ready-now'],
    ['ready-then', 'ready-then'],
    ['ready-high-restarts', 'ready-high-restarts'],
    ['unscheduled-5-hours', 'unscheduled-10-hours'],
    ['ready-5-hours', 'ready-10-hours'],
  ])('equality: %s and %s', (n1, n2) => {
    const p1 = byName.get(n1)!;
    const p2 = byName.get(n2)!;
    expect(activePodsWithRanksLess(ranked(p1, 1), ranked(p2, 1), now)).toBe(false);
    expect(activePodsWithRanksLess(ranked(p2, 1), ranked(p1, 1), now)).toBe(false);
  });

  // [lesser, rank, greater, rank, PodDeletionCost disabled (pods without the annotation)]
  it.each<[string, number, string, number, boolean]>([
    ['unscheduled', 1, 'pending', 2, false],
    ['unscheduled', 2, 'pending', 1, false],
    ['pending', 1, 'unknown-phase', 2, false],
    ['unknown-phase', 1, 'not-ready', 2, false],
    ['not-ready', 1, 'ready-no-last-transition-time', 1, false],
    ['ready-no-last-transition-time', 1, 'ready-now', 1, false],
    ['ready-now', 2, 'ready-no-last-transition-time', 1, false],
    ['ready-now', 1, 'ready-then', 1, false],
    ['ready-now', 2, 'ready-then', 1, false],
    ['ready-high-restarts', 1, 'ready-now', 1, false],
    ['ready-now', 2, 'ready-high-restarts', 1, false],
    ['ready-now', 1, 'ready-now-created-then', 1, false],
    ['ready-now-created-then', 2, 'ready-now', 1, false],
    ['low-deletion-cost', 2, 'high-deletion-cost', 1, false],
    ['high-deletion-cost', 2, 'low-deletion-cost', 1, true],
    ['ready-2-hours', 1, 'ready-5-hours', 1, false],
  ])('inequality: %s (rank %i) before %s (rank %i)', (lesserName, lesserRank, greaterName, greaterRank, noCost) => {
    const strip = (x: P): P => (noCost ? { ...x, deletionCost: undefined } : x);
    const lesser = strip(byName.get(lesserName)!);
    const greater = strip(byName.get(greaterName)!);
    expect(activePodsWithRanksLess(ranked(lesser, lesserRank), ranked(greater, greaterRank), now)).toBe(true);
    expect(activePodsWithRanksLess(ranked(greater, greaterRank), ranked(lesser, lesserRank), now)).toBe(false);
  });

  it('within one log2 bucket the uid decides; without now, times compare as they are', () => {
    const a = { ...ranked(ready5Hours, 1), uid: 'a' };
    const b = { ...ranked(ready10Hours, 1), uid: 'b' };
    expect(activePodsWithRanksLess(a, b, now)).toBe(true);
    expect(activePodsWithRanksLess(b, a, now)).toBe(false);
    expect(activePodsWithRanksLess(a, b)).toBe(true); // ready more recently
    expect(activePodsWithRanksLess({ ...a, uid: 'c' }, b, now)).toBe(false);
  });
});

describe('replica_set.go getPodsRankedByRelatedPodsOnSameNode, getPodsToDelete', () => {
  const p = (name: string, nodeName: string, createdAtMs: number, over: Partial<RankedPodView> = {}) => ({
    name,
    nodeName,
    phase: 'Running' as const,
    ready: true,
    readySinceMs: createdAtMs,
    restarts: 0,
    createdAtMs,
    ...over,
  });
  it('ranks by active related pods on the same node', () => {
    const mine = [p('a', 'n1', 0), p('b', 'n2', 0), p('c', '', 0)];
    const related = [...mine, p('x', 'n1', 0), p('y', 'n1', 0, { deleting: true }), p('z', 'n2', 0, { phase: 'Succeeded' })];
    expect(getPodsRankedByRelatedPodsOnSameNode(mine, related)).toEqual([2, 1, 1]);
  });
  it('deletes from the most crowded node first, then the newest', () => {
    const now = 10 * DAY;
    const pods = [p('old-crowded', 'n1', 0), p('new-alone', 'n2', 9 * DAY), p('new-crowded', 'n1', 9 * DAY)];
    const related = [...pods, p('sibling', 'n1', 0)];
    expect(getPodsToDelete(pods, related, 2, now).map((x) => x.name)).toEqual(['new-crowded', 'old-crowded']);
    expect(getPodsToDelete(pods, related, 3, now).map((x) => x.name)).toEqual(['old-crowded', 'new-alone', 'new-crowded']);
  });
});

describe('rolling updates of 10 replicas (documented sequences)', () => {
  /**
   * rolloutRolling, one sync per step: scale the new ReplicaSet up if reconcileNewReplicaSet allows, else scale the
   * old one down by reconcileOldReplicaSets; the pods of each step are available at once. Returns (old, new) after
   * each step, from (10, 0) until neither moves.
   */
  function rollout(surge: IntOrString, unavailable: IntOrString): [number, number][] {
    const d = dep(10, surge, unavailable);
    let oldRS = readyRS('old', 10, 0);
    let newRS = readyRS('new', 0, HOUR);
    const seq: [number, number][] = [[10, 0]];
    for (let step = 0; step < 50; step++) {
      const all = [oldRS, newRS];
      const n = reconcileNewReplicaSet(d, all, newRS);
      if (n !== newRS.replicas) newRS = readyRS('new', n, HOUR);
      else {
        const changes = reconcileOldReplicaSets(d, all, [oldRS], newRS);
        if (changes.size === 0) break;
        oldRS = readyRS('old', changes.get('old')!, 0);
      }
      seq.push([oldRS.replicas, newRS.replicas]);
    }
    return seq;
  }

  it('25% / 25%: surge 3, unavailable 2', () => {
    // maxSurge ceil(2.5) = 3, maxUnavailable floor(2.5) = 2: at most 13 pods, at least 8 available.
    // new: 13 - 10 = 3 more; old: 13 available - 8 = 5 fewer; new: 13 - 8 = 5 more; old: 13 - 8 = 5 fewer;
    // new: the last 2 (capped at 10).
    expect(rollout('25%', '25%')).toEqual([
      [10, 0],
      [10, 3],
      [5, 3],
      [5, 8],
      [0, 8],
      [0, 10],
    ]);
  });

  it('maxSurge 1, maxUnavailable 0: one up, one down', () => {
    // At most 11 pods, at least 10 available: each step adds one new pod, then removes one old pod.
    const want: [number, number][] = [[10, 0]];
    for (let k = 1; k <= 10; k++) want.push([11 - k, k], [10 - k, k]);
    expect(rollout(1, 0)).toEqual(want);
  });

  it('maxSurge 0, maxUnavailable 1: one down, one up', () => {
    // At most 10 pods, at least 9 available: each step removes one old pod, then adds one new pod.
    const want: [number, number][] = [[10, 0]];
    for (let k = 1; k <= 10; k++) want.push([10 - k, k - 1], [10 - k, k]);
    expect(rollout(0, 1)).toEqual(want);
  });

  it('30% / 0: surge 3, unavailable 0', () => {
    // maxSurge ceil(3) = 3: at most 13 pods, at least 10 available. Three up, three down, until the new
    // ReplicaSet is capped at 10: from (1, 9) it adds one, then the last old pod goes.
    expect(rollout('30%', 0)).toEqual([
      [10, 0],
      [10, 3],
      [7, 3],
      [7, 6],
      [4, 6],
      [4, 9],
      [1, 9],
      [1, 10],
      [0, 10],
    ]);
  });
});
