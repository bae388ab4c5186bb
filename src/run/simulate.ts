// One run: builds the cluster and controllers from a Scenario, runs the event loop, and returns the
// figures of the summary. Rows go to the sinks as the run goes.
import { Simulation } from '../engine/simulation.js';
import { mean } from '../engine/distributions.js';
import { ClusterState } from '../model/cluster-state.js';
import { CPU, MEMORY } from '../model/resources.js';
import { buildProfile } from '../scheduler/profiles.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { Nominator } from '../scheduler/nominator.js';
import { SchedulerController } from '../controllers/scheduler/controller.js';
import { KubeletController } from '../controllers/kubelet/controller.js';
import { ReplicaSetController } from '../controllers/replicaset/controller.js';
import { JobController } from '../controllers/job/controller.js';
import { DeploymentController } from '../controllers/deployment/controller.js';
import { ApplyController } from '../controllers/apply/controller.js';
import { ArrivalController } from '../controllers/batch/controller.js';
import { Recorder, type ReferencePod, type RowSink } from '../metrics/recorder.js';
import { percentile, tidy } from '../metrics/stats.js';
import { translateArgs } from '../scenario/profiles.js';
import { poolLabels } from '../scenario/warnings.js';
import type { Scenario } from '../scenario/load.js';

export interface Sinks {
  timeseries: RowSink;
  pods: RowSink;
  nodes: RowSink;
}

export const NODE_COLUMNS = [
  'node', 'node_pool', 'zone', 'instance_type', 'cpu_allocatable_millicores', 'memory_allocatable_bytes', 'pods_allocatable',
  'price_per_hour', 'created_s', 'cpu_requested_millicores', 'memory_requested_bytes', 'pods',
];

export interface RunResult {
  summary: Record<string, string | number>;
  pendingReasons: Map<string, number>;
  eventsProcessed: number;
}

/** The median request over what the scenario will create, weighted by replicas (for fragmentation). */
export function referencePod(s: Scenario): ReferencePod {
  const items: { cpu: number; memory: number; weight: number }[] = [];
  for (const w of s.workloads) items.push({ cpu: w.template.requests[CPU]!, memory: w.template.requests[MEMORY]!, weight: Math.max(1, w.replicas) });
  for (const a of s.arrivals) {
    if (a.trace) for (const t of a.trace.slice(0, 10000)) items.push({ cpu: t.template.requests[CPU]!, memory: t.template.requests[MEMORY]!, weight: 1 });
    else if (a.makePod) {
      // The mean of each request distribution stands for the stream.
      const { template } = a.makePod((_stream, d) => mean(d));
      items.push({ cpu: template.requests[CPU]!, memory: template.requests[MEMORY]!, weight: 10 });
    }
  }
  const med = (key: 'cpu' | 'memory') => {
    const sorted = [...items].sort((a, b) => a[key] - b[key]);
    const total = sorted.reduce((n, x) => n + x.weight, 0);
    let acc = 0;
    for (const x of sorted) {
      acc += x.weight;
      if (acc * 2 >= total) return x[key];
    }
    return 0;
  };
  return { cpu: med('cpu'), memory: med('memory') };
}

export function simulate(s: Scenario, sinks: Sinks): RunResult {
  const sim = new Simulation(s.seed);
  const cluster = new ClusterState(sim, s.space);
  const series = [
    ...s.workloads.map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name })),
    ...s.arrivals.map((a) => ({ kind: a.trace ? 'Trace' : 'Batch', namespace: 'default', name: a.name })),
  ];
  const recorder = new Recorder(sim, cluster, s.metricsIntervalMs, sinks.timeseries, sinks.pods, referencePod(s), series);

  const handle = { cluster, rng: sim.rng('scheduler.select') };
  const schedulers = new Map<string, Scheduler>();
  const nominator = new Nominator();
  for (const [name, spec] of s.scheduler.profiles) {
    const profile = buildProfile(spec, handle, translateArgs(s.space, null, []));
    const sched = new Scheduler(profile, cluster, handle.rng, s.scheduler.percentageOfNodesToScore, nominator);
    schedulers.set(name, sched);
    // The chosen profile also serves pods that name the default scheduler.
    if (name === s.scheduler.profile) schedulers.set('default-scheduler', sched);
  }
  const scheduler = new SchedulerController(sim, cluster, schedulers, nominator, s.scheduler.latency, s.scheduler.popFromBackoffQ);
  new KubeletController(sim, cluster, s.podStartup);
  new DeploymentController(sim, cluster);
  new ReplicaSetController(sim, cluster);
  new JobController(sim, cluster);
  const apply = new ApplyController(sim, cluster);
  const arrivals = new ArrivalController(sim, cluster);

  for (const p of s.pools) {
    for (let i = 0; i < p.count; i++) {
      const zone = p.zones[i % p.zones.length]!;
      const name = `${p.name}-${i}`;
      cluster.addNode({ name, pool: p.name, zone, labels: poolLabels(p, zone, name), taints: p.taints, allocatable: p.allocatable.slice(), pricePerHour: p.pricePerHour });
    }
  }
  for (const w of s.workloads) apply.add(w);
  for (const a of s.arrivals) arrivals.add(a);

  sim.runUntil(s.durationMs);

  for (const pod of cluster.livePods.values()) recorder.writePod(pod);
  for (const n of cluster.nodes) {
    sinks.nodes.write([
      n.name, n.pool, n.zone, n.labels.get('node.kubernetes.io/instance-type') ?? '', n.allocatable[CPU]!, n.allocatable[MEMORY]!, n.allocatable[3]!,
      n.pricePerHour, tidy(n.createdAt / 1000), n.requested[CPU]!, n.requested[MEMORY]!, n.pods.length,
    ]);
  }

  const lat = recorder.schedulingLatency.sorted();
  const sec = (ms: number) => tidy(ms / 1000);
  const mean = recorder.meanUtilization();
  const now = recorder.utilization();
  const nodeHours = cluster.nodes.reduce((h, n) => h + (s.durationMs - n.createdAt) / 3.6e6, 0);
  const cost = cluster.nodes.reduce((c, n) => c + ((s.durationMs - n.createdAt) / 3.6e6) * n.pricePerHour, 0);
  const pendingReasons = new Map<string, number>();
  for (const pod of cluster.livePods.values()) {
    if (pod.node) continue;
    const why = scheduler.lastFailureText(pod) ?? (pod.attempts === 0 ? 'not attempted yet' : 'waiting to be retried');
    pendingReasons.set(why, (pendingReasons.get(why) ?? 0) + 1);
  }
  const st = scheduler.stats;
  const summary: Record<string, string | number> = {
    scenario: s.name,
    seed: s.seed,
    profile: s.scheduler.profile,
    duration_s: sec(s.durationMs),
    nodes: cluster.nodes.length,
    nodes_used_end: recorder.nodesUsed,
    nodes_used_peak: recorder.peakNodesUsed,
    pods_created: recorder.created,
    pods_scheduled: recorder.scheduled,
    pods_pending_end: recorder.pending,
    pods_running_end: recorder.running,
    pods_succeeded: recorder.succeeded,
    pods_preempted: recorder.preempted,
    pods_deleted: recorder.deleted,
    pods_pending_peak: recorder.peakPending,
    scheduling_attempts: st.attempts,
    scheduling_failures: st.failures,
    preemptions: st.preemptions,
    nodes_evaluated_per_attempt: tidy(st.attempts ? st.nodesEvaluated / st.attempts : 0),
    scheduling_latency_p50_s: sec(percentile(lat, 50)),
    scheduling_latency_p90_s: sec(percentile(lat, 90)),
    scheduling_latency_p99_s: sec(percentile(lat, 99)),
    scheduling_latency_max_s: sec(percentile(lat, 100)),
    cpu_requested_ratio_mean: tidy(mean.cpu),
    memory_requested_ratio_mean: tidy(mean.memory),
    cpu_requested_ratio_end: tidy(now.cpu),
    cpu_requested_ratio_peak: tidy(Math.max(recorder.peakCpuUtilization, now.cpu)),
    fragmentation_ratio_peak: tidy(recorder.peakFragmentation),
    node_hours: tidy(nodeHours),
    cost: tidy(cost),
    events: sim.eventsProcessed,
  };
  return { summary, pendingReasons, eventsProcessed: sim.eventsProcessed };
}
