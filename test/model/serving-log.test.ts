// ClusterState.servingLog: every change of what decides whether a pod answers requests (podAnswers: its phase,
// node, containers, warm-up and SIGTERM times, its node's health) logs the pod, so that fluid mode recounts only
// the Services whose pods changed; a what-if logs nothing (it is undone).
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/pod.js';
import { boundPod, makeCluster, pod } from '../helpers/builders.js';

function setup() {
  const c = makeCluster([
    { name: 'a', cpu: '4', memory: '16Gi' },
    { name: 'b', cpu: '4', memory: '16Gi' },
  ]);
  const log: Pod[] = [];
  c.servingLog = log;
  return { c, log };
}

describe('ClusterState.servingLog', () => {
  it('logs the pod at each change podAnswers reads, and each pod of a node whose health changes', () => {
    const { c, log } = setup();
    const p = pod(c, { cpu: '1' });
    expect(log).toEqual([]);
    const cases: [string, () => void, Pod[]][] = [
      ['bindPod', () => c.bindPod(p, c.nodeByName.get('a')!), [p]],
      ['startPod', () => c.startPod(p), [p]],
      ['setPodAnswersFrom', () => c.setPodAnswersFrom(p, 5_000), [p]],
      ['setPodContainersDown', () => c.setPodContainersDown(p, true), [p]],
      ['setPodSigterm', () => c.setPodSigterm(p, 9_000), [p]],
    ];
    for (const [what, change, logged] of cases) {
      change();
      expect(log, what).toEqual(logged);
      log.length = 0;
    }
    const q = boundPod(c, 'a', { cpu: '1' });
    log.length = 0;
    c.setNodeHealth(c.nodeByName.get('a')!, false, false);
    expect(new Set(log)).toEqual(new Set([p, q]));
    log.length = 0;
    // (Releasing the node's resources logs the pod too.)
    c.finishPod(q, 'Succeeded');
    expect(new Set(log)).toEqual(new Set([q]));
    log.length = 0;
    c.deletePod(p, 'Test');
    expect(new Set(log)).toEqual(new Set([p]));
  });

  it('logs nothing for a what-if, which is undone', () => {
    const { c, log } = setup();
    const p = boundPod(c, 'a', { cpu: '1' });
    log.length = 0;
    const mark = c.fork();
    c.assumePodRemoved(p);
    c.assumePodBound(p, c.nodeByName.get('b')!);
    c.revert(mark);
    expect(log).toEqual([]);
    expect(p.node?.name).toBe('a');
  });
});
