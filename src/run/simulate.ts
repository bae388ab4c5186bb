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
import { EventRecorder } from '../metrics/collectors/events.js';
import { AvailabilityCollector } from '../metrics/collectors/availability.js';
import { NodeLifecycleController } from '../controllers/node-lifecycle/controller.js';
import { TaintEvictionController } from '../controllers/taint-eviction/controller.js';
import { FaultController } from '../faults/controller.js';
import { DisruptionController } from '../controllers/disruption/controller.js';
import { BudgetsCollector } from '../metrics/collectors/budgets.js';
import { RolloutsCollector } from '../metrics/collectors/rollouts.js';
import { RequestsCollector } from '../metrics/collectors/requests.js';
import { TrafficController, type TrafficModel } from '../traffic/controller.js';
import { FluidTrafficController } from '../traffic/fluid-controller.js';
import { CanaryController } from '../traffic/canary.js';
import { HPAController } from '../controllers/hpa/controller.js';
import { MetricsServer, type MeteredSource, type UsageSource } from '../controllers/metrics-server/controller.js';
import { LoadUsage } from '../controllers/metrics-server/load-usage.js';
import { KubeletController } from '../controllers/kubelet/controller.js';
import { ReplicaSetController } from '../controllers/replicaset/controller.js';
import { JobController } from '../controllers/job/controller.js';
import { TTLAfterFinishedController } from '../controllers/ttl-after-finished/controller.js';
import { DeploymentController } from '../controllers/deployment/controller.js';
import { StatefulSetController } from '../controllers/statefulset/controller.js';
import { DaemonSetController } from '../controllers/daemonset/controller.js';
import { ApplyController } from '../controllers/apply/controller.js';
import { ArrivalController } from '../controllers/batch/controller.js';
import { Metrics, namedSinks, type Figures, type RowSink, type SinkFactory } from '../metrics/collector.js';
import { CapacityCollector } from '../metrics/collectors/capacity.js';
import { CostCollector } from '../metrics/collectors/cost.js';
import { SpotController } from '../faults/spot.js';
import { FragmentationCollector, type ReferencePod } from '../metrics/collectors/fragmentation.js';
import { PodsCollector } from '../metrics/collectors/pods.js';
import { NodesCollector } from '../metrics/collectors/nodes.js';
import { NodeHealthCollector } from '../metrics/collectors/node-health.js';
import { WorkloadNames, WorkloadsCollector } from '../metrics/collectors/workloads.js';
import { SchedulerCollector } from '../controllers/scheduler/collector.js';
import { tidy } from '../metrics/stats.js';
import { translateArgs } from '../scenario/profiles.js';
import { poolLabels } from '../model/node.js';
import type { Scenario } from '../scenario/load.js';
import type { NodePoolSpec } from '../scenario/types.js';
import type { Node } from '../model/node.js';
import { ClusterAutoscalerController } from '../controllers/cluster-autoscaler/controller.js';
import { KarpenterController } from '../controllers/karpenter/controller.js';

/** Where a run's rows go: a factory that opens files by name, or fixed sinks by file stem (tests). */
export type Sinks = SinkFactory | Partial<Record<string, RowSink>>;

export interface RunResult {
  summary: Figures;
  pendingReasons: Map<string, number>;
  eventsProcessed: number;
}

/** The median request over what the scenario will create, weighted by replicas (for fragmentation). */
export function referencePod(s: Scenario): ReferencePod {
  const items: { cpu: number; memory: number; weight: number }[] = [];
  for (const w of s.workloads)
    items.push({ cpu: w.template.requests[CPU]!, memory: w.template.requests[MEMORY]!, weight: Math.max(1, w.replicas) });
  for (const a of s.arrivals) {
    if (a.trace)
      for (const t of a.trace.slice(0, 10000))
        items.push({ cpu: t.template.requests[CPU]!, memory: t.template.requests[MEMORY]!, weight: 1 });
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

/** A run assembled and ready: step its simulation (tests may act on the model in between), then finish it. */
export interface PreparedRun {
  readonly sim: Simulation;
  readonly cluster: ClusterState;
  /** Runs to the scenario's end and returns the summary. */
  run(): RunResult;
  /** Runs at most `maxEvents` more events; true once the scenario's end is reached (then call run()). */
  advance(maxEvents: number): boolean;
}

export function simulate(s: Scenario, sinks: Sinks): RunResult {
  return prepareRun(s, sinks).run();
}

/** Builds the cluster, controllers and collectors of one run from a Scenario. */
export function prepareRun(s: Scenario, sinks: Sinks): PreparedRun {
  const sim = new Simulation(s.seed);
  const cluster = new ClusterState(sim, s.space);
  const factory: SinkFactory =
    typeof sinks.open === 'function' ? (sinks as SinkFactory) : namedSinks(sinks as Partial<Record<string, RowSink>>);

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
  const recorder = new EventRecorder(sim, factory);
  new KubeletController(sim, cluster, s.podStartup, recorder, {
    bandwidth: (pool) => s.pools.find((p) => p.name === pool)?.imagePullBandwidth ?? null,
    serialize: s.images.serialize,
  });
  const deployments = new DeploymentController(sim, cluster, recorder);
  new ReplicaSetController(sim, cluster);
  new StatefulSetController(sim, cluster);
  new DaemonSetController(sim, cluster);
  new JobController(sim, cluster, recorder);
  new TTLAfterFinishedController(sim, cluster);
  const disruption = new DisruptionController(sim, cluster, recorder);
  new NodeLifecycleController(sim, cluster, recorder);
  new TaintEvictionController(sim, cluster, recorder);
  const faults = new FaultController(sim, cluster, s.faults, s.pools, recorder, disruption);
  const apply = new ApplyController(sim, cluster);
  const arrivals = new ArrivalController(sim, cluster);

  // Collectors, in the order their rows appear in each timeseries sample.
  const metrics = new Metrics(sim, factory, s.metricsIntervalMs);
  const names = new WorkloadNames(cluster, [
    ...s.workloads.map((x) => ({ kind: x.kind as string, namespace: x.namespace, name: x.name })),
    ...s.arrivals.map((a) => ({ kind: a.trace ? 'Trace' : 'Batch', namespace: 'default', name: a.name })),
  ]);
  const capacity = metrics.add(new CapacityCollector(sim, cluster));
  metrics.add(new PodsCollector(cluster, factory, names));
  metrics.add(new FragmentationCollector(cluster, capacity, referencePod(s)));
  metrics.add(new WorkloadsCollector(cluster, names));
  const health = metrics.add(new NodeHealthCollector(sim, cluster));
  metrics.add(new NodesCollector(sim, cluster, factory, health));
  metrics.add(new SchedulerCollector(scheduler.stats));
  const costs = metrics.add(new CostCollector(sim, cluster, names));
  metrics.add(new AvailabilityCollector(sim, cluster, names, factory, costs));
  metrics.add(new BudgetsCollector(sim, disruption, factory));
  const rollouts = metrics.add(new RolloutsCollector(sim, factory));
  let usage: MetricsServer | null = null;
  if (s.hpas.length > 0) {
    usage = new MetricsServer(sim, cluster);
    if (s.cpuLoads.size > 0) usage.addSource(new LoadUsage(cluster, s.cpuLoads, usage.pods));
    const hpa = new HPAController(sim, cluster, usage, recorder, s.externalMetrics);
    for (const h of s.hpas) hpa.add(h.spec, h.at);
    metrics.add({ summary: () => ({ hpa_rescales: hpa.decisions.length }) });
  }
  deployments.onStep(rollouts);
  if (s.traffic) {
    const traffic: TrafficModel =
      s.traffic.mode === 'fluid'
        ? new FluidTrafficController(sim, cluster, s.traffic, s.traffic.intervalMs, s.durationMs)
        : new TrafficController(sim, cluster, s.traffic);
    traffic.rollingOut = () => rollouts.active;
    if (usage && 'cpuUsedMilliMs' in traffic) {
      // Fluid mode's pods share their Service's meter (MeteredSource: metrics-server reads its slots' columns).
      const metered: MeteredSource | null = traffic instanceof FluidTrafficController ? traffic : null;
      usage.addSource(metered ?? (traffic as unknown as UsageSource));
      usage.setServiceRequests((key) => {
        const i = traffic.serviceIndex(key);
        if (i < 0) return undefined;
        // (Fluid mode's counts accrue over each step; request mode's count each request as it arrives.)
        return traffic instanceof FluidTrafficController ? traffic.requestsReceived(i) : traffic.services[i]!.series.total.requests;
      });
    }
    const canaries = new CanaryController(sim, traffic, s.traffic.canaries, recorder);
    metrics.add(new RequestsCollector(traffic, canaries, s.traffic.slo, s.metricsIntervalMs, factory));
  } else metrics.add(new RequestsCollector(null, null, { latencyMs: 0, target: 1 }, s.metricsIntervalMs, factory));
  metrics.add(recorder);

  // A pool's node of that index: named <pool>-<index>, in the pool's zones in turn.
  const createNode = (p: NodePoolSpec, i: number): Node => {
    const zone = p.zones[i % p.zones.length]!;
    const name = `${p.name}-${i}`;
    const node = cluster.addNode({
      name,
      pool: p.name,
      zone,
      labels: poolLabels(p, zone, name),
      taints: p.taints,
      allocatable: p.allocatable.slice(),
      pricePerHour: p.pricePerHour,
    });
    faults.nodeAdded(node);
    spot?.nodeAdded(node);
    return node;
  };
  const spot = s.pools.some((p) => p.spot) ? new SpotController(sim, cluster, s.pools, disruption, recorder, createNode) : null;
  if (spot) metrics.add({ summary: () => ({ spot_interruptions: spot.stats.interruptions }) });
  if (s.autoscaler) {
    const deps = {
      sim,
      cluster,
      scheduler: schedulers.get(s.scheduler.profile)!,
      unschedulable: () => scheduler.lastFailure.keys(),
      disruption,
      recorder,
      opts: s.autoscaler,
      pools: s.pools,
      createNode,
    };
    const provisioner = s.autoscaler.kind === 'karpenter' ? new KarpenterController(deps) : new ClusterAutoscalerController(deps);
    metrics.add({ summary: () => ({ ...provisioner.figures() }) });
  }
  for (const p of s.pools) for (let i = 0; i < p.count; i++) createNode(p, i);
  for (const w of s.workloads) apply.add(w);
  const kBudget = sim.register('apply.budget', (i) => {
    const b = s.budgets[i]!;
    disruption.add(cluster.addBudget(b.name, b.namespace, b.selector, b.spec));
  });
  s.budgets.forEach((b, i) => sim.scheduleAt(b.at, kBudget, i));
  for (const a of s.arrivals) arrivals.add(a);

  return {
    sim,
    cluster,
    run: () => finishRun(s, sim, cluster, scheduler, metrics),
    advance: (maxEvents) => sim.runUntil(s.durationMs, maxEvents),
  };
}

function finishRun(s: Scenario, sim: Simulation, cluster: ClusterState, scheduler: SchedulerController, metrics: Metrics): RunResult {
  sim.runUntil(s.durationMs);
  const pendingReasons = new Map<string, number>();
  for (const pod of cluster.livePods.values()) {
    if (pod.node) continue;
    const why = scheduler.lastFailureText(pod) ?? (pod.attempts === 0 ? 'not attempted yet' : 'waiting to be retried');
    pendingReasons.set(why, (pendingReasons.get(why) ?? 0) + 1);
  }
  const summary = metrics.finish({
    scenario: s.name,
    seed: s.seed,
    profile: s.scheduler.profile,
    duration_s: tidy(s.durationMs / 1000),
    events: sim.eventsProcessed,
  });
  // Cost not charged to any pod, and per million requests answered or not.
  const cost = Number(summary.cost);
  summary.cost_idle = tidy(Math.max(0, cost - Number(summary.cost_allocated)));
  if ('requests' in summary) {
    const n = Number(summary.requests);
    summary.cost_per_million_requests = n > 0 ? tidy((cost * 1e6) / n) : '';
  }
  return { summary, pendingReasons, eventsProcessed: sim.eventsProcessed };
}
