// Tables ported from kubernetes/autoscaler cluster-autoscaler 1.36: simulator/utilization/info_test.go,
// simulator/drainability/rules/rules_test.go and rules/*/rule_test.go, expander/waste/waste_test.go,
// expander/mostpods/mostpods_test.go, expander/price/price_test.go and expander/priority/priority_test.go. Fixtures
// follow utils/test: BuildTestPod(name, cpu, mem) is a pod in "default" requesting cpu millicores and mem bytes (-1:
// no request), BuildTestNode(name, cpu, mem) a node with that capacity and allocatable (-1: none), and the test time
// is 2020-12-18 17:00 UTC.
import { describe, expect, it } from 'vitest';
import { makeSelector } from '../../src/model/selectors.js';
import {
  calculate,
  canRemovePods,
  removePods,
  chainBestOption,
  controllerKey,
  CONFIG_MIRROR_ANNOTATION_KEY,
  DAEMONSET_POD_ANNOTATION_KEY,
  DEFAULT_BSP_DISRUPTION_TIMEOUT_MS,
  DEFAULT_EXPANDER,
  DEFAULT_IGNORE_DAEMONSETS_UTILIZATION,
  DEFAULT_IGNORE_MIRROR_PODS_UTILIZATION,
  DEFAULT_MAX_GRACEFUL_TERMINATION_SEC,
  DEFAULT_MAX_NODE_PROVISION_TIME_MS,
  DEFAULT_MAX_SCALE_DOWN_PARALLELISM,
  DEFAULT_NEW_POD_SCALE_UP_DELAY_MS,
  DEFAULT_NODE_DELETE_OPTIONS,
  DEFAULT_NODE_GROUP_AUTOSCALING_OPTIONS,
  DEFAULT_SCALE_DOWN_DELAY_AFTER_ADD_MS,
  DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_MS,
  DEFAULT_SCALE_DOWN_DELAY_AFTER_FAILURE_MS,
  DEFAULT_SCALE_DOWN_GPU_UTILIZATION_THRESHOLD,
  DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS,
  DEFAULT_SCALE_DOWN_UNREADY_TIME_MS,
  DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD,
  DEFAULT_SCAN_INTERVAL_MS,
  DEFAULT_SKIP_NODES_WITH_LOCAL_STORAGE,
  DEFAULT_SKIP_NODES_WITH_SYSTEM_PODS,
  defaultRules,
  drainable,
  expanderStrategyFromStrings,
  getPodsToMove,
  INITIAL_SCALE_TIME_OFFSET_MS,
  isScaleDownInCooldown,
  allPodsAreNew,
  unneededNodesLimit,
  isUtilizationError,
  leastNodesBestOptions,
  leastWasteBestOptions,
  leastWasteScore,
  localStorageRule,
  longTerminatingRule,
  mostPodsBestOptions,
  onCompletionRule,
  parsePrioritiesYAMLString,
  pdbRule,
  POD_SAFE_TO_EVICT_KEY,
  podRequests,
  priceBestOption,
  priceScore,
  priorityBestOptions,
  randomBestOption,
  replicaCountRule,
  replicatedRule,
  SAFE_TO_EVICT_LOCAL_VOLUMES_KEY,
  SCALE_DOWN_DISABLED_KEY,
  simplePreferredNode,
  systemRule,
  terminalRule,
  unremovableReason,
  unremovableReasonAndNodeUtilization,
  type CANodeView,
  type CAPodView,
  type ControllerView,
  type DrainabilityRule,
  type DrainabilityStatus,
  type DrainContext,
  type ExpansionOption,
  type ExpansionPod,
  type PdbView,
  type Priorities,
  type PricingModel,
  type ScaleDownNodeView,
  type TemplateNodeView,
  type UtilizationInfo,
} from '../../src/controllers/cluster-autoscaler/calc.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const TEST_TIME = Date.UTC(2020, 11, 18, 17, 0, 0);

/** utils/test BuildTestPod. */
function buildTestPod(name: string, cpu: number, mem: number, extra: Partial<CAPodView> = {}): CAPodView {
  const requests: Record<string, number> = {};
  if (cpu >= 0) requests.cpu = cpu;
  if (mem >= 0) requests.memory = mem;
  return { name, namespace: 'default', requests, ...extra };
}

/** utils/test BuildTestNode. */
function buildTestNode(name: string, cpu: number, mem: number): CANodeView {
  const allocatable: Record<string, number> = { pods: 100 };
  if (cpu >= 0) allocatable.cpu = cpu;
  if (mem >= 0) allocatable.memory = mem;
  return { name, allocatable };
}

/** utils/test GenerateOwnerReferences. */
const ownedBy = (kind: string, name = kind.toLowerCase(), apiVersion = 'apps/v1') => ({ controllerRef: { kind, name, apiVersion } });

describe('info_test.go TestCalculate (utilization.Calculate)', () => {
  const pod = buildTestPod('p1', 100, 200000);
  const pod2 = buildTestPod('p2', -1, -1);
  const podWithInitContainers = buildTestPod('p-init', -1, -1, {
    requests: podRequests(
      [{ requests: { cpu: 100, memory: 200000 } }],
      [{ requests: { cpu: 50, memory: 100000 }, restartable: true }, { requests: { cpu: 5, memory: 100 } }],
    ),
  });
  const podWithLargeNonRestartableInitContainers = buildTestPod('p-large-init', -1, -1, {
    requests: podRequests([{ requests: { cpu: 100, memory: 200000 } }], [{ requests: { cpu: 50000, memory: 100000000 } }]),
  });
  const node = buildTestNode('node1', 2000, 2000000);
  const daemonSetPod3 = buildTestPod('p3', 100, 200000, ownedBy('DaemonSet', 'ds'));
  const daemonSetPod4 = buildTestPod('p4', 100, 200000, {
    controllerRef: { kind: 'CustomDaemonSet', name: 'ds', apiVersion: 'crd/v1' },
    annotations: { [DAEMONSET_POD_ANNOTATION_KEY]: 'true' },
  });
  const terminatedPod = buildTestPod('podTerminated', 100, 200000, { deletionTimestamp: TEST_TIME - 10 * MINUTE });
  const mirrorPod = buildTestPod('p4', 100, 200000, { annotations: { [CONFIG_MIRROR_ANNOTATION_KEY]: '' } });
  const gpuNode: CANodeView = { ...buildTestNode('gpu_node', 2000, 2000000), gpuConfig: { extendedResourceName: 'nvidia.com/gpu' } };
  gpuNode.allocatable = { ...gpuNode.allocatable, 'nvidia.com/gpu': 1 };
  const gpuPod = buildTestPod('gpu_pod', 100, 200000, { requests: { cpu: 100, memory: 200000, 'nvidia.com/gpu': 1 } });
  const unreadyGpuNode: CANodeView = { ...buildTestNode('gpu_node', 2000, 2000000), gpuConfig: { extendedResourceName: 'nvidia.com/gpu' } };

  // [name, node, pods, skipDaemonSetPods, skipMirrorPods, utilization, cpuUtil (undefined: not asserted)]
  it.each<[string, CANodeView, CAPodView[], boolean, boolean, number, number | undefined]>([
    ['memory dominates', node, [pod, pod, pod2], false, false, 2.0 / 10, 0.1],
    [
      'init containers: restartable summed, the largest init step wins',
      buildTestNode('node3', 2000, 2000000),
      [pod, podWithInitContainers, podWithLargeNonRestartableInitContainers],
      false,
      false,
      50.25,
      25.125,
    ],
    [
      'DaemonSet pods (owner or annotation) factored out',
      node,
      [pod, pod, pod2, daemonSetPod3, daemonSetPod4],
      true,
      false,
      2.5 / 10,
      undefined,
    ],
    ['DaemonSet pods counted without the flag', node, [pod, pod2, daemonSetPod3], false, false, 2.0 / 10, undefined],
    ['long-terminating pod ignored', node, [pod, pod, pod2, terminatedPod], false, false, 2.0 / 10, undefined],
    ['mirror pod factored out', node, [pod, pod, pod2, mirrorPod], false, true, 2.0 / 9.0, undefined],
    ['mirror pod counted without the flag', node, [pod, pod2, mirrorPod], false, false, 2.0 / 10, undefined],
    ['DaemonSet and mirror pods factored out', node, [pod, mirrorPod, daemonSetPod3], true, true, 1.0 / 8.0, undefined],
    ['GPU node: GPU only', gpuNode, [pod, pod, gpuPod], false, false, 1, undefined],
    ['node with unready GPU: 0', unreadyGpuNode, [pod, pod], false, false, 0, undefined],
  ])('%s', (_name, n, pods, skipDS, skipMirror, utilization, cpuUtil) => {
    const info = calculate(n, pods, skipDS, skipMirror, TEST_TIME);
    if (isUtilizationError(info)) throw new Error(info.error);
    expect(info.utilization).toBeCloseTo(utilization, 9);
    if (cpuUtil !== undefined) expect(info.cpuUtil).toBe(cpuUtil);
  });

  it('node without memory allocatable is an error', () => {
    expect(calculate(buildTestNode('node2', 2000, -1), [pod, pod, pod2], false, false, TEST_TIME)).toEqual({
      error: 'failed to get memory from node2',
    });
  });

  it('the larger of cpu and memory names the resource; memory wins a tie', () => {
    const cpuHeavy = calculate(node, [buildTestPod('c', 1000, 0)], false, false, TEST_TIME) as UtilizationInfo;
    expect([cpuHeavy.resourceName, cpuHeavy.utilization]).toEqual(['cpu', 0.5]);
    const tie = calculate(node, [buildTestPod('t', 1000, 1000000)], false, false, TEST_TIME) as UtilizationInfo;
    expect(tie.resourceName).toBe('memory');
  });
});

describe('defaults (config/flags/flags.go, config/const.go)', () => {
  it.each<[string, unknown, unknown]>([
    ['scale-down-utilization-threshold', DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD, 0.5],
    ['scale-down-gpu-utilization-threshold', DEFAULT_SCALE_DOWN_GPU_UTILIZATION_THRESHOLD, 0.5],
    ['scale-down-unneeded-time', DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS, 10 * MINUTE],
    ['scale-down-unready-time', DEFAULT_SCALE_DOWN_UNREADY_TIME_MS, 20 * MINUTE],
    ['scale-down-delay-after-add', DEFAULT_SCALE_DOWN_DELAY_AFTER_ADD_MS, 10 * MINUTE],
    ['scale-down-delay-after-delete', DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_MS, 0],
    ['scale-down-delay-after-failure', DEFAULT_SCALE_DOWN_DELAY_AFTER_FAILURE_MS, 3 * MINUTE],
    ['scan-interval', DEFAULT_SCAN_INTERVAL_MS, 10 * SECOND],
    ['max-node-provision-time', DEFAULT_MAX_NODE_PROVISION_TIME_MS, 15 * MINUTE],
    ['max-graceful-termination-sec', DEFAULT_MAX_GRACEFUL_TERMINATION_SEC, 600],
    ['new-pod-scale-up-delay', DEFAULT_NEW_POD_SCALE_UP_DELAY_MS, 0],
    ['max-scale-down-parallelism', DEFAULT_MAX_SCALE_DOWN_PARALLELISM, 10],
    ['ignore-daemonsets-utilization', DEFAULT_IGNORE_DAEMONSETS_UTILIZATION, false],
    ['ignore-mirror-pods-utilization', DEFAULT_IGNORE_MIRROR_PODS_UTILIZATION, false],
    ['skip-nodes-with-system-pods', DEFAULT_SKIP_NODES_WITH_SYSTEM_PODS, true],
    ['skip-nodes-with-local-storage', DEFAULT_SKIP_NODES_WITH_LOCAL_STORAGE, true],
    ['blocking-system-pod-distruption-timeout', DEFAULT_BSP_DISRUPTION_TIMEOUT_MS, 60 * MINUTE],
    ['expander', DEFAULT_EXPANDER, 'least-waste'],
  ])('--%s', (_flag, got, want) => {
    expect(got).toBe(want);
  });
});

describe('scale-down eligibility (eligibility.go, unneeded/nodes.go)', () => {
  const base: ScaleDownNodeView = { ...buildTestNode('n', 2000, 2000000), ready: true, nodeGroup: 'ng1' };
  const pods = [buildTestPod('p', 500, 200000)]; // cpu 0.25, memory 0.1
  const opts = DEFAULT_NODE_GROUP_AUTOSCALING_OPTIONS;

  // [name, node, pods, unready scale-down enabled, reason, utilization (undefined: none returned)]
  it.each<[string, ScaleDownNodeView, CAPodView[], boolean, string, number | undefined]>([
    ['underutilized', base, pods, true, 'NoReason', 0.25],
    ['at the threshold is not under it', base, [buildTestPod('p', 1000, 0)], true, 'NotUnderutilized', 0.5],
    ['being deleted', { ...base, beingDeleted: true }, pods, true, 'CurrentlyBeingDeleted', undefined],
    [
      'scale-down-disabled annotation',
      { ...base, annotations: { [SCALE_DOWN_DISABLED_KEY]: 'true' } },
      pods,
      true,
      'ScaleDownDisabledAnnotation',
      undefined,
    ],
    ['not autoscaled', { ...base, nodeGroup: undefined }, pods, true, 'NotAutoscaled', undefined],
    ['unready, unready scale-down disabled', { ...base, ready: false }, pods, false, 'ScaleDownUnreadyDisabled', undefined],
    ['unready, unready scale-down enabled', { ...base, ready: false }, pods, true, 'NoReason', 0.25],
    [
      'GPU node uses the GPU threshold',
      { ...base, gpuConfig: { extendedResourceName: 'nvidia.com/gpu' }, allocatable: { ...base.allocatable, 'nvidia.com/gpu': 2 } },
      [buildTestPod('g', 0, 0, { requests: { 'nvidia.com/gpu': 1 } })],
      true,
      'NotUnderutilized',
      0.5,
    ],
    ['utilization error reads as zero', { ...base, allocatable: { cpu: 2000 } }, pods, true, 'NoReason', 0],
  ])('%s', (_name, node, ps, unreadyEnabled, reason, utilization) => {
    const got = unremovableReasonAndNodeUtilization(node, ps, opts, { scaleDownUnreadyEnabled: unreadyEnabled }, TEST_TIME);
    expect(got.reason).toBe(reason);
    expect(got.utilInfo?.utilization).toBe(utilization);
  });

  // [name, ready, unneeded for (ms), group size, reason]
  it.each<[string, boolean, number, number, string]>([
    ['ready, unneeded exactly 10m: not yet', true, 10 * MINUTE, 3, 'NotUnneededLongEnough'],
    ['ready, unneeded 10m + 1ms', true, 10 * MINUTE + 1, 3, 'NoReason'],
    ['unready, unneeded 15m: waits for 20m', false, 15 * MINUTE, 3, 'NotUnreadyLongEnough'],
    ['unready, unneeded 21m', false, 21 * MINUTE, 3, 'NoReason'],
    ['group at min size', true, 11 * MINUTE, 1, 'NodeGroupMinSizeReached'],
  ])('unremovableReason: %s', (_name, ready, unneededFor, size, reason) => {
    const node = { ready, nodeGroup: 'ng1', since: TEST_TIME - unneededFor };
    expect(unremovableReason(node, { minSize: 1, size }, opts, TEST_TIME)).toBe(reason);
  });

  it('unremovableReason: deletions in progress count against min size', () => {
    const node = { ready: true, nodeGroup: 'ng1', since: 0 };
    expect(unremovableReason(node, { minSize: 1, size: 3, deletionsInProgress: 2 }, opts, TEST_TIME)).toBe('NodeGroupMinSizeReached');
  });

  const delays = {
    scaleDownDelayAfterAdd: DEFAULT_SCALE_DOWN_DELAY_AFTER_ADD_MS,
    scaleDownDelayAfterDelete: DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_MS,
    scaleDownDelayAfterFailure: DEFAULT_SCALE_DOWN_DELAY_AFTER_FAILURE_MS,
  };
  const start = TEST_TIME - INITIAL_SCALE_TIME_OFFSET_MS;
  // [name, last scale-up, last delete, last failure, in cool-down]
  // planner_test.go TestUpdateClusterStatUnneededNodesLimit (the non-atomic cases): previously unneeded nodes,
  // --max-scale-down-parallelism, unneeded time, loop interval -> nodes found unneeded (of 100, all removable).
  it.each<[string, number, number, number, number, number]>([
    ['no unneeded, default settings', 0, 10, MINUTE, 10 * SECOND, 20],
    ['some unneeded, default settings', 3, 10, MINUTE, 10 * SECOND, 23],
    ['max unneeded, default settings', 70, 10, MINUTE, 10 * SECOND, 70],
    ['too many unneeded, default settings', 77, 10, MINUTE, 10 * SECOND, 70],
    ['instant kill nodes', 0, 10, 0, 10 * SECOND, 20],
    ['quick loops', 13, 10, MINUTE, 1 * SECOND, 33],
    ['slow loops', 13, 10, MINUTE, 30 * SECOND, 30],
  ])('unneededNodesLimit: %s', (_name, previously, parallelism, unneededTime, interval, want) => {
    expect(Math.min(100, unneededNodesLimit(previously, parallelism, unneededTime, interval))).toBe(want);
  });

  it.each<[string, number, number, number, boolean]>([
    ['fresh start: no cool-down', start, start, start, false],
    ['9m after a scale-up', TEST_TIME - 9 * MINUTE, start, start, true],
    ['exactly 10m after a scale-up', TEST_TIME - 10 * MINUTE, start, start, false],
    ['2m after a failed scale-down', start, start, TEST_TIME - 2 * MINUTE, true],
    ['right after a deletion (delay 0)', start, TEST_TIME, start, false],
  ])('isScaleDownInCooldown: %s', (_name, up, del, fail, want) => {
    const t = { lastScaleUpTime: up, lastScaleDownDeleteTime: del, lastScaleDownFailTime: fail };
    expect(isScaleDownInCooldown(t, delays, TEST_TIME)).toBe(want);
  });

  it('isScaleDownInCooldown: a loop that disabled scale-down is in cool-down, with local delays too', () => {
    const t = { lastScaleUpTime: start, lastScaleDownDeleteTime: start, lastScaleDownFailTime: start };
    expect([
      isScaleDownInCooldown(t, delays, TEST_TIME, true),
      isScaleDownInCooldown(t, { ...delays, scaleDownDelayTypeLocal: true }, TEST_TIME, true),
    ]).toEqual([true, true]);
  });

  // static_autoscaler.go allPodsAreNew: pod ages in ms before now (a GPU pod marked g).
  it.each<[string, [number, boolean][], boolean]>([
    ['no pods (the oldest time starts at now)', [], true],
    ['one pod 1 s old', [[1_000, false]], true],
    ['one pod exactly 2 s old (After is strict)', [[2_000, false]], false],
    [
      'a new pod and one 3 s old: the oldest counts',
      [
        [500, false],
        [3_000, false],
      ],
      false,
    ],
    ['a GPU pod 10 s old waits for 30 s', [[10_000, true]], true],
    ['a GPU pod 30 s old', [[30_000, true]], false],
    [
      'an old pod and a GPU pod 20 s old',
      [
        [60_000, false],
        [20_000, true],
      ],
      true,
    ],
  ])('allPodsAreNew: %s', (_name, ages, want) => {
    expect(
      allPodsAreNew(
        ages.map(([age, gpu]) => ({ createdAt: TEST_TIME - age, requestsGpu: gpu })),
        TEST_TIME,
      ),
    ).toBe(want);
  });
});

/** rules_test.go fakeRule. */
const fakeRule = (status: DrainabilityStatus): DrainabilityRule => ({ name: 'FakeRule', drainable: () => status });
const undef: DrainabilityStatus = { outcome: 'UndefinedOutcome' };
const ok: DrainabilityStatus = { outcome: 'DrainOk' };
const skip: DrainabilityStatus = { outcome: 'SkipDrain' };
const pdbBlocked: DrainabilityStatus = { outcome: 'BlockDrain', blockingReason: 'NotEnoughPdb' };
const ctx: DrainContext = { now: TEST_TIME };

describe('rules_test.go TestDrainable (Rules.Drainable)', () => {
  it.each<[string, DrainabilityStatus[], DrainabilityStatus]>([
    ['no rules', [], undef],
    ['first non-undefined rule returned', [undef, ok, skip], ok],
    ['override match', [{ outcome: 'DrainOk', overrides: ['BlockDrain'] }, pdbBlocked], { outcome: 'DrainOk', overrides: ['BlockDrain'] }],
    ['override no match', [{ outcome: 'DrainOk', overrides: ['SkipDrain'] }, pdbBlocked], pdbBlocked],
    ['override unreachable', [skip, { outcome: 'DrainOk', overrides: ['BlockDrain'] }, pdbBlocked], skip],
    [
      'multiple overrides all run',
      [{ outcome: 'DrainOk', overrides: ['SkipDrain'] }, { outcome: 'SkipDrain', overrides: ['BlockDrain'] }, pdbBlocked],
      { outcome: 'SkipDrain', overrides: ['BlockDrain'] },
    ],
    [
      'multiple overrides respects order',
      [{ outcome: 'SkipDrain', overrides: ['BlockDrain'] }, { outcome: 'DrainOk', overrides: ['BlockDrain'] }, pdbBlocked],
      { outcome: 'SkipDrain', overrides: ['BlockDrain'] },
    ],
  ])('%s', (_name, statuses, want) => {
    expect(drainable(statuses.map(fakeRule), ctx, buildTestPod('p', 0, 0))).toEqual(want);
  });
});

describe('rules/*/rule_test.go (one rule at a time)', () => {
  const zeroGrace = { terminationGracePeriodSeconds: 0, restartPolicy: 'OnFailure' as const, phase: 'Unknown' as const };
  const extendedGrace = { terminationGracePeriodSeconds: 6 * 60, restartPolicy: 'OnFailure' as const, phase: 'Unknown' as const };
  it.each<[string, CAPodView, string]>([
    ['regular pod', buildTestPod('pod', 0, 0), 'UndefinedOutcome'],
    [
      'long terminating pod with 0 grace period',
      buildTestPod('bar', 0, 0, { ...zeroGrace, deletionTimestamp: TEST_TIME + 15 * SECOND }),
      'UndefinedOutcome',
    ],
    [
      'expired long terminating pod with 0 grace period',
      buildTestPod('bar', 0, 0, { ...zeroGrace, deletionTimestamp: TEST_TIME - 60 * SECOND }),
      'SkipDrain',
    ],
    [
      'long terminating pod with extended grace period',
      buildTestPod('bar', 0, 0, { ...extendedGrace, deletionTimestamp: TEST_TIME + 3 * MINUTE }),
      'UndefinedOutcome',
    ],
    [
      'expired long terminating pod with extended grace period',
      buildTestPod('bar', 0, 0, { ...extendedGrace, deletionTimestamp: TEST_TIME - 12 * MINUTE }),
      'SkipDrain',
    ],
  ])('longterminating: %s', (_name, pod, outcome) => {
    expect(longTerminatingRule.drainable(ctx, pod).outcome).toBe(outcome);
  });

  it.each<[string, CAPodView, string]>([
    ['regular pod', buildTestPod('pod', 0, 0), 'UndefinedOutcome'],
    ['terminal pod', buildTestPod('bar', 0, 0, { restartPolicy: 'OnFailure', phase: 'Succeeded' }), 'DrainOk'],
    ['failed pod', buildTestPod('bar', 0, 0, { restartPolicy: 'Never', phase: 'Failed' }), 'DrainOk'],
    ['succeeded pod that restarts Always is not terminal', buildTestPod('bar', 0, 0, { phase: 'Succeeded' }), 'UndefinedOutcome'],
  ])('terminal: %s', (_name, pod, outcome) => {
    expect(terminalRule.drainable(ctx, pod).outcome).toBe(outcome);
  });

  const scratch = (...names: string[]) => names.map((name) => ({ name, emptyDir: { medium: '' as const } }));
  const withLocal = (annotation: string | undefined, volumes: ReturnType<typeof scratch>) =>
    buildTestPod('bar', 0, 0, {
      ...ownedBy('ReplicationController', 'rc', 'core/v1'),
      volumes,
      ...(annotation === undefined ? {} : { annotations: { [SAFE_TO_EVICT_LOCAL_VOLUMES_KEY]: annotation } }),
    });
  it.each<[string, CAPodView, boolean]>([
    ['pod with EmptyDir', withLocal(undefined, scratch('scratch')), true],
    ['pod with EmptyDir and SafeToEvictLocalVolumesKey annotation', withLocal('scratch', scratch('scratch')), false],
    ['pod with EmptyDir and empty value for SafeToEvictLocalVolumesKey annotation', withLocal('', scratch('scratch')), true],
    [
      'pod with EmptyDir and non-matching value for SafeToEvictLocalVolumesKey annotation',
      withLocal('scratch-2', scratch('scratch-1')),
      true,
    ],
    [
      '... annotation with matching values',
      withLocal('scratch-1,scratch-2,scratch-3', scratch('scratch-1', 'scratch-2', 'scratch-3')),
      false,
    ],
    [
      '... annotation with non-matching values',
      withLocal('scratch-1,scratch-2,scratch-5', scratch('scratch-1', 'scratch-2', 'scratch-3')),
      true,
    ],
    ['... annotation with some matching values', withLocal('scratch-1,scratch-2', scratch('scratch-1', 'scratch-2', 'scratch-3')), true],
    ['... annotation empty values', withLocal(',', scratch('scratch-1', 'scratch-2', 'scratch-3')), true],
    [
      'memory-backed emptyDir is not local storage',
      buildTestPod('bar', 0, 0, { volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }] }),
      false,
    ],
    ['hostPath is local storage', buildTestPod('bar', 0, 0, { volumes: [{ name: 'host', hostPath: true }] }), true],
  ])('localstorage: %s', (_name, pod, blocks) => {
    const got = localStorageRule.drainable(ctx, pod);
    expect(got.blockingReason).toBe(blocks ? 'LocalStorageRequested' : undefined);
    expect(got.error !== undefined).toBe(blocks);
  });

  const kubeSystemRcPod = buildTestPod('bar', 0, 0, {
    namespace: 'kube-system',
    labels: new Map([['k8s-app', 'bar']]),
    ...ownedBy('ReplicationController', 'rc', 'core/v1'),
  });
  const rcPod = buildTestPod('bar', 0, 0, ownedBy('ReplicationController', 'rc', 'core/v1'));
  const pdb = (namespace: string, app: string | null, disruptionsAllowed = 1): PdbView => ({
    namespace,
    selector: app === null ? null : makeSelector([{ key: 'k8s-app', operator: 'In', values: [app] }]),
    disruptionsAllowed,
  });
  it.each<[string, CAPodView, PdbView[], string | undefined]>([
    ['empty PDB with RC-managed pod', rcPod, [pdb('', null)], undefined],
    ['kube-system PDB with matching kube-system pod', kubeSystemRcPod, [pdb('kube-system', 'bar')], undefined],
    ['kube-system PDB with non-matching kube-system pod', kubeSystemRcPod, [pdb('kube-system', 'foo')], 'UnmovableKubeSystemPod'],
    ['kube-system PDB with default namespace pod', rcPod, [pdb('kube-system', 'bar')], undefined],
    ['default namespace PDB with matching labels kube-system pod', kubeSystemRcPod, [pdb('default', 'bar')], 'UnmovableKubeSystemPod'],
  ])('system: %s', (_name, pod, pdbs, reason) => {
    expect(systemRule.drainable({ now: TEST_TIME, pdbs }, pod).blockingReason).toBe(reason);
  });

  it.each<[string, PdbView[], string | undefined]>([
    ['no PDB', [], undefined],
    ['matching PDB allows a disruption', [pdb('kube-system', 'bar', 1)], undefined],
    ['matching PDB allows none', [pdb('kube-system', 'bar', 0)], 'NotEnoughPdb'],
    ['PDB of another namespace', [pdb('default', 'bar', 0)], undefined],
  ])('pdb: %s', (_name, pdbs, reason) => {
    expect(pdbRule.drainable({ now: TEST_TIME, pdbs }, kubeSystemRcPod).blockingReason).toBe(reason);
  });

  const annotated = (v: string) => buildTestPod('pod', 100, 0, { annotations: { [POD_SAFE_TO_EVICT_KEY]: v } });
  it.each<[string, CAPodView, string]>([
    ['regular pod', buildTestPod('pod1', 100, 0), 'UndefinedOutcome'],
    ['safe to evict on-completion pod', annotated('on-completion'), 'WaitForCompletion'],
    ['pod with true safe-to-evict annotation', annotated('true'), 'UndefinedOutcome'],
    ['pod with false safe-to-evict annotation', annotated('false'), 'UndefinedOutcome'],
  ])('oncompletion: %s', (_name, pod, outcome) => {
    expect(onCompletionRule.drainable(ctx, pod).outcome).toBe(outcome);
  });

  // [name, pod, skipNodesWithCustomControllerPods, reason]
  it.each<[string, CAPodView, boolean, string | undefined]>([
    ['ReplicaSet pod', buildTestPod('bar', 0, 0, ownedBy('ReplicaSet', 'rs')), true, undefined],
    ['Job pod', buildTestPod('bar', 0, 0, ownedBy('Job', 'job', 'batch/v1')), true, undefined],
    ['pod without a controller', buildTestPod('bar', 0, 0), true, 'NotReplicated'],
    ['custom controller pod', buildTestPod('bar', 0, 0, ownedBy('CustomController', 'cc', 'crd/v1')), true, 'NotReplicated'],
    ['custom controller pod, flag off', buildTestPod('bar', 0, 0, ownedBy('CustomController', 'cc', 'crd/v1')), false, undefined],
    ['pod without a controller, flag off', buildTestPod('bar', 0, 0), false, 'NotReplicated'],
  ])('replicated: %s', (_name, pod, skipCustom, reason) => {
    expect(replicatedRule(skipCustom).drainable(ctx, pod).blockingReason).toBe(reason);
  });

  const controllers = new Map<string, ControllerView>([
    [controllerKey('ReplicationController', 'default', 'rc'), { replicas: 5 }],
    [controllerKey('ReplicaSet', 'default', 'rs'), { replicas: 1 }],
    [controllerKey('DaemonSet', 'default', 'ds'), {}],
  ]);
  // [name, pod, min replica count, with listers, reason]
  it.each<[string, CAPodView, number, boolean, string | undefined]>([
    ['RC with enough replicas', rcPod, 5, true, undefined],
    ['RC with too few replicas', rcPod, 6, true, 'MinReplicasReached'],
    ['RS with too few replicas', buildTestPod('bar', 0, 0, ownedBy('ReplicaSet', 'rs')), 2, true, 'MinReplicasReached'],
    ['missing ReplicaSet', buildTestPod('bar', 0, 0, ownedBy('ReplicaSet', 'gone')), 0, true, 'ControllerNotFound'],
    ['missing Job', buildTestPod('bar', 0, 0, ownedBy('Job', 'gone', 'batch/v1')), 0, true, 'ControllerNotFound'],
    ['existing DaemonSet', buildTestPod('bar', 0, 0, ownedBy('DaemonSet', 'ds')), 0, true, undefined],
    ['missing DaemonSet', buildTestPod('bar', 0, 0, ownedBy('DaemonSet', 'gone')), 0, true, 'ControllerNotFound'],
    ['DaemonSet of another group is not checked', buildTestPod('bar', 0, 0, ownedBy('DaemonSet', 'gone', 'crd/v1')), 0, true, undefined],
    ['no listers: nothing checked', buildTestPod('bar', 0, 0, ownedBy('ReplicaSet', 'gone')), 0, false, undefined],
  ])('replicacount: %s', (_name, pod, min, listers, reason) => {
    const c: DrainContext = listers ? { now: TEST_TIME, controllers } : ctx;
    expect(replicaCountRule(min).drainable(c, pod).blockingReason).toBe(reason);
  });

  it('replicacount: upstream error text', () => {
    expect(replicaCountRule(6).drainable({ now: TEST_TIME, controllers }, rcPod).error).toBe(
      'replication controller for default/bar has too few replicas spec: 5 min: 6',
    );
  });
});

describe('rules.go Default and simulator/drain.go GetPodsToMove', () => {
  it('the default rule order, and the flags that drop rules', () => {
    expect(defaultRules().map((r) => r.name)).toEqual([
      'Mirror',
      'LongTerminating',
      'ReplicaCount',
      'DaemonSet',
      'SafeToEvict',
      'Terminal',
      'OnCompletion',
      'Replicated',
      'System',
      'NotSafeToEvict',
      'LocalStorage',
      'PDB',
    ]);
    const off = {
      skipNodesWithSystemPods: false,
      skipNodesWithLocalStorage: false,
      skipNodesWithCustomControllerPods: false,
      minReplicaCount: 0,
    };
    expect(defaultRules(off).map((r) => r.name)).not.toEqual(expect.arrayContaining(['ReplicaCount', 'System', 'LocalStorage']));
  });

  const rs = ownedBy('ReplicaSet', 'rs');
  const web = buildTestPod('web', 100, 0, rs);
  const ds = buildTestPod('ds', 100, 0, ownedBy('DaemonSet', 'ds'));
  const mirror = buildTestPod('mirror', 100, 0, { annotations: { [CONFIG_MIRROR_ANNOTATION_KEY]: 'x' } });
  const batch = buildTestPod('batch', 100, 0, {
    ...ownedBy('Job', 'j', 'batch/v1'),
    annotations: { [POD_SAFE_TO_EVICT_KEY]: 'on-completion' },
  });
  const done = buildTestPod('done', 100, 0, { restartPolicy: 'Never', phase: 'Succeeded' });
  const bare = buildTestPod('bare', 100, 0);
  const bareSafe = buildTestPod('bare-safe', 100, 0, { annotations: { [POD_SAFE_TO_EVICT_KEY]: 'true' } });
  const pinned = buildTestPod('pinned', 100, 0, { ...rs, annotations: { [POD_SAFE_TO_EVICT_KEY]: 'false' } });
  const scratchy = buildTestPod('scratchy', 100, 0, { ...rs, volumes: [{ name: 's', emptyDir: {} }] });
  const systemPod = buildTestPod('dns', 100, 0, { ...rs, namespace: 'kube-system' });
  const systemSafe = buildTestPod('dns-safe', 100, 0, {
    ...rs,
    namespace: 'kube-system',
    annotations: { [POD_SAFE_TO_EVICT_KEY]: 'true' },
  });

  // [name, pods, moved, daemonSet, onCompletion, blocking pod and reason]
  it.each<[string, CAPodView[], string[], string[], string[], [string, string] | undefined]>([
    [
      'replicated, DaemonSet, mirror, terminal and on-completion pods',
      [web, ds, mirror, done, batch],
      ['web', 'done'],
      ['ds'],
      ['batch'],
      undefined,
    ],
    ['pod without a controller blocks', [web, bare], [], [], [], ['bare', 'NotReplicated']],
    ['safe-to-evict "true" moves a pod without a controller', [bareSafe], ['bare-safe'], [], [], undefined],
    ['safe-to-evict "false" blocks', [web, pinned], [], [], [], ['pinned', 'NotSafeToEvictAnnotation']],
    ['disk emptyDir blocks', [scratchy], [], [], [], ['scratchy', 'LocalStorageRequested']],
    ['kube-system pod without PDB blocks', [systemPod], [], [], [], ['dns', 'UnmovableKubeSystemPod']],
    ['safe-to-evict "true" overrides the kube-system rule', [systemSafe], ['dns-safe'], [], [], undefined],
  ])('%s', (_name, pods, moved, dsPods, onCompletion, blocking) => {
    const got = getPodsToMove(pods, ctx);
    if ('blockingPod' in got) {
      expect([got.blockingPod.pod.name, got.blockingPod.reason]).toEqual(blocking);
    } else {
      expect(blocking).toBeUndefined();
      expect(got.pods.map((p) => p.name)).toEqual(moved);
      expect(got.daemonSetPods.map((p) => p.name)).toEqual(dsPods);
      expect(got.onCompletionPods.map((p) => p.name)).toEqual(onCompletion);
    }
  });

  it('options: kube-system and local-storage pods move when their flags are off', () => {
    const rules = defaultRules({ ...DEFAULT_NODE_DELETE_OPTIONS, skipNodesWithSystemPods: false, skipNodesWithLocalStorage: false });
    const got = getPodsToMove([systemPod, scratchy], ctx, rules);
    expect('pods' in got && got.pods.map((p) => p.name)).toEqual(['dns', 'scratchy']);
  });

  it('pdb/basic.go CanRemovePods: together if allowed, in parallel only within the budget', () => {
    const labelled = (name: string) => buildTestPod(name, 0, 0, { labels: new Map([['app', 'a']]) });
    const budget = (n: number): PdbView => ({
      namespace: 'default',
      selector: makeSelector([{ key: 'app', operator: 'In', values: ['a'] }]),
      disruptionsAllowed: n,
    });
    expect(canRemovePods([labelled('a1'), labelled('a2')], [budget(2)])).toEqual({ canRemove: true, inParallel: true });
    expect(canRemovePods([labelled('a1'), labelled('a2')], [budget(1)]).inParallel).toBe(false);
    expect(canRemovePods([labelled('a1')], [budget(0)]).canRemove).toBe(false);
    // RemovePods: each matching PDB allows one disruption less per pod; others and other namespaces keep theirs.
    const other: PdbView = { ...budget(3), selector: makeSelector([{ key: 'app', operator: 'In', values: ['b'] }]) };
    const elsewhere: PdbView = { ...budget(3), namespace: 'prod' };
    const pdbs = [budget(2), other, elsewhere];
    removePods([labelled('a1'), labelled('a2')], pdbs);
    expect(pdbs.map((p) => p.disruptionsAllowed)).toEqual([0, 3, 3]);
    expect(canRemovePods([labelled('a3')], pdbs).canRemove).toBe(false);
  });
});

/** waste_test.go makeNodeInfo: capacity = allocatable. */
const template = (cpu: number, memory: number, name?: string): TemplateNodeView => ({
  ...(name === undefined ? {} : { name }),
  capacity: { cpu, memory, pods: 100 },
  allocatable: { cpu, memory, pods: 100 },
});
const option = (
  nodeGroup: string,
  nodeCount: number,
  pods: ExpansionPod[],
  t?: TemplateNodeView,
  extra: Partial<ExpansionOption> = {},
): ExpansionOption => ({
  nodeGroup,
  nodeCount,
  pods,
  ...(t === undefined ? {} : { template: t }),
  ...extra,
});

describe('waste_test.go TestLeastWaste', () => {
  const cpuPerPod = 500;
  const memoryPerPod = 1000 * MIB;
  const pod: ExpansionPod = { name: 'p', requests: { cpu: cpuPerPod, memory: memoryPerPod } };
  const balanced = template(16 * cpuPerPod, 16 * memoryPerPod);
  const highmem = template(16 * cpuPerPod, 32 * memoryPerPod);
  const lowcpu = template(8 * cpuPerPod, 16 * memoryPerPod);

  it.each<[string, ExpansionOption[], string]>([
    ['without any pods, one node info', [option('balanced', 1, [], balanced)], 'balanced'],
    ['one pod, one node info', [option('balanced', 1, [pod], balanced)], 'balanced'],
    [
      'one pod, two node infos, one that has lots of RAM one that has less',
      [option('balanced', 1, [pod], balanced), option('highmem', 1, [pod], highmem)],
      'balanced',
    ],
    [
      'one pod, three node infos, one that has lots of RAM one that has less, and one that has less CPU',
      [option('balanced', 1, [pod], balanced), option('highmem', 1, [pod], highmem), option('lowcpu', 1, [pod], lowcpu)],
      'lowcpu',
    ],
  ])('%s', (_name, options, want) => {
    expect(leastWasteBestOptions(options).map((o) => o.nodeGroup)).toEqual([want]);
  });

  it('exact ties are all kept; options without node info are skipped', () => {
    const tied = leastWasteBestOptions([option('a', 1, [pod], balanced), option('none', 1, [pod]), option('b', 1, [pod], balanced)]);
    expect(tied.map((o) => o.nodeGroup)).toEqual(['a', 'b']);
  });
});

describe('mostpods_test.go TestMostPods, least-nodes and random', () => {
  const p: ExpansionPod = { name: 'p' };
  const eo0 = option('EO0', 1, []);
  const eo1 = option('EO1', 1, [p]);
  const eo1b = option('EO1b', 1, [p]);
  it.each<[string, ExpansionOption[], string[]]>([
    ['one option without pods', [eo0], ['EO0']],
    ['the option with a pod', [eo0, eo1], ['EO1']],
    ['both options with one pod', [eo0, eo1, eo1b], ['EO1', 'EO1b']],
  ])('most-pods: %s', (_name, options, want) => {
    expect(mostPodsBestOptions(options).map((o) => o.nodeGroup)).toEqual(want);
  });

  it('least-nodes: fewest nodes, zero-node options ignored', () => {
    const got = leastNodesBestOptions([option('a', 3, []), option('zero', 0, []), option('b', 2, []), option('c', 2, [])]);
    expect(got.map((o) => o.nodeGroup)).toEqual(['b', 'c']);
  });

  it('random: the injected draw picks the index', () => {
    const options = [eo0, eo1, eo1b];
    expect(randomBestOption(options, () => 2)?.nodeGroup).toBe('EO1b');
    expect(randomBestOption([], () => 0)).toBeUndefined();
  });
});

describe('price_test.go TestPriceExpander', () => {
  const n1 = template(1000, 1000, 'n1');
  const n2 = template(4000, 1000, 'n2');
  const n3 = template(4000, 1000, 'n3');
  const p1: ExpansionPod = { name: 'p1', requests: { cpu: 1000 } };
  const p2: ExpansionPod = { name: 'p2', requests: { cpu: 500 } };
  const model = (
    nodePrice: Record<string, number>,
    podPrice: Record<string, number> = { p1: 20, p2: 10, stabilize: 10 },
  ): PricingModel => ({
    nodePrice: (n) => nodePrice[n.name ?? ''],
    podPrice: (p) => podPrice[p.name],
  });
  const options = [option('ng1', 2, [p1, p2], n1), option('ng2', 1, [p1, p2], n2)];
  const options1b = [option('ng1', 80, [p1, p2], n1), option('ng2', 40, [p1, p2], n2)];
  const options2 = [option('ng1', 2, [p1], n1), option('ng2', 1, [p1, p2], n2)];
  const options3 = [...options2, option('autoprovisioned-MT1', 1, [p1, p2], n3, { exists: false })];

  // [name, options, pricing, preferred cpu, chosen]
  it.each<[string, ExpansionOption[], PricingModel, number, string | undefined]>([
    ['first node group is cheaper', options, model({ n1: 20, n2: 200 }), 2000, 'ng1'],
    ['first node group is cheaper, however, the second one is preferred', options, model({ n1: 50, n2: 200 }), 4000, 'ng2'],
    ['first is cheaper, the second is preferred, but lots of nodes are to be created', options1b, model({ n1: 20, n2: 200 }), 4000, 'ng1'],
    ['second node group is cheaper', options, model({ n1: 200, n2: 100 }), 2000, 'ng2'],
    ['equally expensive, but the second accepts two pods', options2, model({ n1: 200, n2: 200 }), 2000, 'ng2'],
    ['errors are expected', options2, model({}, {}), 2000, undefined],
    ['choose existing group when non-existing has the same price', options3, model({ n1: 200, n2: 200, n3: 200 }), 2000, 'ng2'],
    ['choose non-existing group when non-existing is cheaper', options3, model({ n1: 200, n2: 200, n3: 90 }), 2000, 'autoprovisioned-MT1'],
  ])('%s', (_name, opts, pricing, preferredCpu, want) => {
    expect(priceBestOption(opts, pricing, template(preferredCpu, GIB))?.nodeGroup).toBe(want);
  });

  it('the score of the first case, by hand', () => {
    // ng1: 2 x n1 at 20 for pods at 20 + 10, stabilization 10: (40 + 10) / (30 + 10) = 1.25. Unfitness against a
    // 2-cpu preferred node: max(2000/1000, 1000/2000) = 2, suppressed (2 - 1) * (1 - tanh(1/15)) + 1.
    const s = priceScore(options[0], model({ n1: 20, n2: 200 }), template(2000, GIB));
    expect(s?.priceSubScore).toBe(1.25);
    expect(s?.optionScore).toBeCloseTo(1.25 * (2 - Math.tanh(1 / 15)), 12);
  });

  it('GPU node groups get unfitness 1000; preferred node grows with the cluster', () => {
    const gpu = option('gpu', 1, [p1, p2], { ...n2, hasGpu: true });
    expect(priceScore(gpu, model({ n2: 100 }), template(4000, GIB))?.suppressedUnfitness).toBe(1000);
    expect([2, 3, 7, 21, 61, 201].map((n) => simplePreferredNode(n).capacity.cpu)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
  });
});

describe('priority_test.go', () => {
  const config = String.raw`
5:
  - ".*t2\\.micro.*"
10:
  - ".*t2\\.large.*"
  - ".*t3\\.large.*"
50:
  - ".*m4\\.4xlarge.*"
`;
  const oneEntryConfig = String.raw`
10:
  - ".*t2\\.large.*"
`;
  const wildcardMatchConfig = String.raw`
5:
  - ".*"
10:
  - ".t2\\.large.*"
`;
  const eoT2Micro = option('my-asg.t2.micro', 1, []);
  const eoT2Large = option('my-asg.t2.large', 1, []);
  const eoT3Large = option('my-asg.t3.large', 1, []);
  const eoM44XLarge = option('my-asg.m4.4xlarge', 1, []);
  const parsed = (yaml: string): Priorities => {
    const p = parsePrioritiesYAMLString(yaml);
    if ('error' in p) throw new Error(p.error);
    return p as Priorities;
  };

  it.each<[string, string, ExpansionOption[], ExpansionOption[]]>([
    ['correctly selects single matching option out of one', config, [eoT2Large], [eoT2Large]],
    ['correctly selects single matching option out of many', config, [eoT2Large, eoM44XLarge], [eoM44XLarge]],
    ['does not fall back to random when higher priority matches', wildcardMatchConfig, [eoT2Large, eoT2Micro], [eoT2Large]],
    ['correctly selects one of two matching options out of many', config, [eoT2Large, eoT3Large, eoT2Micro], [eoT2Large, eoT3Large]],
    ['unmatched groups are not used', oneEntryConfig, [eoT2Large, eoT3Large, eoM44XLarge], [eoT2Large]],
    ['no match at all filters nothing', oneEntryConfig, [eoT3Large, eoM44XLarge], [eoT3Large, eoM44XLarge]],
  ])('%s', (_name, yaml, options, want) => {
    expect(priorityBestOptions(options, parsed(yaml))).toEqual(want);
  });

  it.each<[string, string, string]>([
    [
      'empty config',
      '',
      'priority configuration in cluster-autoscaler-priority-expander configmap is empty; please provide valid configuration',
    ],
    ['not YAML of priorities', '- a\n- b', "Can't parse YAML with priorities in the configmap"],
    ['bad regexp', '1:\n  - "("', "Can't compile regexp rule for priority 1 and rule ("],
  ])('parsePrioritiesYAMLString: %s', (_name, yaml, message) => {
    const got = parsePrioritiesYAMLString(yaml);
    expect('error' in got && (got.error as string).startsWith(message)).toBe(true);
  });
});

describe('factory/chain.go and expander_factory.go', () => {
  it.each<[string, string[], string | undefined]>([
    ['single expander', ['least-waste'], undefined],
    ['filters then random', ['priority', 'least-waste', 'random'], undefined],
    [
      'duplicate',
      ['least-waste', 'least-waste'],
      'Expander least-waste was specified multiple times, each expander must not be specified more than once',
    ],
    [
      'after random',
      ['random', 'most-pods'],
      'Expander most-pods came after an expander random that will always return only one result, this is not allowed since most-pods will never be used',
    ],
    ['unknown', ['cheapest'], 'Expander cheapest not supported'],
  ])('ExpanderStrategyFromStrings: %s', (_name, flags, error) => {
    const got = expanderStrategyFromStrings(flags);
    expect('error' in got ? got.error : undefined).toBe(error);
  });

  it('each filter narrows the options; ties left at the end are drawn at random', () => {
    const p: ExpansionPod = { name: 'p', requests: { cpu: 500, memory: GIB } };
    const t = template(4000, 8 * GIB);
    const options = [option('spot-a', 1, [p], t), option('spot-b', 1, [p], t), option('ondemand', 1, [p], template(2000, 4 * GIB))];
    const priorities = parsed('10:\n  - "^spot-"\n1:\n  - ".*"');
    const draws: number[] = [];
    const intn = (n: number) => {
      draws.push(n);
      return 1;
    };
    // priority keeps spot-a and spot-b; least-waste ties them exactly; random draws index 1 of 2.
    expect(chainBestOption(['priority', 'least-waste'], options, { intn, priorities })?.nodeGroup).toBe('spot-b');
    expect(draws).toEqual([2]);
    // least-waste alone: one pod on spot wastes 3500/4000 + 7/8 = 1.75, on ondemand 1500/2000 + 3/4 = 1.5.
    expect(chainBestOption(['least-waste'], options, { intn })?.nodeGroup).toBe('ondemand');
  });

  function parsed(yaml: string): Priorities {
    const p = parsePrioritiesYAMLString(yaml);
    if ('error' in p) throw new Error(p.error);
    return p as Priorities;
  }
});

describe('worked example: least-waste picks the group and node count', () => {
  // Ten pending pods, each requesting 1500m cpu and 2 GiB memory. Two node groups (capacity = allocatable):
  //   general-4x16: 4 cpu, 16 GiB. By cpu 2 pods fit (3000m of 4000m; a third would need 4500m); by memory 8.
  //     So 2 pods a node: the estimator needs ceil(10 / 2) = 5 nodes.
  //     availCPU = 5 x 4000 = 20000m, requested 15000m: wastedCPU = 5000 / 20000 = 0.25.
  //     availMemory = 5 x 16 = 80 GiB, requested 20 GiB: wastedMemory = 60 / 80 = 0.75. Score 1.0.
  //   compute-8x8: 8 cpu, 8 GiB. By cpu 5 pods fit (7500m), by memory 4 (8 GiB): 4 pods a node, ceil(10 / 4) = 3
  //     nodes (4 + 4 + 2). availCPU = 24000m: wastedCPU = 9000 / 24000 = 0.375.
  //     availMemory = 24 GiB: wastedMemory = 4 / 24 = 1/6. Score 0.375 + 0.1667 = 0.5417.
  // The lower score wins: compute-8x8 with 3 nodes, although it fits fewer pods per node than general-4x16 fits
  // by memory.
  const pods: ExpansionPod[] = Array.from({ length: 10 }, (_, i) => ({ name: `pending-${i}`, requests: { cpu: 1500, memory: 2 * GIB } }));
  const general = option('general-4x16', 5, pods, template(4000, 16 * GIB));
  const compute = option('compute-8x8', 3, pods, template(8000, 8 * GIB));

  it('scores as computed by hand', () => {
    expect(leastWasteScore(general)).toEqual({ wastedCPU: 0.25, wastedMemory: 0.75, wastedScore: 1 });
    const c = leastWasteScore(compute);
    expect(c?.wastedCPU).toBe(0.375);
    expect(c?.wastedMemory).toBeCloseTo(1 / 6, 15);
    expect(c?.wastedScore).toBeCloseTo(0.375 + 1 / 6, 15);
  });

  it('picks compute-8x8 and its 3 nodes, in either order of the options', () => {
    for (const options of [
      [general, compute],
      [compute, general],
    ]) {
      const best = chainBestOption(['least-waste'], options, { intn: () => 0 });
      expect([best?.nodeGroup, best?.nodeCount]).toEqual(['compute-8x8', 3]);
    }
  });

  it('most-pods cannot tell them apart (both fit all 10): the random draw decides', () => {
    expect(mostPodsBestOptions([general, compute])).toHaveLength(2);
    expect(chainBestOption(['most-pods'], [general, compute], { intn: () => 0 })?.nodeGroup).toBe('general-4x16');
  });
});
