import { describe, expect, it } from 'vitest';
import {
  admitDefaultTolerationSeconds,
  computeZoneState,
  DEFAULT_NODE_LIFECYCLE_CONFIG,
  gcOrphanedDue,
  gcTerminated,
  gcTerminatingApplies,
  getMatchingTolerations,
  getMinTolerationTime,
  handleDisruption,
  isNodeExcludedFromDisruptionChecks,
  isPodTerminated,
  NODE_MONITOR_GRACE_PERIOD_MS,
  NODE_MONITOR_PERIOD_MS,
  NODE_STARTUP_GRACE_PERIOD_MS,
  NOT_READY_TAINT_TEMPLATE,
  processPodOnNode,
  QUARANTINE_TIME_MS,
  reducedQPSFunc,
  setLimiterInZone,
  taintForReadyCondition,
  TERMINATED_POD_GC_THRESHOLD,
  tryUpdateNodeHealth,
  UNREACHABLE_TAINT_TEMPLATE,
  type ConditionStatus,
  type ZoneState,
} from '../../src/controllers/node-lifecycle/rules.js';
import type { Taint, Toleration } from '../../src/model/selectors.js';

const S = 1000;

describe('kube-controller-manager defaults (v1.36)', () => {
  it('node monitor periods', () => {
    expect(NODE_MONITOR_GRACE_PERIOD_MS).toBe(50 * S);
    expect(NODE_STARTUP_GRACE_PERIOD_MS).toBe(60 * S);
    expect(NODE_MONITOR_PERIOD_MS).toBe(5 * S);
  });
  it('eviction rates and thresholds', () => {
    expect(DEFAULT_NODE_LIFECYCLE_CONFIG).toEqual({
      evictionLimiterQPS: 0.1,
      secondaryEvictionLimiterQPS: 0.01,
      largeClusterThreshold: 50,
      unhealthyZoneThreshold: 0.55,
    });
  });
});

describe('tryUpdateNodeHealth', () => {
  it.each([
    // [now, probe, has Ready condition, grace, Unknown]
    [50 * S, 0, true, 50 * S, false],
    [50 * S + 1, 0, true, 50 * S, true],
    [55 * S, 0, false, 60 * S, false],
    [60 * S + 1, 0, false, 60 * S, true],
  ])('now %i, probe %i, posted %s: grace %i, Unknown %s', (now, probe, posted, grace, unknown) => {
    expect(tryUpdateNodeHealth(now, probe, posted)).toEqual({ gracePeriodMs: grace, readyUnknown: unknown });
  });
});

describe('taintForReadyCondition', () => {
  it('maps Ready False to not-ready, Unknown to unreachable, True to none', () => {
    expect(taintForReadyCondition('False')).toBe(NOT_READY_TAINT_TEMPLATE);
    expect(taintForReadyCondition('Unknown')).toBe(UNREACHABLE_TAINT_TEMPLATE);
    expect(taintForReadyCondition('True')).toBeNull();
  });
});

// Shaped like node_lifecycle_controller_test.go TestMonitorNodeHealth: the zone's Ready conditions before
// and after an update, and the states the controller computes.
describe('ComputeZoneState', () => {
  const T: ConditionStatus = 'True';
  const U: ConditionStatus = 'Unknown';
  it.each<[string, (ConditionStatus | null)[], ZoneState, (ConditionStatus | null)[], ZoneState]>([
    ['No Disruption: node created recently, Ready', [T], 'Normal', [T], 'Normal'],
    ['No Disruption: zone down, node comes back', [U], 'FullDisruption', [T], 'Normal'],
    [
      'Partial Disruption: nodes created without status conditions',
      [null, null, null, null],
      'FullDisruption',
      [U, U, U, T],
      'PartialDisruption',
    ],
    [
      'Partial Disruption: one node failed, unhealthy share exceeds threshold',
      [U, U, T, T, T],
      'Normal',
      [U, U, U, T, T],
      'PartialDisruption',
    ],
    ['Full Disruption: the last healthy node has failed', [U, T], 'Normal', [U, U], 'FullDisruption'],
  ])('%s', (_name, before, stateBefore, after, stateAfter) => {
    expect(computeZoneState(before).state).toBe(stateBefore);
    expect(computeZoneState(after).state).toBe(stateAfter);
  });
  it('needs more than 2 not-Ready nodes for PartialDisruption, whatever the share', () => {
    expect(computeZoneState([U, U, T])).toEqual({ notReadyNodes: 2, state: 'Normal' });
  });
  it('compares the share with >= in float32: 11 of 20 is exactly 0.55', () => {
    const zone = [...Array<ConditionStatus>(11).fill(U), ...Array<ConditionStatus>(9).fill(T)];
    expect(computeZoneState(zone).state).toBe('PartialDisruption');
    const below = [...Array<ConditionStatus>(10).fill(U), ...Array<ConditionStatus>(9).fill(T), T];
    expect(computeZoneState(below).state).toBe('Normal');
  });
  it('an empty zone is Normal', () => {
    expect(computeZoneState([]).state).toBe('Normal');
  });
  it('nodes labelled node.kubernetes.io/exclude-disruption are left out', () => {
    expect(isNodeExcludedFromDisruptionChecks(new Map([['node.kubernetes.io/exclude-disruption', '']]))).toBe(true);
    expect(isNodeExcludedFromDisruptionChecks(new Map())).toBe(false);
  });
});

describe('eviction rate per zone state (setLimiterInZone, ReducedQPSFunc)', () => {
  it.each<[ZoneState, number, number | null]>([
    ['Normal', 3, 0.1],
    ['FullDisruption', 3, 0.1],
    ['PartialDisruption', 50, 0],
    ['PartialDisruption', 51, 0.01],
    ['Initial', 10, null],
  ])('%s in a zone of %i nodes: %s', (state, size, qps) => {
    expect(setLimiterInZone(state, size)).toBe(qps);
  });
  it('ReducedQPSFunc honours the configured threshold', () => {
    expect(reducedQPSFunc(21, { ...DEFAULT_NODE_LIFECYCLE_CONFIG, largeClusterThreshold: 20 })).toBe(0.01);
    expect(reducedQPSFunc(20, { ...DEFAULT_NODE_LIFECYCLE_CONFIG, largeClusterThreshold: 20 })).toBe(0);
  });
});

describe('handleDisruption', () => {
  const T: ConditionStatus = 'True';
  const U: ConditionStatus = 'Unknown';
  it('a new zone starts Initial and moves to its computed state without a limiter change when Normal', () => {
    const r = handleDisruption(new Map(), new Map([['a', [T, T]]]));
    expect([...r.zoneStates]).toEqual([['a', 'Normal']]);
    expect([...r.limiterQPS]).toEqual([['a', 0.1]]);
    expect(r.markAllNodesReachable).toBe(false);
  });
  it('one zone fully down while another is healthy: the down zone keeps the primary rate', () => {
    const prev = new Map<string, ZoneState>([
      ['a', 'Normal'],
      ['b', 'Normal'],
    ]);
    const r = handleDisruption(
      prev,
      new Map([
        ['a', [U, U]],
        ['b', [T, T]],
      ]),
    );
    expect(r.zoneStates.get('a')).toBe('FullDisruption');
    expect([...r.limiterQPS]).toEqual([['a', 0.1]]);
    expect(r.markAllNodesReachable).toBe(false);
  });
  it('every zone fully down: evictions stop and all nodes lose their taints', () => {
    const prev = new Map<string, ZoneState>([
      ['a', 'Normal'],
      ['b', 'FullDisruption'],
    ]);
    const r = handleDisruption(
      prev,
      new Map([
        ['a', [U]],
        ['b', [U]],
      ]),
    );
    expect([...r.limiterQPS]).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(r.markAllNodesReachable).toBe(true);
    expect([...r.zoneStates.values()]).toEqual(['FullDisruption', 'FullDisruption']);
  });
  it('staying fully disrupted changes nothing', () => {
    const prev = new Map<string, ZoneState>([['a', 'FullDisruption']]);
    const r = handleDisruption(prev, new Map([['a', [U]]]));
    expect(r.limiterQPS.size).toBe(0);
    expect(r.markAllNodesReachable).toBe(false);
  });
  it('leaving master disruption resets every zone limiter and the probe timestamps', () => {
    const prev = new Map<string, ZoneState>([
      ['a', 'FullDisruption'],
      ['b', 'FullDisruption'],
    ]);
    const r = handleDisruption(
      prev,
      new Map([
        ['a', [U]],
        ['b', [T]],
      ]),
    );
    expect([...r.limiterQPS]).toEqual([
      ['a', 0.1],
      ['b', 0.1],
    ]);
    expect(r.resetProbeTimestamps).toBe(true);
  });
  it('a zone no longer observed is dropped', () => {
    const prev = new Map<string, ZoneState>([
      ['a', 'Normal'],
      ['gone', 'Normal'],
    ]);
    expect([...handleDisruption(prev, new Map([['a', [T]]])).zoneStates.keys()]).toEqual(['a']);
  });
});

// --- taint eviction ---------------------------------------------------------------------------------

function noExecuteTaint(i: number): Taint {
  return { key: `testTaint${i}`, value: `test${i}`, effect: 'NoExecute' };
}
function toleration(i: number, seconds?: number): Toleration {
  const t: Toleration = { key: `testTaint${i}`, operator: 'Equal', value: `test${i}`, effect: 'NoExecute' };
  if (seconds !== undefined) t.tolerationSeconds = seconds;
  return t;
}
function seconds(s: number | undefined): Toleration {
  const t: Toleration = { key: '', operator: 'Exists', value: '', effect: '' };
  if (s !== undefined) t.tolerationSeconds = s;
  return t;
}

// taint_eviction_test.go TestGetMinTolerationTime, plus the zero and negative cases.
describe('getMinTolerationTime', () => {
  it.each<[string, Toleration[], number]>([
    ['no tolerations', [], 0],
    ['nil seconds: forever', [seconds(undefined)], -1],
    ['one and two seconds', [seconds(1), seconds(2)], 1 * S],
    ['one second and nil', [seconds(1), seconds(undefined)], 1 * S],
    ['nil and one second', [seconds(undefined), seconds(1)], 1 * S],
    ['zero seconds: at once', [seconds(300), seconds(0)], 0],
    ['negative seconds are treated as zero', [seconds(-5), seconds(300)], 0],
  ])('%s', (_name, tolerations, want) => {
    expect(getMinTolerationTime(tolerations)).toBe(want);
  });
});

describe('getMatchingTolerations', () => {
  it('takes the first toleration matching each taint', () => {
    const r = getMatchingTolerations([noExecuteTaint(1)], [seconds(300), toleration(1, 60)]);
    expect(r).toEqual({ allTolerated: true, used: [seconds(300)] });
  });
  it('fails when one taint is not tolerated', () => {
    expect(getMatchingTolerations([noExecuteTaint(1), noExecuteTaint(2)], [toleration(1, 100)])).toEqual({ allTolerated: false, used: [] });
  });
});

// Shaped like taint_eviction_test.go TestCreatePod / TestUpdateNode / TestUpdateNodeWithMultiplePods.
describe('processPodOnNode', () => {
  const now = 1_000_000;
  it.each<[string, Taint[], Toleration[], ReturnType<typeof processPodOnNode>]>([
    ['untainted node', [], [], { kind: 'never' }],
    ['NoSchedule taints are ignored', [{ key: 'k', value: '', effect: 'NoSchedule' }], [], { kind: 'never' }],
    ['tainted node, no toleration: evicted at once', [noExecuteTaint(1)], [], { kind: 'evict', createdAt: now, fireAt: now }],
    ['finite toleration', [noExecuteTaint(1)], [toleration(1, 100)], { kind: 'evict', createdAt: now, fireAt: now + 100 * S }],
    ['infinite toleration', [noExecuteTaint(1)], [toleration(1)], { kind: 'never' }],
    ['toleration for another taint: evicted at once', [noExecuteTaint(1)], [toleration(2)], { kind: 'evict', createdAt: now, fireAt: now }],
    [
      'only one of two taints tolerated',
      [noExecuteTaint(1), noExecuteTaint(2)],
      [toleration(1, 100)],
      { kind: 'evict', createdAt: now, fireAt: now },
    ],
    [
      'multiple tolerations: the first to run out wins',
      [noExecuteTaint(1), noExecuteTaint(2)],
      [toleration(1, 1), toleration(2, 100)],
      { kind: 'evict', createdAt: now, fireAt: now + 1 * S },
    ],
    [
      'infinitely tolerated taint plus a temporarily tolerated one',
      [noExecuteTaint(1), noExecuteTaint(2)],
      [toleration(1), toleration(2, 60)],
      { kind: 'evict', createdAt: now, fireAt: now + 60 * S },
    ],
    ['tolerationSeconds 0: at once', [noExecuteTaint(1)], [toleration(1, 0)], { kind: 'evict', createdAt: now, fireAt: now }],
  ])('%s', (_name, taints, tolerations, want) => {
    expect(processPodOnNode(taints, tolerations, now)).toEqual(want);
  });

  it("with DefaultTolerationSeconds' tolerations, a pod is evicted 300 s after the unreachable taint", () => {
    const tolerations = admitDefaultTolerationSeconds([]);
    expect(processPodOnNode([UNREACHABLE_TAINT_TEMPLATE], tolerations, now)).toEqual({
      kind: 'evict',
      createdAt: now,
      fireAt: now + 300 * S,
    });
    expect(processPodOnNode([NOT_READY_TAINT_TEMPLATE], tolerations, now)).toEqual({
      kind: 'evict',
      createdAt: now,
      fireAt: now + 300 * S,
    });
  });
  it('lengthening (or shortening) a toleration keeps the eviction already scheduled', () => {
    const scheduled = { createdAt: now - 10 * S, fireAt: now - 9 * S };
    expect(processPodOnNode([noExecuteTaint(1)], [toleration(1, 100)], now, scheduled)).toEqual({ kind: 'keep' });
  });
  it('removing the toleration evicts at once even with an eviction scheduled', () => {
    const scheduled = { createdAt: now - 10 * S, fireAt: now + 90 * S };
    expect(processPodOnNode([noExecuteTaint(1)], [], now, scheduled)).toEqual({ kind: 'evict', createdAt: now, fireAt: now });
  });
  it('a forever toleration cancels a scheduled eviction', () => {
    const scheduled = { createdAt: now - 10 * S, fireAt: now + 50 * S };
    expect(processPodOnNode([noExecuteTaint(1)], [toleration(1)], now, scheduled)).toEqual({ kind: 'never' });
  });
});

// Shaped like defaulttolerationseconds/admission_test.go TestForgivenessAdmission.
describe('DefaultTolerationSeconds admission', () => {
  const notReady = (s: number): Toleration => ({
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    value: '',
    effect: 'NoExecute',
    tolerationSeconds: s,
  });
  const unreachable = (s: number): Toleration => ({
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    value: '',
    effect: 'NoExecute',
    tolerationSeconds: s,
  });
  const other: Toleration = { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' };
  it.each<[string, Toleration[], Toleration[]]>([
    ['pod has no tolerations: both are added', [], [notReady(300), unreachable(300)]],
    ['pod has an unrelated toleration: both are added after it', [other], [other, notReady(300), unreachable(300)]],
    ['pod already tolerates not-ready: only unreachable is added', [notReady(60)], [notReady(60), unreachable(300)]],
    ['pod already tolerates unreachable: only not-ready is added', [unreachable(30)], [unreachable(30), notReady(300)]],
    ['pod tolerates both: unchanged', [notReady(5), unreachable(6)], [notReady(5), unreachable(6)]],
    [
      'an unreachable toleration with no effect counts: only not-ready is added',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', value: '', effect: '', tolerationSeconds: 700 }],
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', value: '', effect: '', tolerationSeconds: 700 }, notReady(300)],
    ],
    [
      'a wildcard toleration for every taint: unchanged',
      [{ key: '', operator: 'Exists', value: '', effect: '', tolerationSeconds: 700 }],
      [{ key: '', operator: 'Exists', value: '', effect: '', tolerationSeconds: 700 }],
    ],
    [
      'an empty key with effect NoExecute covers both',
      [{ key: '', operator: 'Exists', value: '', effect: 'NoExecute' }],
      [{ key: '', operator: 'Exists', value: '', effect: 'NoExecute' }],
    ],
    [
      'a not-ready toleration with effect NoSchedule does not count',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', value: '', effect: 'NoSchedule' }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', value: '', effect: 'NoSchedule' }, notReady(300), unreachable(300)],
    ],
  ])('%s', (_name, before, after) => {
    expect(admitDefaultTolerationSeconds(before)).toEqual(after);
  });
  it('uses the configured seconds', () => {
    expect(admitDefaultTolerationSeconds([], 30, 40)).toEqual([notReady(30), unreachable(40)]);
  });
});

// --- pod GC --------------------------------------------------------------------------------------

describe('PodGC', () => {
  it('the terminated-pod threshold defaults to 12500 and the quarantine to 40 s', () => {
    expect(TERMINATED_POD_GC_THRESHOLD).toBe(12500);
    expect(QUARANTINE_TIME_MS).toBe(40 * S);
  });
  it('isPodTerminated', () => {
    expect(['Pending', 'Running', 'Succeeded', 'Failed'].map((p) => isPodTerminated(p as 'Pending'))).toEqual([false, false, true, true]);
  });
  // gc_controller_test.go TestGCTerminated: pods created at one instant go in name order.
  it.each<[string, string[], number, string[]]>([
    ['threshold = 0 disables terminated pod deletion', ['a', 'b'], 0, []],
    ['threshold = 1: delete pods a and b', ['a', 'b', 'c'], 1, ['a', 'b']],
    ['threshold = 2: nothing to delete', ['a', 'b'], 2, []],
  ])('gcTerminated, %s', (_name, names, threshold, deleted) => {
    const pods = names.map((name) => ({ name, createdAt: 0, evicted: false }));
    expect(gcTerminated(pods, threshold).map((p) => p.name)).toEqual(deleted);
  });
  it('gcTerminated deletes the excess, evicted pods first, then the oldest', () => {
    const pods = [
      { name: 'a', createdAt: 3, evicted: false },
      { name: 'b', createdAt: 1, evicted: false },
      { name: 'c', createdAt: 2, evicted: true },
      { name: 'd', createdAt: 1, evicted: false },
    ];
    expect(gcTerminated(pods, 2).map((p) => p.name)).toEqual(['c', 'b']);
    expect(gcTerminated(pods, 4)).toEqual([]);
    expect(gcTerminated(pods, 0)).toEqual([]);
  });
  it('gcOrphaned waits the quarantine from the pass that first saw the node missing', () => {
    expect(gcOrphanedDue(0, 20 * S)).toBe(false);
    expect(gcOrphanedDue(0, 40 * S)).toBe(true);
  });
  it('gcTerminating needs a not-Ready node with the out-of-service taint', () => {
    const oos: Taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
    expect(gcTerminatingApplies(false, [oos])).toBe(true);
    expect(gcTerminatingApplies(true, [oos])).toBe(false);
    expect(gcTerminatingApplies(false, [])).toBe(false);
  });
});
