// The package's entry point: the rules under their upstream names, resolvable as `kubesim` by users.
import { describe, expect, it } from 'vitest';
import * as kubesim from '../src/index.js';

describe('the package entry point', () => {
  it('exports the cluster autoscaler rules in their namespace', () => {
    expect(typeof kubesim.clusterAutoscaler.calculate).toBe('function');
    expect(typeof kubesim.clusterAutoscaler.leastWasteBestOptions).toBe('function');
    expect(typeof kubesim.clusterAutoscaler.getPodsToMove).toBe('function');
    expect(typeof kubesim.clusterAutoscaler.binpackingEstimate).toBe('function');
    expect(typeof kubesim.karpenter.packNodeClaims).toBe('function');
    expect(typeof kubesim.karpenter.computeConsolidation).toBe('function');
  });

  it('exports the rules under their upstream names', () => {
    for (const name of [
      'numFeasibleNodesToFind',
      'calculateBackoffDuration',
      'calculateNumCandidates',
      'moreImportantPod',
      'pickOneNodeForPreemption',
      'selectVictimsOnNode',
      'defaultNormalizeScore',
      'getNonZeroRequests',
      'computeHash',
      'safeEncodeString',
      'replicaDiff',
      'getPodsToDeleteOrder',
      'parseQuantity',
      'computeZoneState',
      'doBackOff',
      'setDefaultsProbe',
      'shouldPullImage',
      'computeInitContainerActions',
      'killContainersWithSyncResult',
      'newTerminationOrdering',
      'getMinTolerationTime',
      'admitDefaultTolerationSeconds',
      'getScaledValueFromIntOrPercent',
      'disruptionsAllowed',
      'getRemainingTime',
      'matchPodFailurePolicy',
      'isIndexFailed',
      'getRemainingTimePerIndex',
      'firstPendingIndexes',
      'timeLeft',
      'needsCleanup',
      'machineTimeline',
      'parseMachineEvents',
      'erlangC',
      'getResourceReplicas',
      'normalizeDesiredReplicasWithBehaviors',
      'calculateScaleUpLimitWithScalingRules',
      'resourceUsage',
      'milliValueOfNanos',
      'newMilliQuantityOfRate',
      'fluidInterval',
      'expectedRequests',
      'simulate',
      'prepareRun',
      'loadScenario',
    ])
      expect(typeof (kubesim as Record<string, unknown>)[name], name).toBe('function');
  });

  it('answers as upstream documents (schedule_one.go numFeasibleNodesToFind, default_preemption.go calculateNumCandidates)', () => {
    // 5,000 nodes with the adaptive default: 50 - 5000/125 = 10 % -> 500 nodes.
    expect(kubesim.numFeasibleNodesToFind(0, 5000)).toBe(500);
    expect(kubesim.calculateBackoffDuration(5)).toBe(10_000);
    expect(kubesim.calculateNumCandidates(5000)).toBe(500);
    expect(kubesim.calculateNumCandidates(50)).toBe(50);
  });

  it('resolves as the package name from the built output', async () => {
    const pkg = (await import('kubesim' as string)) as typeof kubesim;
    expect(pkg.computeHash).toBeTypeOf('function');
    expect(pkg.safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});
