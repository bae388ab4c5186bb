// The cluster autoscaler as a controller (cluster-autoscaler 1.36, core/static_autoscaler.go RunOnce): every scan
// interval it scales up for pods the scheduler could not place, or else looks for nodes to remove.
//
// Scale-up (core/scaleup/orchestrator): the unschedulable pods (PodScheduled False, as the scheduler left them;
// not nominated, not expendable) are first placed, in a what-if, on the nodes that exist and on the nodes being
// provisioned (filter_out_schedulable.go; each pod first on its hinted node: hints.ts); for what is left but
// DaemonSet pods, unless all are very new (allPodsAreNew), each node group below its max size and not backed off
// gets an option from the binpacking estimator over template nodes (estimator.ts), the expanders pick one
// (chain.ts), and the group grows by its node count, capped by its max size and --max-nodes-total. A new node is
// Ready after the scenario's provisioning time; one that would take longer than --max-node-provision-time fails
// and backs the group off (5 min, doubling to 30 min). No scale-down in a loop that scaled up.
//
// Scale-down (planner.ts; core/scaledown/planner, unneeded, actuation): nodes of autoscaled groups below the utilization
// threshold (utilization.ts) whose pods may all move (pods-to-move.ts with the drain rules) and find room on the
// other nodes, with the scheduler's filters, are unneeded; one unneeded for --scale-down-unneeded-time in a group
// above its min size is removed when no cool-down holds (eligibility.ts): tainted ToBeDeletedByClusterAutoscaler,
// its pods evicted through the eviction API (actuation.ts; PDBs respected, a refused eviction retried every 10 s for up to
// --max-pod-eviction-time), then the node deleted once they are gone (at most their grace period, capped by
// --max-graceful-termination-sec, plus 30 s). Empty nodes go in bulk, up to --max-scale-down-parallelism; at most
// --max-drain-parallelism non-empty nodes drain at once.
import { Provisioner } from './provisioner.js';
import { sample } from '../../engine/distributions.js';
import { HOUR } from '../../engine/time.js';
import type { Rng } from '../../engine/rng.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { CPU, MEMORY } from '../../model/resources.js';
import type { NodePoolSpec } from '../../scenario/types.js';
import { addTemplateNode } from './template.js';
import { fitsAnyNodeMatching, HintingSimulator, type FitCursor } from './hints.js';
import { STATUS_CONFIG_MAP } from './actuation.js';
import { ScaleDownPlanner } from './planner.js';
import { chainBestOption, type ExpanderContext } from './chain.js';
import { binpackingEstimate, calculatePodScore, decreasingPodOrder, estimationNodeLimit, type EstimationSnapshot } from './estimator.js';
import type { ExpansionOption, TemplateNodeView } from './expanders.js';
import type { ProvisionerDeps, ProvisionerFigures } from './options.js';
import { simplePreferredNode, type PricingModel } from './price.js';
import { GPU, resourceList } from './views.js';
import { allPodsAreNew } from './eligibility.js';

/** A node pool the autoscaler may resize (cloudprovider.NodeGroup). */
export interface NodeGroup {
  readonly pool: NodePoolSpec;
  readonly minSize: number;
  readonly maxSize: number;
  /** Registered nodes (not yet deleted). */
  readonly nodes: Set<Node>;
  /** Bumped whenever `nodes` changes. */
  version: number;
  /** Indices of nodes asked for and not yet registered. */
  readonly upcoming: Set<number>;
  nextIndex: number;
  backoffUntil: number;
  backoffMs: number;
  lastFailure: number;
}

/** An option with the pods it would place (the model's pods, for the events). */
interface Option extends ExpansionOption {
  group: NodeGroup;
  placed: Pod[];
}

export interface AutoscalerStats {
  scaleUps: number;
  nodesAdded: number;
  failedNodes: number;
  nodesRemoved: number;
  failedScaleDowns: number;
}

export class ClusterAutoscalerController extends Provisioner {
  readonly groups: NodeGroup[] = [];
  private readonly groupByPool = new Map<string, NodeGroup>();
  readonly stats: AutoscalerStats = { scaleUps: 0, nodesAdded: 0, failedNodes: 0, nodesRemoved: 0, failedScaleDowns: 0 };
  // static_autoscaler.go starts the last scale-up an hour in the past (the scale-down times: planner.ts).
  private lastScaleUpTime = -HOUR;
  /** The scale-down half (planner.ts): unneeded nodes, their removal, and its cool-downs. */
  private readonly planner: ScaleDownPlanner;
  /** Pods already told why they did not trigger a scale-up (one NotTriggerScaleUp each). */
  private readonly told = new Set<number>();
  /** FitsAnyNodeMatching's round-robin start (scale-down's removal simulation advances it too). */
  private readonly cursor: FitCursor = { lastIndex: 0 };
  /** filter_out_schedulable.go's scheduling simulator, with its hints. */
  private readonly filterOut: HintingSimulator;
  private readonly expanderRng: Rng;
  private readonly provisionRng: Rng;
  private readonly kLoop: number;
  private readonly kRegister: number;
  private readonly kTimeout: number;

  constructor(d: ProvisionerDeps) {
    super(d);
    const { sim, cluster, opts, pools } = d;
    for (const p of pools) {
      if (p.maxCount === null) continue;
      const g: NodeGroup = {
        pool: p,
        minSize: p.minCount ?? 0,
        maxSize: p.maxCount,
        nodes: new Set(),
        version: 0,
        upcoming: new Set(),
        nextIndex: p.count,
        backoffUntil: -Infinity,
        backoffMs: 0,
        lastFailure: -Infinity,
      };
      this.groups.push(g);
      this.groupByPool.set(p.name, g);
    }
    this.expanderRng = sim.rng('autoscaler.expander');
    this.provisionRng = sim.rng('autoscaler.provisioning');
    this.kLoop = sim.register('autoscaler.loop', () => this.runOnce());
    this.kRegister = sim.register('autoscaler.register', (index, g) => this.register(g as NodeGroup, index));
    this.kTimeout = sim.register('autoscaler.timeout', (index, g) => this.provisionFailed(g as NodeGroup, index));
    this.planner = new ScaleDownPlanner(d, this.stats, this.groups, this.groupByPool, (g) => this.targetSize(g), this.cursor);
    this.filterOut = new HintingSimulator(cluster, d.scheduler, this.cursor);
    cluster.watch('autoscaler', {
      NodeAdded: (ev) => {
        const g = ev.whatIf ? undefined : this.groupByPool.get(ev.node!.pool);
        if (g) {
          g.nodes.add(ev.node!);
          g.version++;
        }
      },
      NodeRemoved: (ev) => {
        if (ev.whatIf) return;
        const g = this.groupByPool.get(ev.node!.pool);
        if (g) {
          g.nodes.delete(ev.node!);
          g.version++;
        }
        this.planner.forget(ev.node!);
      },
    });
    // main.go: the first RunOnce comes one scan interval after the start.
    sim.post(opts.scanInterval, this.kLoop);
  }

  override figures(): ProvisionerFigures {
    const s = this.stats;
    return {
      autoscaler_scale_ups: s.scaleUps,
      autoscaler_nodes_added: s.nodesAdded,
      autoscaler_nodes_removed: s.nodesRemoved,
      autoscaler_failed_nodes: s.failedNodes,
    };
  }

  /** The group's target size (cloudprovider TargetSize): registered plus upcoming nodes. */
  targetSize(g: NodeGroup): number {
    return g.nodes.size + g.upcoming.size;
  }

  private runOnce(): void {
    const now = this.sim.now;
    const up = this.scaleUp(now);
    // static_autoscaler.go: "No scale down in this iteration" after a successful scale-up; after one held back for
    // new pods, unneeded nodes are still found but none is removed (DisableScaleDownForLoop).
    if (up !== 'ScaleUpSuccessful' && this.opts.scaleDownEnabled) this.planner.run(now, this.lastScaleUpTime, up === 'ScaleUpInCooldown');
    this.sim.post(this.opts.scanInterval, this.kLoop);
  }

  // --- Scale-up ---

  private totalTarget(): number {
    let n = this.cluster.nodes.length - this.cluster.removedNodes;
    for (const g of this.groups) n += g.upcoming.size;
    return n;
  }

  /** The loop's scale-up, with its result as upstream's status.ScaleUpResult names it. */
  private scaleUp(now: number): 'ScaleUpSuccessful' | 'ScaleUpNotNeeded' | 'ScaleUpInCooldown' | 'ScaleUpNoOptionsAvailable' {
    const pending = this.pendingPods().filter((pod) => pod.priority >= this.opts.expendablePodsPriorityCutoff);
    // filter_out_schedulable.go runs every loop (and drops its old hints at the end), before the max-total check.
    if (pending.length === 0) {
      this.filterOut.dropOldHints();
      return 'ScaleUpNotNeeded';
    }
    // filter_out_schedulable.go: the more important pods first.
    pending.sort((a, b) => b.priority - a.priority);
    const cluster = this.cluster;
    const mark = cluster.fork();
    try {
      for (const g of this.groups) for (const index of g.upcoming) this.addTemplateNode(g, index);
      const placed = new Set(this.filterOut.trySchedulePods(pending, null, false, (p) => this.equivalenceKey(p)).map((s) => s.pod));
      // filter_out_daemon_sets.go, after it: a DaemonSet pod is not helped by a scale-up (nor told it was not).
      const remaining = pending.filter((p) => !placed.has(p) && !cluster.isDaemonSetPod(p));
      this.filterOut.dropOldHints();
      if (remaining.length === 0) return 'ScaleUpNotNeeded';
      if (this.opts.maxNodesTotal > 0 && this.totalTarget() >= this.opts.maxNodesTotal) return 'ScaleUpNoOptionsAvailable';
      // static_autoscaler.go: "Unschedulable pods are very new, waiting one iteration for more".
      const gpu = cluster.resources.indexOf(GPU) ?? -1;
      const views = remaining.map((p) => ({ createdAt: p.createdAt, requestsGpu: gpu >= 0 && p.requests[gpu]! > 0 }));
      if (allPodsAreNew(views, now)) return 'ScaleUpInCooldown';
      const byKey = new Map<string, Pod[]>();
      for (const pod of remaining) {
        const key = this.equivalenceKey(pod);
        const list = byKey.get(key);
        if (list) list.push(pod);
        else byKey.set(key, [pod]);
      }
      const groups = [...byKey.values()];
      const why = new Map<string, number>();
      const options: Option[] = [];
      for (const g of this.groups) {
        const o = this.expansionOption(g, groups, now, why);
        if (o) options.push(o);
      }
      const best = chainBestOption(this.opts.expanders, options, this.expanderContext()) as Option | undefined;
      if (!best) {
        this.tellNotTriggered(remaining, why);
        return 'ScaleUpNoOptionsAvailable';
      }
      // Pods this scale-up does not help are told at a later loop, if no option helps them then either.
      this.execute(best, now);
      return 'ScaleUpSuccessful';
    } finally {
      cluster.revert(mark);
    }
  }

  /** A hypothetical node of the group (in a what-if), named and zoned as the node of that index will be. */
  private addTemplateNode(g: NodeGroup, index: number): Node {
    return addTemplateNode(this.cluster, g.pool, index);
  }

  private templateView(g: NodeGroup): TemplateNodeView {
    const space = this.cluster.resources;
    const list = resourceList(g.pool.allocatable, space);
    const gpu = space.indexOf('nvidia.com/gpu');
    // Capacity is not modelled apart from allocatable: the pool's allocatable stands for both.
    return { name: g.pool.name, capacity: list, allocatable: list, hasGpu: gpu !== undefined && g.pool.allocatable[gpu]! > 0 };
  }

  private requestsOf(pod: Pod): Record<string, number> {
    return { cpu: pod.requests[CPU]!, memory: pod.requests[MEMORY]! };
  }

  /** orchestrator.go computeExpansionOption for one group, or null (with why, for NotTriggerScaleUp). */
  private expansionOption(g: NodeGroup, groups: Pod[][], now: number, why: Map<string, number>): Option | null {
    const note = (reason: string) => why.set(reason, (why.get(reason) ?? 0) + 1);
    const target = this.targetSize(g);
    if (target >= g.maxSize) {
      note('max node group size reached');
      return null;
    }
    if (now < g.backoffUntil) {
      note('in backoff after failed scale-up');
      return null;
    }
    const cluster = this.cluster;
    // SchedulablePodGroups: the groups whose exemplar fits a fresh template node.
    const schedulable: Pod[][] = [];
    let mark = cluster.fork();
    try {
      const t0 = this.addTemplateNode(g, g.nextIndex);
      for (const pods of groups) {
        const st = this.scheduler.checkNode(pods[0]!, t0);
        if (st === null) schedulable.push(pods);
        else note(st.reason);
      }
    } finally {
      cluster.revert(mark);
    }
    if (schedulable.length === 0) return null;
    const alloc = resourceList(g.pool.allocatable, cluster.resources);
    const ordered = decreasingPodOrder(schedulable, (pods) => calculatePodScore(this.requestsOf(pods[0]!), alloc));
    const clusterRoom = this.opts.maxNodesTotal > 0 ? this.opts.maxNodesTotal - this.totalTarget() : 0;
    const limit = estimationNodeLimit(this.opts.maxNodesPerScaleUp, g.maxSize - target, clusterRoom);
    let added = 0;
    // The estimation's nodes come after every node of the snapshot (the what-if below adds them in order).
    let base = 0;
    const snapshot: EstimationSnapshot<Pod, Node> = {
      // FitsAnyNodeMatching over the whole snapshot, round and round from the lastIndex every search in it shares,
      // accepting the estimation's new nodes only (binpacking_estimator.go tryToScheduleOnExistingNodes).
      fitsAny: (pod) => {
        const at = fitsAnyNodeMatching(this.scheduler, pod, cluster.nodes, this.cursor, (n) => n.index < base);
        return at < 0 ? -1 : at - base;
      },
      fits: (pod, node) => this.scheduler.checkNode(pod, node) === null,
      addNode: () => this.addTemplateNode(g, g.nextIndex + added++),
      addPod: (pod, node) => cluster.assumePodBound(pod, node),
    };
    let est: { nodeCount: number; scheduled: Pod[] };
    mark = cluster.fork();
    base = cluster.nodes.length;
    try {
      est = binpackingEstimate(
        ordered.map((pods) => ({ pods })),
        snapshot,
        limit,
      );
    } finally {
      cluster.revert(mark);
    }
    if (est.nodeCount === 0) return null;
    return {
      group: g,
      nodeGroup: g.pool.name,
      nodeCount: est.nodeCount,
      pods: est.scheduled.map((p) => ({ name: p.name, requests: this.requestsOf(p) })),
      placed: est.scheduled,
      template: this.templateView(g),
      exists: true,
    };
  }

  private expanderContext(): ExpanderContext {
    const pools = this.groups.map((g) => g.pool);
    const pricing: PricingModel = {
      nodePrice: (node) => pools.find((p) => p.name === node.name)?.pricePerHour,
      // A pod's price: its share of the cpu and memory of the pool where those cost least (see docs/MODEL.md).
      podPrice: (pod) => {
        let best = Infinity;
        for (const p of pools) {
          const cpu = p.allocatable[CPU]!;
          const mem = p.allocatable[MEMORY]!;
          if (cpu <= 0 || mem <= 0) continue;
          const share = 0.5 * ((pod.requests?.cpu ?? 0) / cpu) + 0.5 * ((pod.requests?.memory ?? 0) / mem);
          best = Math.min(best, share * p.pricePerHour);
        }
        return Number.isFinite(best) ? best : 0;
      },
    };
    return {
      intn: (n) => this.expanderRng.int(n),
      ...(this.opts.priorities ? { priorities: this.opts.priorities } : {}),
      pricing,
      preferredNode: simplePreferredNode(this.cluster.nodes.length - this.cluster.removedNodes),
    };
  }

  private execute(o: Option, now: number): void {
    const g = o.group;
    const from = this.targetSize(g);
    let n = Math.min(o.nodeCount, g.maxSize - from);
    if (this.opts.maxNodesTotal > 0) n = Math.min(n, this.opts.maxNodesTotal - this.totalTarget());
    if (n <= 0) return;
    const to = from + n;
    this.stats.scaleUps++;
    this.lastScaleUpTime = now;
    const info = `[{${g.pool.name} ${from}->${to} (max: ${g.maxSize})}]`;
    this.recorder.event(
      'Normal',
      'ScaledUpGroup',
      STATUS_CONFIG_MAP,
      `Scale-up: setting group ${g.pool.name} size to ${to} instead of ${from} (max: ${g.maxSize})`,
    );
    for (const pod of o.placed) this.recorder.event('Normal', 'TriggeredScaleUp', pod, `pod triggered scale-up: ${info}`);
    const maxProvision = this.opts.nodeGroup.maxNodeProvisionTime;
    for (let k = 0; k < n; k++) {
      const index = g.nextIndex++;
      g.upcoming.add(index);
      const delay = Math.max(0, Math.round(sample(this.opts.provisioning, this.provisionRng)));
      if (delay <= maxProvision) this.sim.schedule(delay, this.kRegister, index, g);
      else this.sim.schedule(maxProvision, this.kTimeout, index, g);
    }
  }

  private tellNotTriggered(pods: readonly Pod[], why: ReadonlyMap<string, number>): void {
    if (pods.length === 0) return;
    const text = [...why]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([r, n]) => `${n} ${r}`)
      .join(', ');
    for (const pod of pods) {
      if (this.told.has(pod.id)) continue;
      this.told.add(pod.id);
      this.recorder.event('Normal', 'NotTriggerScaleUp', pod, `pod didn't trigger scale-up: ${text || 'no node group can take it'}`);
    }
  }

  /** The node registered and turned Ready. */
  private register(g: NodeGroup, index: number): void {
    if (!g.upcoming.delete(index)) return;
    this.stats.nodesAdded++;
    const node = this.createNode(g.pool, index);
    this.recorder.event('Normal', 'RegisteredNode', node, `Node ${node.name} event: Registered Node ${node.name} in Controller`);
  }

  /** clusterstate.go: a node not registered within --max-node-provision-time is a failed scale-up; the group backs off. */
  private provisionFailed(g: NodeGroup, index: number): void {
    if (!g.upcoming.delete(index)) return;
    const now = this.sim.now;
    this.stats.failedNodes++;
    // The nodes of one scale-up time out together: one failed scale-up (clusterstate RegisterFailedScaleUp).
    if (g.lastFailure === now) return;
    // backoff/exponential_backoff.go: doubled from the initial duration up to the max; reset after a quiet spell.
    g.backoffMs =
      g.backoffMs === 0 || now - g.lastFailure > this.opts.backoffReset
        ? this.opts.initialBackoff
        : Math.min(g.backoffMs * 2, this.opts.maxBackoff);
    g.lastFailure = now;
    g.backoffUntil = now + g.backoffMs;
    this.recorder.event(
      'Warning',
      'FailedToScaleUpGroup',
      STATUS_CONFIG_MAP,
      `Scale-up timed out for node group ${g.pool.name} after ${this.opts.nodeGroup.maxNodeProvisionTime / 1000}s: its new nodes did not register; backing off for ${g.backoffMs / 1000}s`,
    );
  }
}
