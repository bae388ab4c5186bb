// Tables after kubernetes/kubernetes v1.36 pkg/controller/daemon: update_test.go (TestGetUnavailableNumbers and
// the TestDaemonSetUpdates* sequences, where each sync's creations and deletions are counted) and
// util/daemonset_util_test.go, over views of the daemon pods keyed by node name.
import { describe, expect, it } from 'vitest';
import {
  allowsSurge,
  findUpdatedPodsOnNode,
  podByCreationTimestampAndPhase,
  podsShouldBeOnNode,
  rollingUpdate,
  surgeCount,
  unavailableCount,
  updatedDesiredNodeCounts,
  type DaemonPodView,
} from '../../src/controllers/daemonset/calc.js';
import type { IntOrPercent, UpdateStrategy } from '../../src/model/workloads.js';

/** update_test.go newUpdateUnavailable and newUpdateSurge (surge sets maxUnavailable 0). */
const unavailable = (v: IntOrPercent): UpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: v } });
const surge = (v: IntOrPercent): UpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: v } });

interface P extends DaemonPodView {
  ready: boolean;
  available: boolean;
}
let seq = 0;
/** A bound pod; Ready and available when `ready`. */
const pod = (updated: boolean, ready = true, over: Partial<P> = {}): P => ({
  name: `pod-${seq++}`,
  updated,
  ready,
  available: ready,
  terminating: false,
  scheduled: true,
  createdAt: seq,
  ...over,
});
const nodes = (n: number, shouldRun = true) => Array.from({ length: n }, (_, i) => ({ name: `node-${i}`, shouldRun }));

describe('util SurgeCount, UnavailableCount, AllowsSurge: percentages round up', () => {
  it.each<[UpdateStrategy, number, number, number, boolean]>([
    [unavailable(1), 5, 0, 1, false],
    [unavailable('50%'), 3, 0, 2, false],
    [unavailable('25%'), 5, 0, 2, false],
    [surge('50%'), 3, 2, 0, true],
    [surge('1%'), 200, 2, 0, true],
    [surge(0), 3, 0, 0, false],
    [{ type: 'OnDelete', rollingUpdate: null }, 5, 0, 0, false],
  ])('%o over %i nodes: surge %i, unavailable %i', (strategy, n, wantSurge, wantUnavailable, wantAllows) => {
    expect(surgeCount(strategy, n)).toBe(wantSurge);
    expect(unavailableCount(strategy, n)).toBe(wantUnavailable);
    expect(allowsSurge(strategy)).toBe(wantAllows);
  });
});

describe('update_test.go TestGetUnavailableNumbers (updatedDesiredNodeCounts)', () => {
  const twoReady = () =>
    new Map([
      ['node-0', [pod(true)]],
      ['node-1', [pod(true)]],
    ]);
  const oneReady = () => new Map([['node-0', [pod(true)]]]);
  it.each<[string, UpdateStrategy, number, Map<string, P[]>, number, number, number, number]>([
    ['No nodes', unavailable(0), 0, new Map(), 0, 0, 0, 0],
    ['Two nodes with ready pods', unavailable(1), 2, twoReady(), 0, 1, 2, 0],
    ['Two nodes, one node without pods', unavailable(0), 2, oneReady(), 0, 1, 2, 1],
    ['Two nodes, one node without pods, surge', surge(0), 2, oneReady(), 0, 1, 2, 1],
    ['Two nodes with pods, MaxUnavailable in percents', unavailable('50%'), 2, twoReady(), 0, 1, 2, 0],
    ['Two nodes with pods, MaxUnavailable in percents, surge', surge('50%'), 2, twoReady(), 1, 0, 2, 0],
    ['Two nodes with pods, MaxUnavailable is 100%, surge', surge('100%'), 2, twoReady(), 2, 0, 2, 0],
    [
      'Two nodes with pods, MaxUnavailable in percents, pod terminating',
      unavailable('50%'),
      3,
      new Map([
        ['node-0', [pod(true)]],
        ['node-1', [pod(true, true, { terminating: true })]],
      ]),
      0,
      2,
      3,
      1,
    ],
  ])('%s', (_name, strategy, n, nodeToPods, maxSurge, maxUnavailable, desired, emptyNodes) => {
    const got = updatedDesiredNodeCounts(strategy, nodes(n), nodeToPods);
    expect([got.maxSurge, got.maxUnavailable, got.desiredNumberScheduled]).toEqual([maxSurge, maxUnavailable, desired]);
    expect([...got.nodeToDaemonPods.values()].filter((pods) => pods.length === 0)).toHaveLength(emptyNodes);
  });
});

describe('update.go findUpdatedPodsOnNode', () => {
  const n = pod(true);
  const o = pod(false);
  it.each<[string, P[], P | null, P | null, boolean]>([
    ['no pods', [], null, null, true],
    ['one new', [n], n, null, true],
    ['one old and one new', [o, n], n, o, true],
    ['terminating pods are skipped', [o, { ...n, terminating: true }], null, o, true],
    ['two new: let the manage loop prune', [n, pod(true)], null, null, false],
    ['two old: let the manage loop prune', [o, pod(false)], null, null, false],
  ])('%s', (_name, pods, newPod, oldPod, ok) => {
    expect(findUpdatedPodsOnNode(pods)).toEqual({ newPod, oldPod, ok });
  });
});

describe('daemon_controller.go podByCreationTimestampAndPhase and podsShouldBeOnNode', () => {
  it('orders bound pods first, then the oldest, then by name', () => {
    const a = pod(true, true, { name: 'b', createdAt: 5 });
    const b = pod(true, true, { name: 'a', createdAt: 5 });
    const c = pod(true, true, { name: 'c', createdAt: 1, scheduled: false });
    const d = pod(true, true, { name: 'd', createdAt: 3 });
    expect([a, b, c, d].sort(podByCreationTimestampAndPhase).map((p) => p.name)).toEqual(['d', 'a', 'b', 'c']);
  });

  const old = pod(false, true, { createdAt: 1 });
  const fresh = pod(true, false, { createdAt: 2 });
  it.each<[string, boolean, boolean, P[], boolean, boolean, P[]]>([
    ['a node without its pod gets one', true, true, [], false, true, []],
    ['a node the pod may not stay on loses it', false, false, [old], false, false, [old]],
    ['without surge the oldest of two running pods stays', true, true, [old, fresh], false, false, [fresh]],
    ['surge: an old Ready pod stays beside a new one that is not available', true, true, [old, fresh], true, false, []],
    [
      'surge: the old pod goes once the new one is available',
      true,
      true,
      [old, { ...fresh, ready: true, available: true }],
      true,
      false,
      [old],
    ],
    [
      'surge: an old pod that is not Ready goes at once',
      true,
      true,
      [{ ...old, ready: false, available: false }, fresh],
      true,
      false,
      [{ ...old, ready: false, available: false }],
    ],
    ['surge: only a terminating pod left, a new one is made', true, true, [{ ...old, terminating: true }], true, true, []],
    ['no surge: a terminating pod holds the node until it is gone', true, true, [{ ...old, terminating: true }], false, false, []],
  ])('%s', (_name, shouldRun, shouldContinueRunning, pods, surging, create, podsToDelete) => {
    expect(podsShouldBeOnNode(shouldRun, shouldContinueRunning, pods, surging)).toEqual({ create, podsToDelete });
  });
});

/**
 * update_test.go's controller under test, reduced to the rules: each sync runs the manage loop (podsShouldBeOnNode)
 * and the rolling update, and returns the pods it created and deleted; deleted pods are gone at once, as with the
 * tests' fake pod control. `markPodsReady` makes every pod Ready and available.
 */
function daemonSet(n: number, strategy: UpdateStrategy) {
  const state = new Map<string, P[]>(nodes(n).map((x) => [x.name, [pod(false)]]));
  const surging = allowsSurge(strategy);
  const create = (node: string) => state.get(node)!.push(pod(true, false));
  const remove = (p: P) => {
    for (const pods of state.values()) if (pods.includes(p)) pods.splice(pods.indexOf(p), 1);
  };
  return {
    state,
    sync(): [number, number] {
      let creates = 0;
      let deletes = 0;
      for (const [node, pods] of state) {
        const r = podsShouldBeOnNode(true, true, pods, surging);
        for (const p of r.podsToDelete) {
          remove(p);
          deletes++;
        }
        if (r.create) {
          create(node);
          creates++;
        }
      }
      const counts = updatedDesiredNodeCounts(strategy, nodes(n), state);
      const r = rollingUpdate(counts.nodeToDaemonPods, () => true, counts.maxSurge, counts.maxUnavailable, counts.desiredNumberScheduled);
      for (const p of r.oldPodsToDelete) remove(p);
      for (const node of r.newNodesToCreate) create(node);
      return [creates + r.newNodesToCreate.length, deletes + r.oldPodsToDelete.length];
    },
    markPodsReady() {
      for (const pods of state.values()) pods.forEach((p) => Object.assign(p, { ready: true, available: true }));
    },
  };
}

describe('update_test.go rolling updates, sync by sync ([created, deleted])', () => {
  it('TestDaemonSetUpdatesPods: 5 nodes, maxUnavailable 2: delete 2, create 2, wait for Ready, and so on', () => {
    const ds = daemonSet(5, unavailable(2));
    expect(ds.sync()).toEqual([0, 2]);
    expect(ds.sync()).toEqual([2, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([0, 2]);
    expect(ds.sync()).toEqual([2, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([0, 1]);
    expect(ds.sync()).toEqual([1, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([0, 0]);
  });

  it('TestDaemonSetUpdatesWhenNewPodIsNotReady: maxUnavailable 3, new pods never Ready: nothing more is deleted', () => {
    const ds = daemonSet(5, unavailable(3));
    expect(ds.sync()).toEqual([0, 3]);
    expect(ds.sync()).toEqual([3, 0]);
    expect(ds.sync()).toEqual([0, 0]);
  });

  it('TestDaemonSetUpdatesAllOldPodsNotReady: old pods that are not available are all replaced at once', () => {
    const ds = daemonSet(5, unavailable(3));
    for (const pods of ds.state.values()) Object.assign(pods[0]!, { ready: false, available: false });
    expect(ds.sync()).toEqual([0, 5]);
    expect(ds.sync()).toEqual([5, 0]);
    expect(ds.sync()).toEqual([0, 0]);
  });

  it('TestDaemonSetUpdatesPodsWithMaxSurge: 5 nodes, maxSurge 2: create beside the old, delete the old once the new is Ready', () => {
    const ds = daemonSet(5, surge(2));
    expect(ds.sync()).toEqual([2, 0]);
    expect(ds.sync()).toEqual([0, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([2, 2]);
    expect(ds.sync()).toEqual([0, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([5 % 2, 2]);
    expect(ds.sync()).toEqual([0, 0]);
    ds.markPodsReady();
    expect(ds.sync()).toEqual([0, 5 % 2]);
    expect(ds.sync()).toEqual([0, 0]);
  });

  it('TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge: old pods not Ready get a new pod at once, and go before it is Ready', () => {
    const ds = daemonSet(5, surge(3));
    for (const pods of ds.state.values()) Object.assign(pods[0]!, { ready: false, available: false });
    expect(ds.sync()).toEqual([5, 0]);
    expect(ds.sync()).toEqual([0, 5]);
    expect(ds.sync()).toEqual([0, 0]);
  });

  it('surge: an old pod on a node it no longer fits goes only once the pods elsewhere are available', () => {
    const byNode = new Map<string, P[]>([
      ['node-0', [pod(false)]],
      ['node-1', [pod(false)]],
      ['node-2', [pod(true, false)]],
    ]);
    const shouldRun = (n: string) => n !== 'node-0';
    // node-0 is given up; node-2's new pod is not available yet: 2 pods available for 2 desired, none may go.
    expect(rollingUpdate(byNode, shouldRun, 1, 0, 2).oldPodsToDelete).toEqual([]);
    Object.assign(byNode.get('node-2')![0]!, { ready: true, available: true });
    // Now node-0's, node-1's (old) and node-2's pods are available: 3 for 2 desired, node-0's pod goes.
    expect(rollingUpdate(byNode, shouldRun, 1, 0, 2)).toEqual({
      oldPodsToDelete: [byNode.get('node-0')![0]],
      newNodesToCreate: ['node-1'],
    });
  });
});
