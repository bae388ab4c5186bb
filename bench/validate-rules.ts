// Fidelity checks of Kubernetes' rules against their documented results, each through the pure function named
// after its upstream counterpart (the full upstream tables are in the test suite).
import { backoffNext, newCrashLoopBackOff, type BackoffEntry } from '../src/controllers/kubelet/rules.js';
import { getResourceReplicas, type HPAPodView, type PodMetric } from '../src/controllers/hpa/calc.js';
import { leastWasteScore } from '../src/controllers/cluster-autoscaler/calc.js';
import { resolveFenceposts } from '../src/controllers/deployment/calc.js';
import { leastRequestedScore, mostRequestedScore } from '../src/scheduler/plugins/node-resources-fit.js';
import { balancedChangeScore, balancedScore } from '../src/scheduler/plugins/balanced-allocation.js';
import { numFeasibleNodesToFind } from '../src/scheduler/scheduler.js';
import { backoffDuration } from '../src/scheduler/queue.js';
import { f, type Check } from './validate-util.js';

const exact = (check: string, expected: string, measured: string): Check => ({
  check,
  expected,
  measured,
  tolerance: 'exact',
  pass: expected === measured,
});

/**
 * The scheduler's scores for upstream's "differently sized nodes" case (least_allocated_test.go,
 * most_allocated_test.go, balanced_allocation_test.go): a pod of 3000m and 5000 bytes on node1 (4000m, 10000)
 * and node2 (6000m, 10000), cpu and memory weighted 1 (the per-resource scores combined as
 * resource_allocation.go does: their weighted sum divided by the weights' sum, integer division); then the
 * adaptive percentageOfNodesToScore and the pod backoff.
 */
function schedulerRules(): Check[] {
  const nodes = [
    { cpu: 4000, memory: 10000 },
    { cpu: 6000, memory: 10000 },
  ];
  const pod = { cpu: 3000, memory: 5000 };
  const combined = (score: (req: number, cap: number) => number) =>
    nodes.map((n) => Math.trunc((score(pod.cpu, n.cpu) + score(pod.memory, n.memory)) / 2)).join(', ');
  const fractions = nodes.map((n) => [pod.cpu / n.cpu, pod.memory / n.memory]);
  const legacy = fractions.map((x) => balancedScore(x));
  // v1.36 (PR #135573): the change the pod makes; the empty nodes' balance without it is 100.
  const change = legacy.map((withPod) => balancedChangeScore(withPod, balancedScore([0, 0])));
  const sizes = [50, 200, 1000, 5000, 10000];
  return [
    exact('NodeResourcesFit LeastAllocated, upstream "differently sized nodes": node1, node2', '37, 50', combined(leastRequestedScore)),
    exact('NodeResourcesFit MostAllocated, the same pod and nodes: node1, node2', '62, 50', combined(mostRequestedScore)),
    exact('BalancedAllocation up to v1.35, the same pod and nodes: node1, node2', '87, 100', legacy.join(', ')),
    exact('BalancedAllocation v1.36 (the change the pod makes), the same: node1, node2', '68, 75', change.join(', ')),
    exact(
      `percentageOfNodesToScore adaptive: nodes scored of ${sizes.join(', ')}`,
      '50, 100, 420, 500, 500',
      sizes.map((n) => numFeasibleNodesToFind(0, n)).join(', '),
    ),
    exact(
      'scheduler pod backoff, attempts 1..6 (initial 1 s, max 10 s), s',
      '1 2 4 8 10 10',
      [1, 2, 3, 4, 5, 6].map((a) => backoffDuration(a) / 1000).join(' '),
    ),
  ];
}

/** Rules with documented results. */
export function rules(): Check[] {
  const out: Check[] = [];
  // CrashLoopBackOff: 10 s doubling to 300 s (kubelet.go initialCrashLoopBackOff, MaxContainerBackOff).
  const cfg = newCrashLoopBackOff();
  const delays: number[] = [];
  let e: BackoffEntry | null = null;
  for (let i = 0; i < 7; i++) {
    e = backoffNext(cfg, e, i * 1000, i * 1000);
    delays.push(e.backoffMs / 1000);
  }
  out.push({
    check: 'CrashLoopBackOff delays, s',
    expected: '10 20 40 80 160 300 300',
    measured: delays.join(' '),
    tolerance: 'exact',
    pass: delays.join(' ') === '10 20 40 80 160 300 300',
  });
  // Rolling update rounding (deployment/util: surge rounds up, unavailable down; both 0 means 1 unavailable).
  const ru = (
    [
      ['25%', '25%'],
      ['30%', 0],
      [0, 0],
    ] as const
  )
    .map(([ms, mu]) => resolveFenceposts(ms, mu, 10))
    .map((r) => [r.surge, r.unavailable])
    .map(([s, u]) => `${s}/${u}`)
    .join(', ');
  out.push({
    check: 'rolling update, 10 replicas: surge/unavailable for 25%/25%, 30%/0, 0/0',
    expected: '3/2, 3/0, 0/1',
    measured: ru,
    tolerance: 'exact',
    pass: ru === '3/2, 3/0, 0/1',
  });
  // HPA tolerance 0.1: 10 pods at 109% of a 100% target stay at 10; at 111% go to ceil(1.11 x 10) = 12.
  const hpa = (usage: number) => {
    const pods: HPAPodView[] = Array.from({ length: 10 }, (_, i) => ({
      name: `p${i}`,
      phase: 'Running',
      ready: 'True',
      startTime: 0,
      readyTransitionTime: 0,
      requests: { cpu: 1000 },
    }));
    const m = new Map<string, PodMetric>(pods.map((p) => [p.name, { value: usage * 10, timestamp: 3_600_000, window: 15_000 }]));
    const r = getResourceReplicas(
      { pods, now: 3_600_000, cpuInitializationPeriod: 300_000, delayOfInitialReadinessStatus: 30_000 },
      10,
      100,
      'cpu',
      { scaleUp: 0.1, scaleDown: 0.1 },
      m,
    );
    return 'replicas' in r ? r.replicas : -1;
  };
  const h = `${hpa(109)} and ${hpa(111)}`;
  out.push({
    check: 'HPA tolerance 0.1: 10 pods at 109% and 111% of target',
    expected: '10 and 12',
    measured: h,
    tolerance: 'exact',
    pass: h === '10 and 12',
  });
  // Cluster autoscaler least-waste (waste.go): the worked example of docs/MODEL.md's tests.
  const pods = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, requests: { cpu: 1000, memory: 1024 ** 3 } }));
  const small = leastWasteScore({ nodeGroup: 'small', nodeCount: 2, pods, template: { capacity: { cpu: 4000, memory: 16 * 1024 ** 3 } } })!;
  const big = leastWasteScore({ nodeGroup: 'big', nodeCount: 1, pods, template: { capacity: { cpu: 16000, memory: 64 * 1024 ** 3 } } })!;
  const lw = `${f(small.wastedScore, 5)} vs ${f(big.wastedScore, 5)}`;
  out.push({
    check: 'least-waste: 6 x (1 cpu, 1Gi) on 2 x (4, 16Gi) vs 1 x (16, 64Gi)',
    expected: '1.0625 vs 1.53125',
    measured: lw,
    tolerance: 'exact',
    pass: lw === '1.0625 vs 1.53125',
  });
  out.push(...schedulerRules());
  return out;
}
