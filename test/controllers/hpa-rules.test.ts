// Tables ported from kubernetes/kubernetes v1.36: pkg/controller/podautoscaler/replica_calculator_test.go,
// horizontal_test.go and pkg/apis/autoscaling/v2/defaults_test.go. Fixtures follow replica_calculator_test.go:
// pods test-pod-<i> with two containers, the request and usage given per container (so per pod twice that),
// start time and Ready transition at Go's zero time unless set, resource samples at time 0 with a 1 min window,
// a 2 min CPU initialization period and a 10 s readiness delay (defaultTesting*).
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import {
  calcPlainMetricReplicas,
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  computeReplicasForMetrics,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  generateHPAScaleDownRules,
  generateHPAScaleUpRules,
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getReplicasChangePerPeriod,
  getResourceReplicas,
  groupPods,
  isReplicaCalcError,
  isWithin,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasOnLog,
  RecommendationLog,
  normalizeDesiredReplicasWithBehaviors,
  recordInitialRecommendation,
  setDefaultsHorizontalPodAutoscalerBehavior,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  tolerancesForHpa,
  DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
  DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
  DEFAULT_INITIAL_READINESS_DELAY_MS,
  DEFAULT_SYNC_PERIOD_MS,
  DEFAULT_TOLERANCE,
  type BehaviorState,
  type ConditionStatus,
  type HorizontalPodAutoscalerBehavior,
  type HPAPodView,
  type HPAScalingPolicy,
  type HPAScalingRules,
  type PodMetric,
  type PodPhase,
  type ReplicaCalculator,
  type TimestampedRecommendation,
  type TimestampedScaleEvent,
  type Tolerances,
} from '../../src/controllers/hpa/calc.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const NOW = 24 * 60 * MINUTE;
const NUM_CONTAINERS_PER_POD = 2;
const defaultTolerances: Tolerances = { scaleDown: 0.1, scaleUp: 0.1 };
/** replica_calculator_test.go Tolerances{scaleDown, scaleUp}. */
const tol = (scaleDown: number, scaleUp: number): Tolerances => ({ scaleDown, scaleUp });
/** horizontal_test.go hotCPUCreationTime and coolCPUCreationTime. */
const HOT = NOW;
const COOL = NOW - 3 * MINUTE;

/** replica_calculator_test.go calcScenario. */
interface Scenario {
  currentReplicas: number;
  /** Per-container CPU request (milli) of pod i; pods past its end have none. */
  requests?: number[];
  /** Per-container usage of pod i (a resource metric, summed over both containers). */
  levels?: number[];
  /** Names the resource samples carry instead of test-pod-<i>. */
  podNames?: string[];
  podReadiness?: ConditionStatus[];
  podStartTime?: number[];
  podPhase?: PodPhase[];
  podDeletionTimestamp?: boolean[];
}

/** replica_calculator_test.go buildFakePod, for every pod of the scenario (failed ones are past currentReplicas). */
function pods(s: Scenario): HPAPodView[] {
  const n = Math.max(s.currentReplicas, s.podPhase?.length ?? 0);
  return Array.from({ length: n }, (_, i): HPAPodView => {
    const request = s.requests?.[i];
    return {
      name: `test-pod-${i}`,
      phase: s.podPhase?.[i] ?? 'Running',
      deleting: s.podDeletionTimestamp?.[i] ?? false,
      startTime: s.podStartTime?.[i] ?? 0,
      ready: s.podReadiness?.[i] ?? 'True',
      readyTransitionTime: 0,
      ...(request === undefined ? {} : { requests: { cpu: NUM_CONTAINERS_PER_POD * request } }),
    };
  });
}

function calculator(s: Scenario): ReplicaCalculator {
  return { pods: pods(s), now: NOW, cpuInitializationPeriod: 2 * MINUTE, delayOfInitialReadinessStatus: 10 * SECOND };
}

/** replica_calculator_test.go newFakeResourceMetricsClient: one sample per level. */
function resourceMetrics(s: Scenario): Map<string, PodMetric> {
  const m = new Map<string, PodMetric>();
  (s.levels ?? []).forEach((level, i) => {
    m.set(s.podNames?.[i] ?? `test-pod-${i}`, { value: NUM_CONTAINERS_PER_POD * level, timestamp: 0, window: MINUTE });
  });
  return m;
}

/** replica_calculator_test.go newFakeCustomMetricsClient: one pod sample per level. */
function podMetrics(levels: number[]): Map<string, PodMetric> {
  return new Map(levels.map((value, i) => [`test-pod-${i}`, { value }]));
}

const cpu = (n: number, milli: number): number[] => Array.from({ length: n }, () => milli);

describe('replica_calculator_test.go TestReplicaCalcResourceScale (GetResourceReplicas)', () => {
  // [name, scenario, targetUtilization, replicas, utilization, rawValue]
  it.each<[string, Scenario, number, number, number, number]>([
    ['scale up', { currentReplicas: 3, requests: cpu(3, 1000), levels: [300, 500, 700] }, 30, 5, 50, 2 * 500],
    [
      'scale up: unready pod scales less',
      { currentReplicas: 3, podReadiness: ['False', 'True', 'True'], requests: cpu(3, 1000), levels: [300, 500, 700] },
      30,
      4,
      60,
      2 * 600,
    ],
    [
      'scale up: hot-CPU pod scales less',
      { currentReplicas: 3, podStartTime: [HOT, COOL, COOL], requests: cpu(3, 1000), levels: [300, 500, 700] },
      30,
      4,
      60,
      2 * 600,
    ],
    [
      'no scale: unready pods ignored',
      { currentReplicas: 3, podReadiness: ['True', 'False', 'False'], requests: cpu(3, 1000), levels: [400, 500, 700] },
      30,
      3,
      40,
      2 * 400,
    ],
    [
      'no scale: hot-CPU pods ignored',
      {
        currentReplicas: 3,
        podReadiness: ['True', 'False', 'False'],
        podStartTime: [COOL, HOT, HOT],
        requests: cpu(3, 1000),
        levels: [400, 500, 700],
      },
      30,
      3,
      40,
      2 * 400,
    ],
    [
      'scale up: failed pods ignored',
      {
        currentReplicas: 2,
        podReadiness: ['True', 'True', 'False', 'False'],
        podPhase: ['Running', 'Running', 'Failed', 'Failed'],
        requests: cpu(4, 1000),
        levels: [500, 700],
      },
      30,
      4,
      60,
      2 * 600,
    ],
    [
      'scale up: pods being deleted are ignored',
      {
        currentReplicas: 2,
        podReadiness: ['True', 'True', 'False', 'False'],
        podPhase: ['Running', 'Running', 'Running', 'Running'],
        podDeletionTimestamp: [false, false, true, true],
        requests: cpu(4, 1000),
        levels: [500, 700],
      },
      30,
      4,
      60,
      2 * 600,
    ],
    ['scale down', { currentReplicas: 5, requests: cpu(5, 1000), levels: [100, 300, 500, 250, 250] }, 50, 3, 28, 2 * 280],
    [
      'scale down: exclude unready pods',
      {
        currentReplicas: 5,
        podReadiness: ['True', 'True', 'True', 'False', 'False'],
        requests: cpu(5, 1000),
        levels: [100, 300, 500, 250, 250],
      },
      50,
      2,
      30,
      2 * 300,
    ],
    [
      'scale down: exclude unscheduled pods',
      {
        currentReplicas: 5,
        podReadiness: ['True', 'False', 'False', 'False', 'False'],
        podPhase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'],
        requests: cpu(5, 1000),
        levels: [100],
      },
      50,
      1,
      10,
      2 * 100,
    ],
    [
      'scale down: ignore hot-CPU pods',
      { currentReplicas: 5, podStartTime: [COOL, COOL, COOL, HOT, HOT], requests: cpu(5, 1000), levels: [100, 300, 500, 250, 250] },
      50,
      2,
      30,
      2 * 300,
    ],
    [
      'scale down: failed pods ignored',
      {
        currentReplicas: 5,
        podReadiness: ['True', 'True', 'True', 'True', 'True', 'False', 'False'],
        podPhase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
        requests: cpu(7, 1000),
        levels: [100, 300, 500, 250, 250],
      },
      50,
      3,
      28,
      2 * 280,
    ],
    [
      'scale down: still-running pods being deleted are ignored',
      {
        currentReplicas: 5,
        podReadiness: ['True', 'True', 'True', 'True', 'True', 'False', 'False'],
        podDeletionTimestamp: [false, false, false, false, false, true, true],
        podPhase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Running', 'Running'],
        requests: cpu(7, 1000),
        levels: [100, 300, 500, 250, 250],
      },
      50,
      3,
      28,
      2 * 280,
    ],
  ])('%s', (_name, s, target, replicas, utilization, rawUtilization) => {
    expect(getResourceReplicas(calculator(s), s.currentReplicas, target, 'cpu', defaultTolerances, resourceMetrics(s))).toEqual({
      replicas,
      utilization,
      rawUtilization,
    });
  });
});

describe('replica_calculator_test.go: tolerance, missing and superfluous metrics (GetResourceReplicas)', () => {
  const tolReq = [900, 1000, 1100];
  // [test, scenario, targetUtilization, tolerances, replicas, utilization, rawValue]
  it.each<[string, Scenario, number, Tolerances, number, number, number]>([
    [
      'TestReplicaCalcTolerance',
      { currentReplicas: 3, requests: tolReq, levels: [1010, 1030, 1020] },
      100,
      defaultTolerances,
      3,
      102,
      2 * 1020,
    ],
    [
      'TestReplicaCalcConfigurableTolerance: Outside of a 0% tolerance',
      { currentReplicas: 3, requests: tolReq, levels: [909, 1010, 1111] },
      100,
      tol(0, 0),
      4,
      101,
      2 * 1010,
    ],
    [
      'TestReplicaCalcConfigurableTolerance: Within a 200% scale-up tolerance',
      { currentReplicas: 3, requests: tolReq, levels: [1890, 1910, 1900] },
      100,
      tol(0.1, 2),
      3,
      190,
      2 * 1900,
    ],
    [
      'TestReplicaCalcConfigurableTolerance: Outside 8% scale-up tolerance (and superfluous scale-down tolerance)',
      { currentReplicas: 3, requests: tolReq, levels: [1100, 1080, 1090] },
      100,
      tol(2, 0.08),
      4,
      109,
      2 * 1090,
    ],
    [
      'TestReplicaCalcConfigurableTolerance: Within a 36% scale-down tolerance',
      { currentReplicas: 3, requests: tolReq, levels: [660, 640, 650] },
      100,
      tol(0.36, 0.1),
      3,
      65,
      2 * 650,
    ],
    [
      'TestReplicaCalcConfigurableTolerance: Outside a 34% scale-down tolerance',
      { currentReplicas: 3, requests: tolReq, levels: [660, 640, 650] },
      100,
      tol(0.34, 0.1),
      2,
      65,
      2 * 650,
    ],
    [
      'TestReplicaCalcSuperfluousMetrics',
      { currentReplicas: 4, requests: cpu(4, 1000), levels: [4000, 9500, 3000, 7000, 3200, 2000] },
      100,
      defaultTolerances,
      24,
      587,
      2 * 5875,
    ],
    [
      'TestReplicaCalcMissingMetrics',
      { currentReplicas: 4, requests: cpu(4, 1000), levels: [400, 95] },
      100,
      defaultTolerances,
      3,
      24,
      495,
    ],
    [
      'TestReplicaCalcMissingMetricsNoChangeEq',
      { currentReplicas: 2, requests: cpu(2, 1000), levels: [1000] },
      100,
      defaultTolerances,
      2,
      100,
      2000,
    ],
    [
      'TestReplicaCalcMissingMetricsNoChangeGt',
      { currentReplicas: 2, requests: cpu(2, 1000), levels: [1900] },
      100,
      defaultTolerances,
      2,
      190,
      3800,
    ],
    [
      'TestReplicaCalcMissingMetricsNoChangeLt',
      { currentReplicas: 2, requests: cpu(2, 1000), levels: [600] },
      100,
      defaultTolerances,
      2,
      60,
      1200,
    ],
    [
      'TestReplicaCalcMissingMetricsUnreadyChange',
      { currentReplicas: 3, podReadiness: ['False', 'True', 'True'], requests: cpu(3, 1000), levels: [100, 450] },
      50,
      defaultTolerances,
      3,
      45,
      2 * 450,
    ],
    [
      'TestReplicaCalcMissingMetricsHotCpuNoChange',
      { currentReplicas: 3, podStartTime: [HOT, COOL, COOL], requests: cpu(3, 1000), levels: [100, 450] },
      50,
      defaultTolerances,
      3,
      45,
      2 * 450,
    ],
    [
      'TestReplicaCalcMissingMetricsUnreadyScaleUp',
      { currentReplicas: 3, podReadiness: ['False', 'True', 'True'], requests: cpu(3, 1000), levels: [100, 2000] },
      50,
      defaultTolerances,
      4,
      200,
      2 * 2000,
    ],
    [
      'TestReplicaCalcMissingMetricsHotCpuScaleUp',
      {
        currentReplicas: 3,
        podReadiness: ['False', 'True', 'True'],
        podStartTime: [HOT, COOL, COOL],
        requests: cpu(3, 1000),
        levels: [100, 2000],
      },
      50,
      defaultTolerances,
      4,
      200,
      2 * 2000,
    ],
    [
      'TestReplicaCalcMissingMetricsUnreadyScaleDown',
      { currentReplicas: 4, podReadiness: ['False', 'True', 'True', 'True'], requests: cpu(4, 1000), levels: [100, 100, 100] },
      50,
      defaultTolerances,
      3,
      10,
      2 * 100,
    ],
    [
      'TestReplicaCalcMissingMetricsScaleDownTargetOver100',
      { currentReplicas: 4, podReadiness: ['False', 'True', 'True', 'True'], requests: [1000, 1000, 2000, 2000], levels: [200, 100, 100] },
      300,
      defaultTolerances,
      2,
      6,
      2 * 100,
    ],
    [
      'TestReplicaCalcDuringRollingUpdateWithMaxSurge',
      { currentReplicas: 2, podPhase: ['Running', 'Running', 'Running'], requests: cpu(3, 1000), levels: [100, 100] },
      50,
      defaultTolerances,
      2,
      10,
      2 * 100,
    ],
  ])('%s', (_name, s, target, tolerances, replicas, utilization, rawUtilization) => {
    expect(getResourceReplicas(calculator(s), s.currentReplicas, target, 'cpu', tolerances, resourceMetrics(s))).toEqual({
      replicas,
      utilization,
      rawUtilization,
    });
  });

  it('TestReplicaCalcComputedToleranceAlgImplementation: 50% used of a 56% target scales 10 to 9; of 55% keeps 10', () => {
    // 10 pods using 150m per container of ~300m requested; target int32((1/(2*0.9) + .01) * 100) = 56, then 55.
    const s: Scenario = {
      currentReplicas: 10,
      requests: [400, 200, 310, 290, 302, 298, 301, 299, 300, 300],
      levels: cpu(10, 150),
    };
    expect(getResourceReplicas(calculator(s), 10, 56, 'cpu', defaultTolerances, resourceMetrics(s))).toEqual({
      replicas: 9,
      utilization: 50,
      rawUtilization: 300,
    });
    expect(getResourceReplicas(calculator(s), 10, 55, 'cpu', defaultTolerances, resourceMetrics(s))).toMatchObject({ replicas: 10 });
  });

  // The default tolerance of 0.1 at 10 pods and a 100% target: [usage per pod (of 1000m), replicas].
  it.each<[number, number]>([
    [890, 9], // ratio 0.89 scales down
    [900, 10], // 0.90 is the edge: kept
    [910, 10],
    [1090, 10], // 1.09 keeps the count
    [1100, 10], // 1.10 is the edge: kept
    [1110, 12], // 1.11 scales: ceil(11.1)
  ])('tolerance edge: %i m of 1000 m on 10 pods gives %i', (usage, replicas) => {
    const s: Scenario = { currentReplicas: 10, requests: cpu(10, 500), levels: cpu(10, usage / 2) };
    expect(getResourceReplicas(calculator(s), 10, 100, 'cpu', defaultTolerances, resourceMetrics(s))).toMatchObject({ replicas });
  });

  it.each<[string, Scenario, string]>([
    [
      'TestReplicaCalcDisjointResourcesMetrics',
      { currentReplicas: 1, requests: [1000], levels: [100], podNames: ['an-older-pod-name'] },
      'no metrics returned matched known pods',
    ],
    ['TestReplicaCalcEmptyCPURequest', { currentReplicas: 1, requests: [], levels: [200] }, 'missing request for cpu in Pod test-pod-0'],
    ['no pods', { currentReplicas: 0, requests: [], levels: [200] }, 'no pods returned by selector while calculating replica count'],
    [
      'only unready pods',
      { currentReplicas: 2, podReadiness: ['False', 'False'], requests: cpu(2, 1000), levels: [100, 100] },
      'did not receive metrics for targeted pods (pods might be unready)',
    ],
  ])('%s is an error', (_name, s, error) => {
    expect(getResourceReplicas(calculator(s), s.currentReplicas, 100, 'cpu', defaultTolerances, resourceMetrics(s))).toEqual({ error });
  });
});

describe('replica_calculator_test.go Pods metrics (GetMetricReplicas, calcPlainMetricReplicas)', () => {
  // [test, currentReplicas, pods (if more than currentReplicas), levels, target, tolerances, replicas, usage, readiness, start]
  it.each<[string, number, number, number[], number, Tolerances, number, number, ConditionStatus[]?, number[]?]>([
    ['TestReplicaCalcScaleUpCM', 3, 3, [20000, 10000, 30000], 15000, defaultTolerances, 4, 20000],
    [
      'TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale',
      3,
      3,
      [50000, 10000, 30000],
      15000,
      defaultTolerances,
      6,
      30000,
      ['True', 'True', 'False'],
      [COOL, COOL, HOT],
    ],
    [
      'TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown',
      3,
      3,
      [50000, 15000, 30000],
      15000,
      defaultTolerances,
      7,
      31666,
      ['False', 'True', 'False'],
      [HOT, COOL, HOT],
    ],
    ['TestReplicaCalcScaleDownCM', 5, 5, [12000, 12000, 12000, 12000, 12000], 20000, defaultTolerances, 3, 12000],
    ['TestReplicaCalcToleranceCM', 3, 3, [20000, 21000, 21000], 20000, defaultTolerances, 3, 20666],
    ['TestReplicaCalcConfigurableToleranceCM', 3, 3, [20000, 21000, 21000], 20000, tol(0.1, 0.01), 4, 20666],
    ['TestPlainMetricReplicaCalcMissingMetricsNoChangeEq', 5, 5, [20000, 19000, 21000], 20000, defaultTolerances, 5, 20000],
    ['TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM', 2, 3, [10000, 10000], 17000, defaultTolerances, 2, 10000],
    ['ratio 1.09 keeps the count', 3, 3, [10900, 10900, 10900], 10000, defaultTolerances, 3, 10900],
    ['ratio 1.11 scales', 3, 3, [11100, 11100, 11100], 10000, defaultTolerances, 4, 11100],
  ])('%s', (_name, current, n, levels, target, tolerances, replicas, usage, readiness, start) => {
    const podPhase = n > current ? Array.from({ length: n }, (): PodPhase => 'Running') : undefined;
    const c = calculator({ currentReplicas: current, podPhase, podReadiness: readiness, podStartTime: start });
    expect(getMetricReplicas(c, current, target, tolerances, podMetrics(levels))).toEqual({ replicas, usage });
  });

  it('a missing pod counts as the target on a scale-down and as 0 on a scale-up', () => {
    const c = calculator({ currentReplicas: 4 });
    // 3 pods at 5000 of 10000 (0.5); the 4th at 10000 gives 25000 / 4 = 6250: ceil(0.625 * 4) = 3.
    expect(getMetricReplicas(c, 4, 10000, defaultTolerances, podMetrics([5000, 5000, 5000]))).toEqual({ replicas: 3, usage: 5000 });
    // 3 pods at 20000 (2.0); the 4th at 0 gives 60000 / 4 = 15000: ceil(1.5 * 4) = 6.
    expect(getMetricReplicas(c, 4, 10000, defaultTolerances, podMetrics([20000, 20000, 20000]))).toEqual({ replicas: 6, usage: 20000 });
  });

  it('a cpu AverageValue target applies the CPU readiness rules (GetRawResourceReplicas)', () => {
    const c = calculator({ currentReplicas: 3, podStartTime: [HOT, COOL, COOL] });
    // The hot pod is unready: 2 pods at 2000 of 1000 (2.0), the third at 0: 4000 / 3 = 1333: ceil(1.333 * 3) = 4.
    const metrics = new Map([
      ['test-pod-0', { value: 2000, timestamp: 0, window: MINUTE }],
      ['test-pod-1', { value: 2000, timestamp: 0, window: MINUTE }],
      ['test-pod-2', { value: 2000, timestamp: 0, window: MINUTE }],
    ]);
    expect(calcPlainMetricReplicas(c, metrics, 3, 1000, defaultTolerances, 'cpu')).toEqual({ replicas: 4, usage: 2000 });
    expect(calcPlainMetricReplicas(c, metrics, 3, 1000, defaultTolerances, '')).toEqual({ replicas: 6, usage: 2000 });
  });
});

describe('replica_calculator_test.go Object and External metrics', () => {
  // [test, currentReplicas, value, target, tolerances, replicas, readiness]
  it.each<[string, number, number, number, Tolerances, number, ConditionStatus[]?]>([
    ['TestReplicaCalcScaleUpCMObject', 3, 20000, 15000, defaultTolerances, 4],
    ['TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods', 3, 50000, 10000, defaultTolerances, 5, ['False', 'True', 'False']],
    ['TestReplicaCalcScaleDownCMObject', 5, 12000, 20000, defaultTolerances, 3],
    ['TestReplicaCalcToleranceCMObject', 3, 20666, 20000, defaultTolerances, 3],
    ['TestReplicaCalcConfigurableToleranceCMObject', 3, 20666, 20000, tol(0.1, 0.01), 4],
    ['scale from zero ignores pods and tolerance', 0, 25000, 10000, defaultTolerances, 3],
  ])('GetObjectMetricReplicas %s', (_name, current, usage, target, tolerances, replicas, readiness) => {
    const c = calculator({ currentReplicas: Math.max(current, 3), podReadiness: readiness });
    expect(getObjectMetricReplicas(c, current, target, tolerances, usage)).toEqual({ replicas, usage });
  });

  it.each<[string, number, number, number, Tolerances, number, number]>([
    ['TestReplicaCalcScaleUpCMPerPodObject', 3, 20000, 5000, defaultTolerances, 4, 6667],
    ['TestReplicaCalcScaleDownPerPodCMObject', 5, 6000, 2000, defaultTolerances, 3, 1200],
    ['TestReplicaCalcTolerancePerPodCMObject', 4, 20166, 5000, defaultTolerances, 4, 5042],
    ['TestReplicaCalcConfigurableTolerancePerPodCMObject', 4, 20208, 5000, tol(0.1, 0.01), 5, 5052],
  ])('GetObjectPerPodMetricReplicas %s', (_name, statusReplicas, value, target, tolerances, replicas, usage) => {
    expect(getObjectPerPodMetricReplicas(statusReplicas, target, tolerances, value)).toEqual({ replicas, usage });
  });

  it.each<[string, number, number[], number, Tolerances, number, ConditionStatus[]?]>([
    ['TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods', 3, [8600], 4400, defaultTolerances, 2, ['False', 'True', 'False']],
    ['TestReplicaCalcScaleDownCMExternal', 5, [8600], 14334, defaultTolerances, 3],
    ['TestReplicaCalcToleranceCMExternal', 3, [8600], 8888, defaultTolerances, 3],
    ['TestReplicaCalcConfigurableToleranceCMExternal', 3, [8900], 8800, tol(0.1, 0.01), 4],
    ['samples are summed', 3, [3000, 3000], 3000, defaultTolerances, 6],
  ])('GetExternalMetricReplicas %s', (_name, current, values, target, tolerances, replicas, readiness) => {
    const c = calculator({ currentReplicas: current, podReadiness: readiness });
    const usage = values.reduce((a, b) => a + b, 0);
    expect(getExternalMetricReplicas(c, current, target, tolerances, values)).toEqual({ replicas, usage });
  });

  it.each<[string, number, number, number, Tolerances, number, number]>([
    ['TestReplicaCalcScaleUpPerPodCMExternal', 3, 8600, 2150, defaultTolerances, 4, 2867],
    ['TestReplicaCalcScaleDownPerPodCMExternal', 5, 8600, 2867, defaultTolerances, 3, 1720],
    ['TestReplicaCalcTolerancePerPodCMExternal', 3, 8600, 2900, defaultTolerances, 3, 2867],
    ['TestReplicaCalcConfigurableTolerancePerPodCMExternal', 3, 8600, 2800, tol(0.1, 0.01), 4, 2867],
  ])('GetExternalPerPodMetricReplicas %s', (_name, statusReplicas, value, target, tolerances, replicas, usage) => {
    expect(getExternalPerPodMetricReplicas(statusReplicas, target, tolerances, [value])).toEqual({ replicas, usage });
  });

  it('an Object metric with no pods listed is an error', () => {
    const c: ReplicaCalculator = { ...calculator({ currentReplicas: 0 }), pods: [] };
    const r = getObjectMetricReplicas(c, 3, 10000, defaultTolerances, 20000);
    expect(isReplicaCalcError(r) && r.error).toBe(
      'unable to calculate ready pods: no pods returned by selector while calculating replica count',
    );
  });
});

describe('replica_calculator_test.go TestGroupPods', () => {
  const ago = (ms: number) => NOW - ms;
  type Row = [string, HPAPodView[], [string, PodMetric][], string, number, string[], string[], string[]];
  it.each<Row>([
    ['void', [], [], 'cpu', 0, [], [], []],
    [
      'count in a ready pod - memory',
      [{ name: 'bentham', phase: 'Succeeded' }],
      [['bentham', { value: 1, timestamp: NOW, window: MINUTE }]],
      'memory',
      1,
      [],
      [],
      [],
    ],
    [
      'unready a pod without ready condition - CPU',
      [{ name: 'lucretius', phase: 'Succeeded', startTime: NOW }],
      [['lucretius', { value: 1 }]],
      'cpu',
      0,
      ['lucretius'],
      [],
      [],
    ],
    [
      'count in a ready pod with fresh metrics during initialization period - CPU',
      [{ name: 'bentham', phase: 'Succeeded', startTime: ago(MINUTE), ready: 'True', readyTransitionTime: ago(30 * SECOND) }],
      [['bentham', { value: 1, timestamp: NOW, window: 30 * SECOND }]],
      'cpu',
      1,
      [],
      [],
      [],
    ],
    [
      'unready a ready pod without fresh metrics during initialization period - CPU',
      [{ name: 'bentham', phase: 'Succeeded', startTime: ago(MINUTE), ready: 'True', readyTransitionTime: ago(30 * SECOND) }],
      [['bentham', { value: 1, timestamp: NOW, window: 60 * SECOND }]],
      'cpu',
      0,
      ['bentham'],
      [],
      [],
    ],
    [
      'unready an unready pod during initialization period - CPU',
      [
        {
          name: 'lucretius',
          phase: 'Succeeded',
          startTime: ago(10 * MINUTE),
          ready: 'False',
          readyTransitionTime: ago(9 * MINUTE + 54 * SECOND),
        },
      ],
      [['lucretius', { value: 1 }]],
      'cpu',
      0,
      ['lucretius'],
      [],
      [],
    ],
    [
      'count in a ready pod without fresh metrics after initialization period - CPU',
      [{ name: 'bentham', phase: 'Succeeded', startTime: ago(3 * MINUTE), ready: 'True', readyTransitionTime: ago(3 * MINUTE) }],
      [['bentham', { value: 1, timestamp: ago(2 * MINUTE), window: MINUTE }]],
      'cpu',
      1,
      [],
      [],
      [],
    ],
    [
      'count in an unready pod that was ready after initialization period - CPU',
      [{ name: 'lucretius', phase: 'Succeeded', startTime: ago(10 * MINUTE), ready: 'False', readyTransitionTime: ago(9 * MINUTE) }],
      [['lucretius', { value: 1 }]],
      'cpu',
      1,
      [],
      [],
      [],
    ],
    [
      'unready pod that has never been ready after initialization period - CPU',
      [
        {
          name: 'lucretius',
          phase: 'Succeeded',
          startTime: ago(10 * MINUTE),
          ready: 'False',
          readyTransitionTime: ago(9 * MINUTE + 50 * SECOND),
        },
      ],
      [['lucretius', { value: 1 }]],
      'cpu',
      1,
      [],
      [],
      [],
    ],
    ['a missing pod', [{ name: 'epicurus', phase: 'Succeeded', startTime: ago(3 * MINUTE) }], [], 'cpu', 0, [], ['epicurus'], []],
    [
      'several pods',
      [
        { name: 'lucretius', phase: 'Succeeded', startTime: NOW },
        { name: 'niccolo', phase: 'Succeeded', startTime: ago(3 * MINUTE), ready: 'True', readyTransitionTime: ago(3 * MINUTE) },
        { name: 'epicurus', phase: 'Succeeded', startTime: ago(3 * MINUTE) },
      ],
      [
        ['lucretius', { value: 1 }],
        ['niccolo', { value: 1 }],
      ],
      'cpu',
      1,
      ['lucretius'],
      ['epicurus'],
      [],
    ],
    ['pending pods are unreadied', [{ name: 'unscheduled', phase: 'Pending' }], [], 'cpu', 0, ['unscheduled'], [], []],
    [
      'ignore pods with deletion timestamps',
      [{ name: 'deleted', phase: 'Pending', deleting: true }],
      [['deleted', { value: 1 }]],
      'cpu',
      0,
      [],
      [],
      ['deleted'],
    ],
    ['ignore pods in a failed state', [{ name: 'failed', phase: 'Failed' }], [['failed', { value: 1 }]], 'cpu', 0, [], [], ['failed']],
  ])('%s', (_name, podList, metrics, resource, ready, unready, missing, ignored) => {
    const g = groupPods(podList, new Map(metrics), resource, 2 * MINUTE, 10 * SECOND, NOW);
    expect(g.readyPodCount).toBe(ready);
    expect([...g.unreadyPods]).toEqual(unready);
    expect([...g.missingPods]).toEqual(missing);
    expect([...g.ignoredPods]).toEqual(ignored);
  });
});

describe('tolerances: Tolerances.isWithin and horizontal.go tolerancesForHpa', () => {
  it('isWithin bounds are inclusive', () => {
    expect(isWithin(defaultTolerances, 1.1)).toBe(true);
    expect(isWithin(defaultTolerances, 0.9)).toBe(true);
    expect(isWithin(defaultTolerances, 1.11)).toBe(false);
    expect(isWithin(defaultTolerances, 0.89)).toBe(false);
  });
  it('spec.behavior tolerances override the flag per direction while HPAConfigurableTolerance is on', () => {
    expect(tolerancesForHpa(undefined)).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
    expect(tolerancesForHpa({ scaleUp: { tolerance: 0.05 } })).toEqual({ scaleDown: 0.1, scaleUp: 0.05 });
    expect(tolerancesForHpa({ scaleDown: { tolerance: 0.2 } }, 0.15)).toEqual({ scaleDown: 0.2, scaleUp: 0.15 });
    expect(tolerancesForHpa({ scaleUp: { tolerance: 0.05 } }, DEFAULT_TOLERANCE, false)).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
  });
});

describe('controller defaults (config/v1alpha1/defaults.go RecommendedDefaultHPAControllerConfiguration)', () => {
  it('sync 15 s, tolerance 0.1, downscale stabilization 5 min, CPU initialization 5 min, readiness delay 30 s', () => {
    expect([DEFAULT_SYNC_PERIOD_MS, DEFAULT_TOLERANCE, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS]).toEqual([15_000, 0.1, 300_000]);
    expect([DEFAULT_CPU_INITIALIZATION_PERIOD_MS, DEFAULT_INITIAL_READINESS_DELAY_MS]).toEqual([300_000, 30_000]);
  });
});

describe('horizontal.go computeReplicasForMetrics', () => {
  it('takes the highest proposal; errors block a scale-down but not a scale-up', () => {
    const a = { replicas: 4, metric: 'cpu resource utilization (percentage of request)' };
    const b = { replicas: 6, metric: 'pods metric qps' };
    const e = { error: 'unable to get metric qps' };
    expect(computeReplicasForMetrics(5, [a, b])).toEqual(b);
    expect(computeReplicasForMetrics(5, [b, e])).toEqual({
      ...b,
      error: 'invalid metrics (1 invalid out of 2), first error is: unable to get metric qps',
    });
    expect(computeReplicasForMetrics(5, [a, e])).toMatchObject({ replicas: -1 });
    expect(computeReplicasForMetrics(5, [e])).toMatchObject({ replicas: -1 });
  });
});

// --- Behavior (horizontal_test.go, defaults_test.go) ---

/** horizontal_test.go generateScalingRules. */
function generateScalingRules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  stabilizationWindow: number,
): HPAScalingRules {
  const policies: HPAScalingPolicy[] = [];
  if (pods !== 0) policies.push({ type: 'Pods', value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: 'Percent', value: percent, periodSeconds: percentPeriod });
  return { stabilizationWindowSeconds: stabilizationWindow, selectPolicy: 'Max', ...(policies.length ? { policies } : {}) };
}

/** horizontal_test.go generateEventsUniformDistribution: events centred in equal segments of the last periodSeconds. */
function generateEventsUniformDistribution(rawEvents: number[], periodSeconds: number): TimestampedScaleEvent[] {
  const segment = periodSeconds / rawEvents.length;
  return rawEvents.map((replicaChange, idx) => ({
    replicaChange,
    timestamp: NOW - Math.trunc(periodSeconds - segment * (idx + 1) + segment / 2) * SECOND,
    outdated: false,
  }));
}

describe('horizontal_test.go TestConvertDesiredReplicasWithRules and calculateScaleUpLimit (no behavior)', () => {
  it.each<[string, number, number, number, number, number, string]>([
    ['prenormalized desired replicas within range', 5, 7, 3, 8, 7, 'DesiredWithinRange'],
    ['prenormalized desired replicas < minReplicas', 3, 1, 2, 8, 2, 'TooFewReplicas'],
    ['prenormalized desired zeroed replicas within range', 1, 0, 0, 10, 0, 'DesiredWithinRange'],
    ['maxReplicas is the limit because maxReplicas < scaleUpLimit', 20, 1000, 1, 10, 10, 'TooManyReplicas'],
    ['scaleUpLimit is the limit because scaleUpLimit < maxReplicas', 3, 1000, 1, 2000, 6, 'ScaleUpLimit'],
  ])('%s', (_name, current, desired, min, max, want, reason) => {
    expect(convertDesiredReplicasWithRules(current, desired, min, max)).toMatchObject({ replicas: want, reason });
  });
  it.each<[number, number]>([
    [0, 4],
    [1, 4],
    [2, 4],
    [3, 6],
    [10, 20],
  ])('the scale-up limit of %i replicas is %i: max(2x, 4)', (current, limit) => {
    expect(calculateScaleUpLimit(current)).toBe(limit);
  });
});

describe('horizontal_test.go TestNormalizeDesiredReplicas (stabilizeRecommendation)', () => {
  const rec = (recommendation: number, age: number): TimestampedRecommendation => ({ recommendation, timestamp: NOW - age });
  it.each<[string, TimestampedRecommendation[], number, number, number]>([
    ['empty log', [], 5, 5, 1],
    ['stabilize', [rec(4, 2 * MINUTE), rec(5, MINUTE)], 3, 5, 3],
    ['no stabilize', [rec(1, 2 * MINUTE), rec(2, MINUTE)], 3, 3, 3],
    ['no stabilize - old recommendations', [rec(10, 10 * MINUTE), rec(9, 9 * MINUTE)], 3, 3, 2],
    ['stabilize - old recommendations', [rec(10, 10 * MINUTE), rec(4, MINUTE), rec(5, 2 * MINUTE), rec(9, 9 * MINUTE)], 3, 5, 4],
  ])('%s', (_name, recs, prenormalized, want, logLength) => {
    const r = stabilizeRecommendation(recs, prenormalized, 5 * MINUTE, NOW);
    expect(r.recommendation).toBe(want);
    expect(r.recommendations).toHaveLength(logLength);
  });
});

describe('horizontal_test.go TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors)', () => {
  const rec = (recommendation: number, age: number): TimestampedRecommendation => ({ recommendation, timestamp: NOW - age });
  // [name, log, current, prenormalized, stabilized, expected log values, up window s, down window s]
  it.each<[string, TimestampedRecommendation[], number, number, number, number[] | null, number, number]>([
    ['empty recommendations for scaling down', [], 100, 5, 5, [5], 0, 0],
    ['simple scale down stabilization', [rec(4, 2 * MINUTE), rec(5, MINUTE)], 100, 3, 5, [4, 5, 3], 0, 180],
    ['simple scale up stabilization', [rec(4, 2 * MINUTE), rec(5, MINUTE)], 1, 7, 4, [4, 5, 7], 300, 0],
    ['no scale down stabilization', [rec(1, 2 * MINUTE), rec(2, MINUTE)], 100, 3, 3, [1, 2, 3], 300, 0],
    ['no scale up stabilization', [rec(4, 2 * MINUTE), rec(5, MINUTE)], 1, 3, 3, [4, 5, 3], 0, 300],
    ['no scale down stabilization, reuse recommendation element', [rec(10, 10 * MINUTE), rec(9, 9 * MINUTE)], 100, 3, 3, [10, 3], 0, 0],
    ['no scale up stabilization, reuse recommendation element', [rec(10, 10 * MINUTE), rec(9, 9 * MINUTE)], 1, 100, 100, [10, 100], 0, 0],
    [
      'scale down stabilization, reuse one of obsolete recommendation element',
      [rec(10, 10 * MINUTE), rec(4, MINUTE), rec(5, 2 * MINUTE), rec(9, 9 * MINUTE)],
      100,
      3,
      5,
      [10, 4, 5, 3],
      0,
      180,
    ],
    [
      'scale up stabilization, reuse one of obsolete recommendation element',
      [rec(10, 100 * MINUTE), rec(6, MINUTE), rec(5, 2 * MINUTE), rec(9, 3 * MINUTE)],
      1,
      100,
      5,
      [100, 6, 5, 9],
      300,
      0,
    ],
    [
      'scale up and down stabilization, do not scale up when prenormalized rec goes down',
      [rec(2, 100 * MINUTE), rec(3, 3 * MINUTE)],
      2,
      1,
      2,
      null,
      300,
      300,
    ],
    [
      'scale up and down stabilization, do not scale down when prenormalized rec goes up',
      [rec(2, 100 * MINUTE), rec(1, 3 * MINUTE)],
      2,
      3,
      2,
      null,
      300,
      300,
    ],
  ])('%s', (_name, recs, current, prenormalized, want, log, up, down) => {
    const args = {
      scaleUpBehavior: { stabilizationWindowSeconds: up },
      scaleDownBehavior: { stabilizationWindowSeconds: down },
      minReplicas: 0,
      maxReplicas: 0,
      currentReplicas: current,
      desiredReplicas: prenormalized,
    };
    const r = stabilizeRecommendationWithBehaviors(args, recs, NOW);
    expect(r.recommendation).toBe(want);
    if (log) expect(r.recommendations.map((x) => x.recommendation)).toEqual(log);
  });
});

describe('horizontal_test.go TestScalingWithRules (convertDesiredReplicasWithBehaviorRate)', () => {
  const ev = generateEventsUniformDistribution;
  const rules = generateScalingRules;
  // [name, up events, down events, min, max, up rules, down rules, current, prenormalized, replicas, condition]
  type Row = [
    string,
    TimestampedScaleEvent[],
    TimestampedScaleEvent[],
    number,
    number,
    HPAScalingRules | undefined,
    HPAScalingRules | undefined,
    number,
    number,
    number,
    string,
  ];
  it.each<Row>([
    ['prenormalized desired replicas within range', [], [], 3, 8, undefined, undefined, 5, 7, 7, 'DesiredWithinRange'],
    ['prenormalized desired replicas < minReplicas', [], [], 2, 8, undefined, undefined, 3, 1, 2, 'TooFewReplicas'],
    [
      'prenormalized desired replicas within range when minReplicas is 0',
      [],
      [],
      0,
      10,
      undefined,
      undefined,
      1,
      0,
      0,
      'DesiredWithinRange',
    ],
    ['maxReplicas is the limit because maxReplicas < scaleUpLimit', [], [], 1, 10, undefined, undefined, 20, 1000, 10, 'TooManyReplicas'],
    [
      'desired replica count is more than the maximum replica count',
      [],
      [],
      100,
      150,
      undefined,
      undefined,
      100,
      1000,
      150,
      'TooManyReplicas',
    ],
    [
      'scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies',
      [],
      [],
      1,
      2000,
      rules(0, 0, 1, 60, 0),
      undefined,
      3,
      1000,
      4,
      'ScaleUpLimit',
    ],
    [
      'scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies',
      [],
      [],
      3,
      2000,
      undefined,
      rules(20, 60, 0, 0, 0),
      1000,
      3,
      980,
      'ScaleDownLimit',
    ],
    ['scaleUp with default behavior', [], [], 1, 1000, undefined, undefined, 10, 50, 20, 'ScaleUpLimit'],
    [
      'scaleUp with pods policy larger than percent policy',
      [],
      [],
      1,
      1000,
      rules(100, 60, 100, 60, 0),
      undefined,
      10,
      500,
      110,
      'ScaleUpLimit',
    ],
    [
      'scaleUp with percent policy larger than pods policy',
      [],
      [],
      1,
      1000,
      rules(2, 60, 100, 60, 0),
      undefined,
      10,
      500,
      20,
      'ScaleUpLimit',
    ],
    [
      'scaleUp with spec MaxReplicas limitation with large pod policy',
      [],
      [],
      1,
      1000,
      rules(100, 60, 0, 0, 0),
      undefined,
      10,
      50,
      50,
      'DesiredWithinRange',
    ],
    [
      'scaleUp with spec MaxReplicas limitation with large percent policy',
      [],
      [],
      1,
      1000,
      rules(10000, 60, 0, 0, 0),
      undefined,
      10,
      50,
      50,
      'DesiredWithinRange',
    ],
    ['scaleUp with pod policy limitation', [], [], 1, 1000, rules(30, 60, 0, 0, 0), undefined, 10, 50, 40, 'ScaleUpLimit'],
    ['scaleUp with percent policy limitation', [], [], 1, 1000, rules(0, 0, 200, 60, 0), undefined, 10, 50, 30, 'ScaleUpLimit'],
    [
      'scaleDown with percent policy larger than pod policy',
      [],
      [],
      1,
      1000,
      undefined,
      rules(20, 60, 1, 60, 300),
      100,
      2,
      80,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with pod policy larger than percent policy',
      [],
      [],
      1,
      1000,
      undefined,
      rules(2, 60, 1, 60, 300),
      100,
      2,
      98,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with spec MinReplicas=nil limitation with large pod policy',
      [],
      [],
      1,
      1000,
      undefined,
      rules(100, 60, 0, 0, 300),
      10,
      0,
      1,
      'TooFewReplicas',
    ],
    [
      'scaleDown with spec MinReplicas limitation with large percent policy',
      [],
      [],
      5,
      1000,
      undefined,
      rules(0, 0, 100, 60, 300),
      10,
      2,
      5,
      'TooFewReplicas',
    ],
    ['scaleDown with pod policy limitation', [], [], 1, 1000, undefined, rules(5, 60, 0, 0, 300), 10, 2, 5, 'ScaleDownLimit'],
    ['scaleDown with percent policy limitation', [], [], 1, 1000, undefined, rules(0, 0, 50, 60, 300), 10, 5, 5, 'DesiredWithinRange'],
    [
      'scaleUp with spec MaxReplicas limitation with large pod policy and events',
      ev([1, 5, 9], 120),
      [],
      1,
      200,
      rules(300, 60, 0, 0, 0),
      undefined,
      100,
      500,
      200,
      'TooManyReplicas',
    ],
    [
      'scaleUp with spec MaxReplicas limitation with large percent policy and events',
      ev([1, 5, 9], 120),
      [],
      1,
      200,
      rules(0, 0, 10000, 60, 0),
      undefined,
      100,
      500,
      200,
      'TooManyReplicas',
    ],
    [
      'scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events',
      ev([1, 5, 9], 120),
      [],
      1,
      1000,
      rules(5, 120, 0, 0, 0),
      undefined,
      100,
      500,
      100,
      'ScaleUpLimit',
    ],
    [
      'scaleUp with pod policy and previous scale up events',
      ev([1, 5, 9], 120),
      [],
      1,
      1000,
      rules(150, 120, 0, 0, 0),
      undefined,
      100,
      500,
      235,
      'ScaleUpLimit',
    ],
    [
      'scaleUp with percent policy and previous scale up events',
      ev([1, 5, 9], 120),
      [],
      1,
      1000,
      rules(0, 0, 200, 120, 0),
      undefined,
      100,
      500,
      255,
      'ScaleUpLimit',
    ],
    [
      'scaleUp with percent policy and previous scale up and down events',
      ev([4], 120),
      ev([2], 120),
      1,
      1000,
      rules(0, 0, 300, 300, 0),
      undefined,
      6,
      24,
      16,
      'ScaleUpLimit',
    ],
    [
      'scaleDown with default policy and previous events',
      [],
      ev([1, 5, 9], 120),
      1,
      1000,
      undefined,
      undefined,
      10,
      5,
      5,
      'DesiredWithinRange',
    ],
    [
      'scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events',
      [],
      ev([1, 5, 9], 120),
      1,
      1000,
      undefined,
      rules(115, 120, 0, 0, 300),
      100,
      0,
      1,
      'TooFewReplicas',
    ],
    [
      'scaleDown with spec MinReplicas limitation with large pod policy and previous events',
      [],
      ev([1, 5, 9], 120),
      5,
      1000,
      undefined,
      rules(130, 120, 0, 0, 300),
      100,
      0,
      5,
      'TooFewReplicas',
    ],
    [
      'scaleDown with spec MinReplicas limitation with large percent policy and previous events',
      [],
      ev([1, 5, 9], 120),
      5,
      1000,
      undefined,
      rules(0, 0, 100, 120, 300),
      100,
      2,
      5,
      'TooFewReplicas',
    ],
    [
      'scaleDown with pod policy limitation and previous events',
      [],
      ev([1, 5, 9], 120),
      1,
      1000,
      undefined,
      rules(5, 120, 0, 0, 300),
      100,
      2,
      100,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with percent policy limitation and previous events',
      [],
      ev([2, 4, 6], 120),
      1,
      1000,
      undefined,
      rules(0, 0, 50, 120, 300),
      100,
      0,
      56,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with percent policy and previous scale up and down events',
      ev([2], 120),
      ev([4], 120),
      1,
      1000,
      undefined,
      rules(0, 0, 50, 180, 0),
      10,
      1,
      6,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with previous events preventing further scale down',
      [],
      ev([10, 10, 10], 120),
      1,
      1000,
      undefined,
      rules(0, 0, 10, 120, 300),
      100,
      0,
      100,
      'ScaleDownLimit',
    ],
    [
      'scaleDown with with previous events still allowing more scale down',
      [],
      ev([10, 10, 10], 120),
      1,
      1000,
      undefined,
      rules(0, 0, 1000, 120, 300),
      10,
      5,
      5,
      'DesiredWithinRange',
    ],
    [
      "check 'outdated' flag for events for one behavior for up",
      ev([8, 12, 9, 11], 120),
      [],
      1,
      1000,
      rules(1000, 60, 0, 0, 0),
      undefined,
      100,
      200,
      200,
      'DesiredWithinRange',
    ],
    [
      "check that events were marked 'outdated' for two different policies in the behavior for up",
      ev([8, 12, 9, 11], 120),
      [],
      1,
      1000,
      rules(1000, 30, 100, 60, 0),
      undefined,
      100,
      200,
      200,
      'DesiredWithinRange',
    ],
    [
      "check that events were marked 'outdated' for two different policies in the behavior for down",
      [],
      ev([8, 12, 9, 11], 120),
      1,
      1000,
      undefined,
      rules(1000, 30, 100, 60, 300),
      100,
      5,
      5,
      'DesiredWithinRange',
    ],
  ])('%s', (_name, upEvents, downEvents, min, max, upRules, downRules, current, desired, want, condition) => {
    const args = {
      scaleUpBehavior: generateHPAScaleUpRules(upRules),
      scaleDownBehavior: generateHPAScaleDownRules(downRules),
      minReplicas: min,
      maxReplicas: max,
      currentReplicas: current,
      desiredReplicas: desired,
    };
    expect(convertDesiredReplicasWithBehaviorRate(args, upEvents, downEvents, NOW)).toMatchObject({ replicas: want, reason: condition });
  });
});

describe('horizontal_test.go TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors: selectPolicy', () => {
  const twoPolicies = (selectPolicy: 'Max' | 'Min' | 'Disabled'): HPAScalingRules => ({
    stabilizationWindowSeconds: 300,
    selectPolicy,
    policies: [
      { type: 'Pods', value: 2, periodSeconds: 60 },
      { type: 'Percent', value: 50, periodSeconds: 60 },
    ],
  });
  it.each<['Max' | 'Min' | 'Disabled', number, number]>([
    // From 1: +2 pods = 3, +50% = ceil(1.5) = 2. From 5: -2 pods = 3, -50% = int(2.5) = 2.
    ['Min', 2, 3], // upstream's two cases: the smaller change
    ['Max', 3, 2], // the larger change
    ['Disabled', 1, 5], // no change
  ])('selectPolicy %s: scale-up limit from 1 is %i, scale-down limit from 5 is %i', (policy, up, down) => {
    expect(calculateScaleUpLimitWithScalingRules(1, [], [], twoPolicies(policy), NOW)).toBe(up);
    expect(calculateScaleDownLimitWithBehaviors(5, [], [], twoPolicies(policy), NOW)).toBe(down);
  });
  it('Disabled in one direction holds the count there', () => {
    const args = {
      scaleUpBehavior: generateHPAScaleUpRules({ selectPolicy: 'Disabled' }),
      scaleDownBehavior: generateHPAScaleDownRules({ selectPolicy: 'Disabled' }),
      minReplicas: 1,
      maxReplicas: 100,
      currentReplicas: 10,
      desiredReplicas: 50,
    };
    expect(convertDesiredReplicasWithBehaviorRate(args, [], [], NOW)).toMatchObject({ replicas: 10, reason: 'ScaleUpLimit' });
    expect(convertDesiredReplicasWithBehaviorRate({ ...args, desiredReplicas: 2 }, [], [], NOW)).toMatchObject({
      replicas: 10,
      reason: 'ScaleDownLimit',
    });
  });
});

describe('horizontal_test.go TestStoreScaleEvents (storeScaleEvent, getReplicasChangePerPeriod)', () => {
  const e = (replicaChange: number, age: number, outdated = false): TimestampedScaleEvent => ({
    replicaChange,
    timestamp: NOW - age * SECOND,
    outdated,
  });
  // [name, previous events, rules (none: no behavior), events after (change, outdated), change within 60 s before]
  it.each<[string, TimestampedScaleEvent[], HPAScalingRules | undefined, [number, boolean][], number]>([
    ['empty entries with default behavior', [], undefined, [], 0],
    ['empty entries with two-policy-behavior', [], generateScalingRules(10, 60, 100, 60, 0), [[5, false]], 0],
    ['one outdated entry to be kept untouched without behavior', [e(7, 61)], undefined, [[7, false]], 0],
    ['one outdated entry to be replaced with behavior', [e(7, 61)], generateScalingRules(10, 60, 100, 60, 0), [[5, false]], 0],
    [
      'one actual entry to be not touched with behavior',
      [e(7, 58)],
      generateScalingRules(10, 60, 100, 60, 0),
      [
        [7, false],
        [5, false],
      ],
      7,
    ],
    [
      'two entries, one of them to be replaced',
      [e(7, 61), e(6, 59)],
      generateScalingRules(10, 60, 0, 0, 0),
      [
        [5, false],
        [6, false],
      ],
      6,
    ],
    [
      'replace one entry, use policies with different periods',
      [e(8, 29), e(6, 59), e(7, 61), e(9, 61)],
      generateScalingRules(10, 60, 100, 30, 0),
      [
        [8, false],
        [6, false],
        [7, true],
        [5, false],
      ],
      14,
    ],
    [
      'two entries, both actual',
      [e(7, 58), e(6, 59)],
      generateScalingRules(10, 120, 100, 30, 0),
      [
        [7, false],
        [6, false],
        [5, false],
      ],
      13,
    ],
  ])('%s', (_name, prev, scalingRules, after, change) => {
    expect(getReplicasChangePerPeriod(60, prev, NOW)).toBe(change);
    const up = storeScaleEvent(scalingRules && { scaleUp: scalingRules }, prev, [], 10, 15, NOW);
    expect(up.scaleUpEvents.map((x) => [x.replicaChange, x.outdated])).toEqual(after);
    const down = storeScaleEvent(scalingRules && { scaleDown: scalingRules }, [], prev, 10, 5, NOW);
    expect(down.scaleDownEvents.map((x) => [x.replicaChange, x.outdated])).toEqual(after);
  });
});

describe('defaults_test.go TestGenerateScaleUpRules, TestGenerateScaleDownRules, SetDefaults_HorizontalPodAutoscalerBehavior', () => {
  const pods = (value: number, periodSeconds: number): HPAScalingPolicy => ({ type: 'Pods', value, periodSeconds });
  const percent = (value: number, periodSeconds: number): HPAScalingPolicy => ({ type: 'Percent', value, periodSeconds });
  it.each<[string, HPAScalingRules, HPAScalingRules]>([
    ['Default values', {}, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [pods(4, 15), percent(100, 15)] }],
    [
      'All parameters are specified',
      { stabilizationWindowSeconds: 25, selectPolicy: 'Max', policies: [pods(1, 2), percent(3, 4)] },
      { stabilizationWindowSeconds: 25, selectPolicy: 'Max', policies: [pods(1, 2), percent(3, 4)] },
    ],
    [
      'Pod policy is specified',
      { selectPolicy: 'Min', policies: [pods(1, 2)] },
      { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [pods(1, 2)] },
    ],
    [
      'Percent policy is specified',
      { policies: [percent(7, 10)] },
      { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [percent(7, 10)] },
    ],
    [
      'Pod policy and stabilization window are specified',
      { stabilizationWindowSeconds: 25, policies: [pods(4, 2)] },
      { stabilizationWindowSeconds: 25, selectPolicy: 'Max', policies: [pods(4, 2)] },
    ],
  ])('scale up: %s', (_name, rules, want) => {
    expect(generateHPAScaleUpRules(rules)).toEqual(want);
  });
  it.each<[string, HPAScalingRules, HPAScalingRules]>([
    ['Default values', {}, { selectPolicy: 'Max', policies: [percent(100, 15)] }],
    [
      'All parameters are specified',
      { stabilizationWindowSeconds: 25, selectPolicy: 'Max', policies: [pods(1, 2), percent(3, 4)] },
      { stabilizationWindowSeconds: 25, selectPolicy: 'Max', policies: [pods(1, 2), percent(3, 4)] },
    ],
    ['Percent policy is specified', { selectPolicy: 'Min', policies: [percent(1, 2)] }, { selectPolicy: 'Min', policies: [percent(1, 2)] }],
    ['Pods policy is specified', { policies: [pods(3, 4)] }, { selectPolicy: 'Max', policies: [pods(3, 4)] }],
  ])('scale down: %s', (_name, rules, want) => {
    expect(generateHPAScaleDownRules(rules)).toEqual(want);
  });
  it('fills a set behavior in both directions, keeps the tolerance, and leaves an unset one unset', () => {
    expect(setDefaultsHorizontalPodAutoscalerBehavior(undefined)).toBeUndefined();
    expect(setDefaultsHorizontalPodAutoscalerBehavior({ scaleUp: { tolerance: 0.05 } })).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [pods(4, 15), percent(100, 15)], tolerance: 0.05 },
      scaleDown: { selectPolicy: 'Max', policies: [percent(100, 15)] },
    });
  });
});

/**
 * What reconcileAutoscaler does around normalization, one sync every 15 s: record the initial recommendation,
 * normalize (with or without behavior), and store a scale event when the count changes. Returns the count after
 * each sync.
 */
function runSyncs(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
  minReplicas: number,
  maxReplicas: number,
  initial: number,
  recommendations: number[],
  /**
   * Keep the recommendation log in one array updated in place, as the controller does with behavior, or (without
   * behavior) in the columns of a RecommendationLog.
   */
  inPlace: boolean | 'log' = false,
): { replicas: number[]; reasons: string[]; log: TimestampedRecommendation[] } {
  let current = initial;
  let state: BehaviorState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
  let log: RecommendationLog | null = null;
  const replicas: number[] = [];
  const reasons: string[] = [];
  recommendations.forEach((raw, i) => {
    const now = i * DEFAULT_SYNC_PERIOD_MS;
    const recs =
      inPlace && state.recommendations.length > 0
        ? state.recommendations
        : recordInitialRecommendation(current, state.recommendations, now);
    if (inPlace === 'log' && !behavior) {
      log ??= new RecommendationLog(recs);
      state = { ...state, recommendations: recs };
      const r = normalizeDesiredReplicasOnLog(current, raw, minReplicas, maxReplicas, log, now);
      current = r.desiredReplicas;
      replicas.push(current);
      reasons.push(r.ableToScale.reason);
      return;
    }
    const r = behavior
      ? normalizeDesiredReplicasWithBehaviors(
          behavior,
          current,
          raw,
          minReplicas,
          maxReplicas,
          { ...state, recommendations: recs },
          now,
          undefined,
          inPlace,
        )
      : normalizeDesiredReplicas(current, raw, minReplicas, maxReplicas, recs, now, undefined, inPlace);
    if (inPlace) expect(r.recommendations).toBe(recs);
    else expect(r.recommendations).not.toBe(recs);
    state = { ...state, recommendations: r.recommendations };
    if (r.desiredReplicas !== current) {
      state = { ...state, ...storeScaleEvent(behavior, state.scaleUpEvents, state.scaleDownEvents, current, r.desiredReplicas, now) };
      current = r.desiredReplicas;
    }
    replicas.push(current);
    reasons.push(r.ableToScale.reason);
  });
  return { replicas, reasons, log: log ? (log as RecommendationLog).entries() : state.recommendations };
}

describe('normalization over a sequence of syncs (15 s apart)', () => {
  const repeat = (n: number, v: number) => Array.from({ length: n }, () => v);

  it('gives the same sequence with the log updated in place (the controller) as with copies (horizontal.go)', () => {
    const cases: Parameters<typeof runSyncs>[] = [
      [{}, 1, 20, 2, [10, 10, ...repeat(20, 3)]],
      [
        { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
        1,
        20,
        10,
        repeat(9, 3),
      ],
      [{ scaleUp: { stabilizationWindowSeconds: 30 } }, 1, 20, 2, [5, 5, 8, 8, 8, 3, 9, 9, 2, 2]],
      [undefined, 1, 20, 1, [10, 10, 10, ...repeat(21, 2), 7, 7, ...repeat(25, 1)]],
    ];
    for (const c of cases) {
      const copies = runSyncs(...c);
      expect(runSyncs(c[0], c[1], c[2], c[3], c[4], true)).toEqual(copies);
      expect(new Set(copies.replicas).size).toBeGreaterThan(1);
    }
  });

  it('gives the same sequence and log with the log in columns (RecommendationLog: the controller without behavior)', () => {
    const rng = new RngStreams(3).get('hpa-log');
    for (let k = 0; k < 40; k++) {
      // Random recommendations, with runs that stay (scale-downs held by the window) and jumps.
      const raws: number[] = [];
      let v = 1 + rng.int(10);
      for (let i = 0; i < 80; i++) {
        if (rng.int(4) === 0) v = 1 + rng.int(20);
        raws.push(v);
      }
      const initial = 1 + rng.int(10);
      const copies = runSyncs(undefined, 1, 20, initial, raws);
      expect(runSyncs(undefined, 1, 20, initial, raws, 'log'), `case ${k}`).toEqual(copies);
    }
  });

  it('default behavior: scale-up by max(4 pods, 100%) per 15 s, scale-down held for the 300 s window', () => {
    // t=0: 2 -> 6 (2 + 4 pods beats 2 * 2); t=15 s: 10. From t=30 s the metrics ask for 3, but the 10s recorded
    // at t=0 and t=15 s stay in the 300 s window until t=300 s and t=315 s; then 100% per 15 s lets it drop to 3.
    const { replicas, reasons } = runSyncs({}, 1, 20, 2, [10, 10, ...repeat(20, 3)]);
    expect(replicas).toEqual([6, 10, ...repeat(19, 10), 3]);
    expect(reasons[2]).toBe('ScaleDownStabilized');
    expect(reasons[21]).toBe('ReadyForNewScale');
  });

  it('a Pods policy of 1 per 60 s removes one pod a minute', () => {
    const behavior: HorizontalPodAutoscalerBehavior = {
      scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    };
    const { replicas } = runSyncs(behavior, 1, 20, 10, repeat(9, 3));
    expect(replicas).toEqual([9, 9, 9, 9, 8, 8, 8, 8, 7]);
  });

  it('a scale-up stabilization window takes the lowest recommendation of the window', () => {
    const behavior: HorizontalPodAutoscalerBehavior = { scaleUp: { stabilizationWindowSeconds: 30 } };
    // The initial recommendation of 2 holds at t=0 and t=15 s; at t=30 s the lowest of the last 30 s is 5, then 8.
    const { replicas } = runSyncs(behavior, 1, 20, 2, [5, 5, 8, 8, 8]);
    expect(replicas).toEqual([2, 2, 5, 8, 8]);
  });

  it('without behavior: the scale-up limit max(2x, 4) per sync and the downscale stabilization window', () => {
    // t=0: 1 -> 4, then 8, then 10. The 10s recorded up to t=30 s hold scale-down until t=345 s.
    const { replicas, reasons } = runSyncs(undefined, 1, 20, 1, [10, 10, 10, ...repeat(21, 2)]);
    expect(replicas).toEqual([4, 8, 10, ...repeat(20, 10), 2]);
    expect(reasons[3]).toBe('ScaleDownStabilized');
  });

  it('min and max clamp the normalized count, with and without behavior', () => {
    const state: BehaviorState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    const up = normalizeDesiredReplicasWithBehaviors({}, 4, 100, 2, 6, state, NOW);
    expect(up).toMatchObject({ desiredReplicas: 6, scalingLimited: { status: 'True', reason: 'TooManyReplicas' } });
    const down = normalizeDesiredReplicasWithBehaviors({ scaleDown: { stabilizationWindowSeconds: 0 } }, 4, 0, 2, 6, state, NOW);
    expect(down).toMatchObject({ desiredReplicas: 2, scalingLimited: { status: 'True', reason: 'TooFewReplicas' } });
    expect(normalizeDesiredReplicas(4, 100, 2, 6, [], NOW)).toMatchObject({
      desiredReplicas: 6,
      scalingLimited: { reason: 'TooManyReplicas' },
    });
    expect(normalizeDesiredReplicas(4, 0, 2, 6, [], NOW)).toMatchObject({
      desiredReplicas: 2,
      scalingLimited: { reason: 'TooFewReplicas' },
    });
    expect(normalizeDesiredReplicas(4, 5, 2, 6, [], NOW)).toMatchObject({ desiredReplicas: 5, scalingLimited: { status: 'False' } });
  });
});
