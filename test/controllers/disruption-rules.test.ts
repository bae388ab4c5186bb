import { describe, expect, it } from 'vitest';
import {
  buildDisruptedPodMap,
  canIgnorePDB,
  countHealthyPods,
  DELETION_TIMEOUT_MS,
  disruptionsAllowed,
  evictionCreate,
  getExpectedPodCount,
  getScaledValueFromIntOrPercent,
  trySync,
  type PdbPod,
  type PodControllerFinder,
  type PodDisruptionBudget,
  type PodDisruptionBudgetSpec,
} from '../../src/controllers/disruption/rules.js';

// Pods of workload 0 unless given; workload -1 is a pod without a controller.
function pod(name: string, over: Partial<PdbPod> = {}): PdbPod {
  return { name, phase: 'Running', terminating: false, workload: 0, ...over };
}
function pods(n: number, over: Partial<PdbPod> = {}): PdbPod[] {
  return Array.from({ length: n }, (_, i) => pod(`pod-${i}`, over));
}
/** Workload i has scale scales[i]; unknown workloads have no finder. */
function finder(scales: number[]): PodControllerFinder {
  return (w) => (w < scales.length ? { uid: w, scale: scales[w]! } : null);
}
function pdb(spec: PodDisruptionBudgetSpec): PodDisruptionBudget {
  return {
    generation: 1,
    spec,
    status: {
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      disruptionsAllowed: 0,
      disruptedPods: new Map(),
      observedGeneration: 0,
    },
  };
}
/** VerifyPdbStatus(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods), as disruption_test.go. */
function status(spec: PodDisruptionBudgetSpec, ps: PdbPod[], scales: number[]): [number, number, number, number] {
  const s = trySync(pdb(spec), ps, finder(scales), 0).status;
  return [s.disruptionsAllowed, s.currentHealthy, s.desiredHealthy, s.expectedPods];
}

describe('intstr.GetScaledValueFromIntOrPercent', () => {
  it.each<[number | string, number, boolean, number]>([
    [2, 3, true, 2],
    ['50%', 3, true, 2],
    ['50%', 3, false, 1],
    ['34%', 3, true, 2],
    ['34%', 3, false, 1],
    ['30%', 7, true, 3],
    ['28%', 11, true, 4],
    ['28%', 22, true, 7],
    ['0%', 5, true, 0],
    ['100%', 5, true, 5],
  ])('%s of %i (roundUp %s) is %i', (value, total, roundUp, want) => {
    expect(getScaledValueFromIntOrPercent(value, total, roundUp)).toBe(want);
  });
  it('refuses a string that is not a percentage', () => {
    expect(() => getScaledValueFromIntOrPercent('50', 3, true)).toThrow(/not a percentage/);
  });
});

describe('disruption controller status (shaped like disruption_test.go)', () => {
  it('minAvailable 2 on 3 healthy replicas allows 1 disruption', () => {
    expect(status({ minAvailable: 2 }, pods(3), [3])).toEqual([1, 3, 2, 3]);
  });
  it('minAvailable "50%" of 3 needs 2 healthy (rounded up)', () => {
    expect(status({ minAvailable: '50%' }, pods(3), [3])).toEqual([1, 3, 2, 3]);
  });
  it('maxUnavailable "34%" of 3 rounds 1.02 up to 2: 1 must stay healthy, 2 disruptions allowed', () => {
    expect(status({ maxUnavailable: '34%' }, pods(3), [3])).toEqual([2, 3, 1, 3]);
  });
  it('TestNoSelector: an integer minAvailable counts the selected pods, no controller needed', () => {
    expect(status({ minAvailable: 3 }, [], [])).toEqual([0, 0, 3, 0]);
    expect(status({ minAvailable: 3 }, [pod('yo-yo-yo', { workload: -1 })], [])).toEqual([0, 1, 3, 1]);
  });
  it('TestUnavailable: 4 pods allow 1, one turning unready allows 0', () => {
    expect(status({ minAvailable: 3 }, pods(4, { workload: -1 }), [])).toEqual([1, 4, 3, 4]);
    const ps = pods(4, { workload: -1 });
    ps[0] = pod('pod-0', { workload: -1, ready: false });
    expect(status({ minAvailable: 3 }, ps, [])).toEqual([0, 3, 3, 4]);
  });
  it('TestIntegerMaxUnavailable: a pod without a controller allows no disruption', () => {
    expect(status({ maxUnavailable: 1 }, [], [])).toEqual([0, 0, 0, 0]);
    expect(status({ maxUnavailable: 1 }, [pod('naked', { workload: -1 })], [])[0]).toBe(0);
  });
  it.each<[string, PodDisruptionBudgetSpec, number, [number, number, number, number]]>([
    ['TestIntegerMaxUnavailableWithScaling, 7 replicas', { maxUnavailable: 2 }, 7, [0, 1, 5, 7]],
    ['TestIntegerMaxUnavailableWithScaling, scaled to 5', { maxUnavailable: 2 }, 5, [0, 1, 3, 5]],
    ['TestPercentageMaxUnavailableWithScaling, 7 replicas', { maxUnavailable: '30%' }, 7, [0, 1, 4, 7]],
    ['TestPercentageMaxUnavailableWithScaling, scaled to 3', { maxUnavailable: '30%' }, 3, [0, 1, 2, 3]],
    ['TestReplicaSet: 20% of 10', { minAvailable: '20%' }, 10, [0, 1, 2, 10]],
  ])('%s', (_name, spec, scale, want) => {
    expect(status(spec, [pod('pod')], [scale])).toEqual(want);
  });
  it('TestNakedPod: a percentage with only an unmanaged pod allows no disruption', () => {
    const r = trySync(pdb({ minAvailable: '28%' }), [pod('naked', { workload: -1 })], finder([]), 0);
    expect(r.status.disruptionsAllowed).toBe(0);
    expect(r.unmanagedPods).toEqual(['naked']);
    expect(r.error).toBeUndefined();
  });
  it('TestReplicationController: "34%" of 3 rounds up to 2; a rogue unmanaged pod still counts as healthy', () => {
    const managed = pods(3);
    expect(status({ minAvailable: '34%' }, managed.slice(0, 2), [3])).toEqual([0, 2, 2, 3]);
    expect(status({ minAvailable: '34%' }, managed, [3])).toEqual([1, 3, 2, 3]);
    expect(status({ minAvailable: '34%' }, [...managed, pod('rogue', { workload: -1 })], [3])).toEqual([2, 4, 2, 3]);
  });
  it('TestTwoControllers: "28%" of 11 is 4; of two controllers of 11, 7', () => {
    const ps = [...pods(11), ...Array.from({ length: 11 }, (_, i) => pod(`d-${i}`, { workload: 1 }))];
    expect(status({ minAvailable: '28%' }, ps.slice(0, 11), [11, 11])[2]).toBe(4);
    expect(status({ minAvailable: '28%' }, ps, [11, 11])).toEqual([15, 22, 7, 22]);
  });
  it('pods of one controller count its scale once; a ReplicaSet resolving to its Deployment counts once', () => {
    const sameDeployment: PodControllerFinder = () => ({ uid: 'deploy', scale: 4 });
    const ps = [pod('a', { workload: 0 }), pod('b', { workload: 1 })];
    expect(getExpectedPodCount({ maxUnavailable: 1 }, ps, sameDeployment)).toMatchObject({ expectedCount: 4, desiredHealthy: 3 });
  });
  it('a controller with no scale (no finder) fails the sync: disruptionsAllowed 0 (failSafe)', () => {
    const before = pdb({ maxUnavailable: 1 });
    before.status = { ...before.status, disruptionsAllowed: 3, currentHealthy: 4 };
    const r = trySync(before, pods(4, { workload: 7 }), finder([]), 0);
    expect(r.error).toMatch(/found no controllers/);
    expect(r.status.disruptionsAllowed).toBe(0);
    expect(r.status.currentHealthy).toBe(4);
  });
  it('a PDB with neither field allows nothing', () => {
    expect(status({}, pods(3), [3])).toEqual([0, 3, 0, 0]);
  });
  it('disruptionsAllowed is never negative and 0 without expected pods', () => {
    expect(disruptionsAllowed(1, 3, 5)).toBe(0);
    expect(disruptionsAllowed(5, 0, 0)).toBe(0);
    expect(disruptionsAllowed(5, 3, 5)).toBe(2);
  });
});

describe('countHealthyPods and disruptedPods', () => {
  it('terminating and not-ready pods are not healthy', () => {
    const ps = [pod('a'), pod('b', { terminating: true }), pod('c', { phase: 'Pending' }), pod('d', { ready: false })];
    expect(countHealthyPods(ps, new Map(), 0)).toBe(1);
  });
  it('a pod in disruptedPods is not healthy until DeletionTimeout (2 min) has passed', () => {
    const disrupted = new Map([['a', 0]]);
    expect(countHealthyPods([pod('a')], disrupted, DELETION_TIMEOUT_MS - 1)).toBe(0);
    expect(countHealthyPods([pod('a')], disrupted, DELETION_TIMEOUT_MS)).toBe(1);
  });
  it('buildDisruptedPodMap drops terminating pods and overdue entries, and says when to recheck', () => {
    const disrupted = new Map([
      ['a', 0],
      ['b', 1000],
      ['gone', 0],
      ['t', 0],
    ]);
    const r = buildDisruptedPodMap([pod('a'), pod('b'), pod('t', { terminating: true })], disrupted, DELETION_TIMEOUT_MS + 1);
    expect([...r.disruptedPods]).toEqual([['b', 1000]]);
    expect(r.recheckAt).toBe(1000 + DELETION_TIMEOUT_MS);
  });
});

describe('eviction subresource (eviction.go)', () => {
  function withStatus(spec: PodDisruptionBudgetSpec, currentHealthy: number, desiredHealthy: number, allowed: number): PodDisruptionBudget {
    const b = pdb(spec);
    b.status = { ...b.status, currentHealthy, desiredHealthy, expectedPods: 3, disruptionsAllowed: allowed, observedGeneration: 1 };
    return b;
  }
  const unready = pod('u', { ready: false });
  it.each<[string, PdbPod, PodDisruptionBudget[], ReturnType<typeof evictionCreate>]>([
    ['no PDB', pod('a'), [], { allowed: true, decrement: false }],
    ['healthy pod, budget allows', pod('a'), [withStatus({ minAvailable: 2 }, 3, 2, 1)], { allowed: true, decrement: true }],
    [
      'healthy pod, budget exhausted: 429',
      pod('a'),
      [withStatus({ minAvailable: 2 }, 2, 2, 0)],
      { allowed: false, code: 429, reason: expect.any(String) },
    ],
    [
      'unhealthy pod, IfHealthyBudget, budget healthy: allowed without decrement',
      unready,
      [withStatus({ minAvailable: 2 }, 2, 2, 0)],
      { allowed: true, decrement: false },
    ],
    [
      'unhealthy pod, IfHealthyBudget, budget unhealthy: 429',
      unready,
      [withStatus({ minAvailable: 2 }, 1, 2, 0)],
      { allowed: false, code: 429, reason: expect.any(String) },
    ],
    [
      'unhealthy pod, AlwaysAllow, budget unhealthy: allowed',
      unready,
      [withStatus({ minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, 1, 2, 0)],
      { allowed: true, decrement: false },
    ],
    [
      'unhealthy pod, IfHealthyBudget, desiredHealthy 0: falls to the budget',
      unready,
      [withStatus({ maxUnavailable: '100%' }, 0, 0, 0)],
      { allowed: false, code: 429, reason: expect.any(String) },
    ],
    [
      'pending pod ignores the PDB',
      pod('p', { phase: 'Pending' }),
      [withStatus({ minAvailable: 2 }, 1, 2, 0)],
      { allowed: true, decrement: false },
    ],
    [
      'terminating pod ignores the PDB',
      pod('t', { terminating: true }),
      [withStatus({ minAvailable: 2 }, 1, 2, 0)],
      { allowed: true, decrement: false },
    ],
    [
      'two PDBs: 500',
      pod('a'),
      [withStatus({ minAvailable: 1 }, 3, 1, 2), withStatus({ minAvailable: 1 }, 3, 1, 2)],
      { allowed: false, code: 500, reason: expect.any(String) },
    ],
  ])('%s', (_name, p, pdbs, want) => {
    expect(evictionCreate(p, pdbs)).toEqual(want);
  });
  it('a PDB whose status lags its generation refuses with 429', () => {
    const b = withStatus({ minAvailable: 1 }, 3, 1, 2);
    b.generation = 2;
    expect(evictionCreate(pod('a'), [b])).toMatchObject({ allowed: false, code: 429 });
  });
  it('canIgnorePDB: Succeeded, Failed, Pending, terminating', () => {
    expect(['Pending', 'Running', 'Succeeded', 'Failed'].map((phase) => canIgnorePDB(pod('x', { phase: phase as 'Running' })))).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });
});
