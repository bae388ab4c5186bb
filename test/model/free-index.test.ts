// The free-resource index must answer for NodeResourcesFit exactly as filtering each node does: whether
// the pod fits somewhere, and if not the reasons with their node counts and the nodes where preemption
// might help. This drives varied clusters (odd sizes, nodes with two pod slots, an extended resource on
// some, nodes leaving and joining) through binds and deletions, and after each change compares both for
// many request shapes; also the nodes it lists as passing in a range (the scheduler's sparse scans).
import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import { PODS } from '../../src/model/resources.js';
import { Code, CycleState, type FailureCounts } from '../../src/scheduler/framework.js';
import { nodeResourcesFit, resourceBit } from '../../src/scheduler/plugins/node-resources-fit.js';
import type { Pod } from '../../src/model/pod.js';
import { addNode, makeCluster, pod } from '../helpers/builders.js';

const GPU = 'example.com/gpu';

function cluster(rng: Rng, n: number): ClusterState {
  const c = makeCluster([], [GPU]);
  for (let i = 0; i < n; i++) {
    addNode(c, {
      name: `n${i}`,
      cpu: `${(1 + rng.int(8)) * 1000}m`,
      memory: `${1 + rng.int(16)}Gi`,
      pods: rng.int(6) === 0 ? 2 : 110,
      extended: rng.int(4) === 0 ? { [GPU]: '2' } : {},
    });
  }
  return c;
}

function shape(c: ClusterState, rng: Rng): Pod {
  return pod(c, {
    cpu: rng.int(10) === 0 ? undefined : `${100 * (1 + rng.int(90))}m`,
    memory: rng.int(10) === 0 ? undefined : `${128 * (1 + rng.int(100))}Mi`,
    extended: rng.int(5) === 0 ? { [GPU]: `${1 + rng.int(3)}` } : {},
  });
}

/** What the plugin's own Filter says node by node: whether any live node passes, the reasons counted, and the potential. */
function filterEach(c: ClusterState, p: Pod): { fits: boolean; reasons: [string, number][]; potential: number } {
  const fit = nodeResourcesFit({ type: 'LeastAllocated', resources: [], shape: [] }, { cluster: c, rng: new RngStreams(1).get('x') });
  const reasons = new Map<string, number>();
  let fits = false;
  let potential = 0;
  for (const node of c.nodes) {
    if (node.removedAt >= 0) continue;
    const st = fit.filter!(new CycleState(), p, node);
    if (st === null) {
      fits = true;
      continue;
    }
    for (const r of st.reasons ?? [st.reason]) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    if (st.code === Code.Unschedulable) potential++;
  }
  return { fits, reasons: [...reasons].sort(), potential };
}

describe('FreeIndex', () => {
  it('answers as filtering each node does, through binds, deletions and nodes leaving and joining', () => {
    const rng = new RngStreams(7).get('free-index');
    let compared = 0;
    let fitting = 0;
    for (const size of [1, 7, 64, 65, 200]) {
      const c = cluster(rng, size);
      const fit = nodeResourcesFit({ type: 'LeastAllocated', resources: [], shape: [] }, { cluster: c, rng: rng });
      const bound: Pod[] = [];
      for (let step = 0; step < 120; step++) {
        // Change the cluster: bind a pod where it fits, delete one, or remove or add a node.
        const roll = rng.int(20);
        if (roll < 12) {
          const p = shape(c, rng);
          const live = c.nodes.filter((x) => x.removedAt < 0);
          const node = live[rng.int(Math.max(1, live.length))];
          if (node && fit.filter!(new CycleState(), p, node) === null) {
            c.bindPod(p, node);
            bound.push(p);
          }
        } else if (roll < 17 && bound.length > 0) {
          const p = bound.splice(rng.int(bound.length), 1)[0]!;
          if (p.node) c.deletePod(p, 'Test');
        } else if (roll === 17 && c.nodes.length - c.removedNodes > 1) {
          const live = c.nodes.filter((x) => x.removedAt < 0);
          c.removeNode(live[rng.int(live.length)]!);
        } else if (roll === 18) {
          addNode(c, { name: `extra-${c.nodes.length}`, cpu: '2', memory: '4Gi' });
        }
        for (let q = 0; q < 5; q++) {
          const p = shape(c, rng);
          const want = filterEach(c, p);
          const got: FailureCounts = { reasons: new Map(), potential: -1 };
          const fitsSomewhere = fit.countFailures!(new CycleState(), p, got);
          expect(fitsSomewhere).toBe(want.fits);
          // The nodes it lists as passing, from a random range, a few at a time: those the filter passes.
          const from = rng.int(c.nodes.length);
          const to = from + rng.int(c.nodes.length - from + 1);
          const passes = c.nodes
            .filter((x, i) => i >= from && i < to && x.removedAt < 0 && fit.filter!(new CycleState(), p, x) === null)
            .map((x) => x.index);
          const listed: number[] = [];
          // Into places 1..4 of the list (those before and after are left alone), three at a time.
          const out = new Int32Array(6).fill(-7);
          for (let at = from, calls = 0; ; calls++) {
            // (Each call lists at least one node unless it is the last: a range read again would loop.)
            expect(calls).toBeLessThanOrEqual(c.nodes.length);
            const end = fit.passing!(new CycleState(), p, at, to, out, 1, 4);
            expect(end).toBeLessThanOrEqual(4);
            listed.push(...out.subarray(1, end));
            expect([out[0], out[4], out[5]]).toEqual([-7, -7, -7]);
            if (end < 4) break;
            at = out[3]! + 1;
          }
          expect(listed).toEqual(passes);
          if (want.fits) fitting++;
          else
            expect({ reasons: [...got.reasons].sort(), potential: got.potential }).toEqual({
              reasons: want.reasons,
              potential: want.potential,
            });
          compared++;
        }
      }
    }
    // Both answers came up often enough for the comparison to mean something.
    expect(compared).toBe(5 * 120 * 5);
    expect(fitting).toBeGreaterThan(200);
    expect(compared - fitting).toBeGreaterThan(200);
  });

  it('gives the pod count and each resource a bit of its own in failure masks', () => {
    expect(resourceBit(PODS)).toBe(1 << (PODS + 1));
    expect(resourceBit(0)).toBe(2);
    expect(resourceBit(40)).toBe(2 ** 41);
  });
});
