// The cluster autoscaler's scale-down planning (cluster-autoscaler 1.36 core/scaledown/planner, unneeded,
// eligibility): each loop without a scale-up, the nodes of autoscaled groups below the utilization threshold
// (utilization.ts) whose pods may all move (pods-to-move.ts with the drain rules, the PDBs' disruptions spent by
// the nodes found removable before in the loop) and find room on the other nodes with the scheduler's filters
// (hints.ts: each first on its hinted node) are unneeded; those unneeded long enough, in groups above their min
// size, are handed to the actuator (actuation.ts) unless a cool-down holds. The scale-up half is in controller.ts.
import { HOUR } from '../../engine/time.js';
import { grown, IndexList } from '../../model/arrays.js';
import type { Node } from '../../model/node.js';
import { CPU, MEMORY } from '../../model/resources.js';
import { ScaleDownActuator } from './actuation.js';
import type { NodeGroup } from './controller.js';
import { defaultRules, type DrainabilityRule, type DrainContext } from './drain.js';
import { isScaleDownInCooldown, unneededNodesLimit, unremovableReason, type UnremovableReason } from './eligibility.js';
import type { ProvisionerDeps } from './options.js';
import { canRemovePods, getPodsToMove, removePods } from './pods-to-move.js';
import type { CAPodView } from './pod.js';
import { HintingSimulator, type FitCursor } from './hints.js';
import { cachedPodView, controllerViews, GPU, gpuResource, pdbViews, resourceList } from './views.js';
import { calculate, isUtilizationError } from './utilization.js';
import { NodeChanges } from '../../model/free-index.js';

export class ScaleDownPlanner {
  // static_autoscaler.go starts the last deletion and failure an hour in the past.
  private lastScaleDownDeleteTime = -HOUR;
  private lastScaleDownFailTime = -HOUR;
  /** Unneeded nodes, with when each was first found unneeded (unneeded/nodes.go). */
  private readonly unneeded = new Map<Node, number>();
  /** planner.go latestUpdate and minUpdateInterval (which starts at the unneeded time). */
  private latestUpdate = -Infinity;
  private minUpdateInterval: number;
  /** Nodes found unremovable in simulation, with the time until which they are not checked again. */
  private readonly unremovableUntil = new Map<Node, number>();
  private readonly actuator: ScaleDownActuator;
  private readonly rules: DrainabilityRule[];
  /** The removal simulator's scheduling simulator, with its hints (RemovalSimulator.schedulingSimulator). */
  private readonly simulator: HintingSimulator;

  constructor(
    private readonly d: ProvisionerDeps,
    stats: { nodesRemoved: number; failedScaleDowns: number },
    private readonly groups: readonly NodeGroup[],
    private readonly groupByPool: ReadonlyMap<string, NodeGroup>,
    /** The group's target size (cloudprovider TargetSize). */
    private readonly targetSize: (g: NodeGroup) => number,
    /** The round-robin start of the fit searches, shared with the scale-up's FitsAnyNodeMatching. */
    cursor: FitCursor,
  ) {
    this.simulator = new HintingSimulator(d.cluster, d.scheduler, cursor);
    // planner.go New: minUpdateInterval starts at the unneeded time (1 ns if that is 0).
    const unneededTime = d.opts.nodeGroup.scaleDownUnneededTime;
    this.minUpdateInterval = unneededTime > 0 ? unneededTime : 1e-6;
    this.rules = defaultRules(d.opts.deleteOptions);
    this.actuator = new ScaleDownActuator(d, stats, (now) => (this.lastScaleDownFailTime = now));
    this.changed.on = true;
    d.cluster.columns.changes.also(this.changed);
  }

  /** Per node index: 1 while the loop has found the node removable (the nodes after it do not take its pods). */
  private removableFlag = new Uint8Array(64);
  /** Per node index: 1 if its pods could not all go at once the last time it was found removable (IsRisky). */
  private risky = new Uint8Array(64);
  /** Per node index: 1 while the node is in `unneeded` (the scale-down loop asks this rather than the map). */
  private unneededFlag = new Uint8Array(64);
  /** Tests set this: a verdict kept for a node's generation is checked against its utilization now. */
  static checkAbove = false;
  /** Per node index: whether it is at or above its threshold (1) or not (0), worked out at generation aboveAt - 1. */
  private aboveAt = new Uint32Array(64);
  private aboveVerdict = new Uint8Array(64);
  /** Per group: its nodes' indices, made again when the group's membership changes (NodeGroup.version). */
  private readonly indices = new Map<NodeGroup, { version: number; of: Int32Array }>();
  /**
   * The nodes of the groups below their threshold, kept from loop to loop (the fast path of run: utilization from
   * the columns). Nodes whose columns changed since the last loop (`changed`) are looked at again; the list is made
   * anew when a group's membership changes (`membership`: the sum of the groups' versions, which only grow).
   */
  private readonly below = new IndexList();
  private readonly changed = new NodeChanges();
  private membership = -1;
  /** Per node index: 1 if it is a node of one of the groups (as of the last time the list was made anew). */
  private inGroup = new Uint8Array(64);

  private setUnneeded(node: Node, since: number): void {
    this.unneeded.set(node, since);
    this.unneededFlag = grown(this.unneededFlag, node.index);
    this.unneededFlag[node.index] = 1;
  }

  private dropUnneeded(node: Node): void {
    if (node.index < this.unneededFlag.length && this.unneededFlag[node.index] === 1) {
      this.unneededFlag[node.index] = 0;
      this.unneeded.delete(node);
    }
  }

  private indicesOf(g: NodeGroup): Int32Array {
    let c = this.indices.get(g);
    if (!c || c.version !== g.version) {
      c = { version: g.version, of: Int32Array.from(g.nodes, (n) => n.index) };
      this.indices.set(g, c);
    }
    return c.of;
  }

  /** A node that left the cluster is no longer unneeded. */
  forget(node: Node): void {
    this.dropUnneeded(node);
  }

  /** info.go Calculate for the node, read from its requested columns when no pod needs to be left out. */
  private utilization(node: Node): number {
    const space = this.d.cluster.resources;
    const gpu = gpuResource(node, space);
    if (!this.d.opts.nodeGroup.ignoreDaemonSetsUtilization) {
      if (gpu >= 0) return node.requested[gpu]! / node.allocatable[gpu]!;
      const cpu = node.requested[CPU]! / node.allocatable[CPU]!;
      const mem = node.requested[MEMORY]! / node.allocatable[MEMORY]!;
      return cpu > mem ? cpu : mem;
    }
    const view = {
      name: node.name,
      allocatable: resourceList(node.allocatable, space),
      ...(gpu >= 0 ? { gpuConfig: { extendedResourceName: space.names[gpu]! } } : {}),
    };
    const pods = node.pods.map((p) => cachedPodView(this.d.cluster, p));
    const r = calculate(view, pods, true, false, this.d.sim.now);
    return isUtilizationError(r) ? 0 : r.utilization;
  }

  private threshold(node: Node): number {
    return gpuResource(node, this.d.cluster.resources) >= 0
      ? this.d.opts.nodeGroup.scaleDownGpuUtilizationThreshold
      : this.d.opts.nodeGroup.scaleDownUtilizationThreshold;
  }

  /**
   * One loop's scale-down (RunOnce without a scale-up): update the unneeded nodes, then delete those due unless a
   * cool-down holds or the loop disabled scale-down (it held a scale-up back for new pods).
   */
  run(now: number, lastScaleUpTime: number, disableScaleDownForLoop = false): void {
    // planner.go UpdateClusterState: candidates below the threshold; those unneeded before are checked first, and
    // new ones only up to the candidates pool (--scale-down-candidates-pool-ratio / -min-count).
    const nodes = this.d.cluster.nodes.length - this.d.cluster.removedNodes;
    const room = Math.max(this.d.opts.candidatesPoolMinCount, Math.ceil(this.d.opts.candidatesPoolRatio * nodes));
    // planner.go UpdateClusterState: the shortest interval between updates seen so far (from the unneeded time).
    const interval = now - this.latestUpdate;
    if (interval > 0 && interval < this.minUpdateInterval) this.minUpdateInterval = interval;
    this.latestUpdate = now;
    const limit = unneededNodesLimit(
      this.unneeded.size,
      this.d.opts.maxScaleDownParallelism,
      this.d.opts.nodeGroup.scaleDownUnneededTime,
      this.minUpdateInterval,
    );
    const previous: Node[] = [];
    const fresh: Node[] = [];
    // unremovable/nodes.go Update: timeouts that have passed, and nodes gone, are forgotten.
    for (const [node, until] of this.unremovableUntil) if (until <= now || node.removedAt >= 0) this.unremovableUntil.delete(node);
    const fast = !this.d.opts.nodeGroup.ignoreDaemonSetsUtilization;
    if (fast) {
      this.belowCandidates(previous, fresh);
      if (ScaleDownPlanner.checkAbove) this.checkCandidates(previous, fresh);
    } else this.scanCandidates(previous, fresh, false);
    previous.sort((a, b) => this.unneeded.get(a)! - this.unneeded.get(b)! || a.index - b.index);
    fresh.sort((a, b) => a.index - b.index);
    const candidates = [...previous, ...fresh.slice(0, room)];
    for (const node of fresh.slice(room)) this.dropUnneeded(node);
    const ctx: DrainContext = { now, pdbs: pdbViews(this.d.cluster), controllers: controllerViews(this.d.cluster) };
    const removable = new Set<Node>();
    this.removableFlag = grown(this.removableFlag, this.d.cluster.nodes.length - 1);
    for (const node of candidates) {
      // planner.go categorizeNodes: past the limit, candidates are skipped (and so not unneeded).
      if (removable.size >= limit) {
        this.dropUnneeded(node);
        continue;
      }
      const moved = this.canRemove(node, ctx);
      if (moved !== null) {
        // planner.go categorizeNodes: a node whose pods the budgets let go only one at a time is risky (drained
        // after the others); the budgets left for the nodes after it lose its pods (RemainingPdbTracker).
        this.risky = grown(this.risky, node.index);
        this.risky[node.index] = canRemovePods(moved, ctx.pdbs!).inParallel ? 0 : 1;
        removePods(moved, ctx.pdbs!);
        removable.add(node);
        this.removableFlag[node.index] = 1;
        if (!this.unneeded.has(node)) this.setUnneeded(node, now);
      } else {
        this.dropUnneeded(node);
        // planner.go categorizeNodes: AddTimeout(unremovable, now + UnremovableNodeRecheckTimeout).
        this.unremovableUntil.set(node, now + this.d.opts.unremovableNodeRecheckTimeout);
      }
    }
    for (const node of removable) this.removableFlag[node.index] = 0;
    // planner.go UpdateClusterState, after categorizeNodes.
    this.simulator.dropOldHints();
    if (
      isScaleDownInCooldown(
        {
          lastScaleUpTime,
          lastScaleDownDeleteTime: this.lastScaleDownDeleteTime,
          lastScaleDownFailTime: this.lastScaleDownFailTime,
        },
        this.d.opts.delays,
        now,
        disableScaleDownForLoop,
      )
    )
      return;
    this.startDeletions(now);
  }

  /**
   * Every node of the groups, visited in turn (the maps are asked only when they hold anything, and utilization is
   * read from the cluster's columns where utilization() would read the node's own views of them): nodes at or above
   * their threshold are no longer unneeded, and those below (neither being deleted nor recently unremovable) are
   * candidates, to `previous` if unneeded before, else to `fresh`.
   */
  private scanCandidates(previous: Node[], fresh: Node[], fast: boolean): void {
    const deleting = this.actuator.inFlight.size > 0;
    const unremovable = this.unremovableUntil.size > 0;
    const all = this.d.cluster.nodes;
    this.growFlags(all.length);
    // (dropUnneeded clears a flag in this array; nothing in the loop replaces it.)
    const flags = this.unneededFlag;
    for (const g of this.groups) {
      // (By index: a node object is read only when it is below the threshold or in a map.)
      const indices = this.indicesOf(g);
      for (let x = 0; x < indices.length; x++) {
        const k = indices[x]!;
        if (deleting && this.actuator.deletingAt(k)) continue;
        const above = fast ? this.aboveNow(k) : this.utilization(all[k]!) >= this.threshold(all[k]!);
        // (A node above the threshold is dropped by its index: most nodes are, and reading each one's object,
        // as the map below would, costs a cache miss each.)
        if (above) {
          if (flags[k] === 1) this.dropUnneeded(all[k]!);
          continue;
        }
        this.offer(all[k]!, unremovable, previous, fresh);
      }
    }
  }

  /**
   * A node below its threshold (not being deleted) becomes a candidate, to `previous` if unneeded before, else to
   * `fresh`; eligibility.go FilterOutUnremovable: unless found unremovable in simulation within
   * --unremovable-node-recheck-timeout (RecentlyUnremovable), which makes it no longer unneeded.
   */
  private offer(node: Node, unremovable: boolean, previous: Node[], fresh: Node[]): void {
    if (unremovable && this.unremovableUntil.has(node)) this.dropUnneeded(node);
    else (this.unneededFlag[node.index] === 1 ? previous : fresh).push(node);
  }

  /** The per-node arrays, long enough for n nodes. */
  private growFlags(n: number): void {
    if (n === 0) return;
    this.unneededFlag = grown(this.unneededFlag, n - 1);
    this.aboveAt = grown(this.aboveAt, n - 1);
    this.aboveVerdict = grown(this.aboveVerdict, n - 1);
  }

  /**
   * utilization() >= threshold() for node k, written out over the cluster's columns, and kept while the node's
   * generation stays (its requests and allocatable are what they were).
   */
  private aboveNow(k: number): boolean {
    const { alloc, used, stride, generation } = this.d.cluster.columns;
    if (this.aboveAt[k] === generation[k]! + 1) {
      const above = this.aboveVerdict[k] === 1;
      const node = this.d.cluster.nodes[k]!;
      if (ScaleDownPlanner.checkAbove && above !== this.utilization(node) >= this.threshold(node))
        throw new Error(`bug: the autoscaler kept node ${node.name} ${above ? 'above' : 'below'} its threshold`);
      return above;
    }
    const gpu = this.d.cluster.resources.indexOf(GPU) ?? -1;
    const { scaleDownGpuUtilizationThreshold, scaleDownUtilizationThreshold } = this.d.opts.nodeGroup;
    const b = k * stride;
    let above: boolean;
    if (gpu >= 0 && alloc[b + gpu]! > 0) above = used[b + gpu]! / alloc[b + gpu]! >= scaleDownGpuUtilizationThreshold;
    else {
      const cpu = used[b + CPU]! / alloc[b + CPU]!;
      const mem = used[b + MEMORY]! / alloc[b + MEMORY]!;
      above = (cpu > mem ? cpu : mem) >= scaleDownUtilizationThreshold;
    }
    this.aboveAt[k] = generation[k]! + 1;
    this.aboveVerdict[k] = above ? 1 : 0;
    return above;
  }

  /** Node k of a group, looked at again: in the list if below its threshold, else no longer unneeded. */
  private recheck(k: number): void {
    const above = this.aboveNow(k);
    if (!above) this.below.add(k);
    else {
      this.below.delete(k);
      if (this.unneededFlag[k] === 1 && !this.actuator.deletingAt(k)) this.dropUnneeded(this.d.cluster.nodes[k]!);
    }
  }

  /**
   * scanCandidates' answer without visiting every node: the nodes below their threshold are kept in a list, and
   * only the nodes whose columns changed since the last loop are looked at again (a node no longer below is no
   * longer unneeded). The candidates are sorted afterwards, so the order they are found in does not matter; a
   * node being deleted is never unneeded (startDeletions drops it first), so it has nothing to drop.
   */
  private belowCandidates(previous: Node[], fresh: Node[]): void {
    const all = this.d.cluster.nodes;
    this.growFlags(all.length);
    let membership = 0;
    for (const g of this.groups) membership += g.version;
    if (membership !== this.membership) {
      // The groups' nodes changed: the list anew.
      this.membership = membership;
      this.below.clear();
      this.inGroup.fill(0);
      for (const g of this.groups) {
        const indices = this.indicesOf(g);
        for (let x = 0; x < indices.length; x++) {
          const k = indices[x]!;
          this.inGroup = grown(this.inGroup, k);
          this.inGroup[k] = 1;
          this.recheck(k);
        }
      }
    } else {
      for (const k of this.changed.list) if (k < this.inGroup.length && this.inGroup[k] === 1) this.recheck(k);
    }
    this.changed.clear();
    const deleting = this.actuator.inFlight.size > 0;
    const unremovable = this.unremovableUntil.size > 0;
    const { list, size } = this.below;
    for (let x = 0; x < size; x++) {
      const k = list[x]!;
      if (deleting && this.actuator.deletingAt(k)) continue;
      this.offer(all[k]!, unremovable, previous, fresh);
    }
  }

  /** Tests: scanCandidates, run after belowCandidates, must find the same candidates and nothing to drop. */
  private checkCandidates(previous: Node[], fresh: Node[]): void {
    const p: Node[] = [];
    const f: Node[] = [];
    const unneeded = this.unneeded.size;
    this.scanCandidates(p, f, true);
    const names = (xs: Node[]) =>
      xs
        .map((n) => n.index)
        .sort((a, b) => a - b)
        .join(',');
    if (names(p) !== names(previous) || names(f) !== names(fresh) || this.unneeded.size !== unneeded)
      throw new Error(
        `bug: the autoscaler's kept list of nodes below their threshold found ${names(previous)} / ${names(fresh)}, ` +
          `a scan of every node ${names(p)} / ${names(f)} (unneeded ${unneeded} -> ${this.unneeded.size})`,
      );
  }

  /**
   * simulator/cluster.go SimulateNodeRemoval: the node's pods may move, and each finds room on another node. The
   * pods to reschedule (NodeToBeRemoved.PodsToReschedule), or null if the node is not removable.
   */
  private canRemove(node: Node, ctx: DrainContext): CAPodView[] | null {
    const live = node.pods.slice();
    const views = live.map((p) => cachedPodView(this.d.cluster, p));
    const moved = getPodsToMove(views, ctx, this.rules);
    if ('blockingPod' in moved) return null;
    // The pods of the views to move (moved.pods keeps the views' order; most often every pod moves).
    let pods = live;
    if (moved.pods.length < live.length) {
      pods = [];
      for (let i = 0, j = 0; j < moved.pods.length; i++) {
        if (views[i] !== moved.pods[j]) continue;
        pods.push(live[i]!);
        j++;
      }
    }
    if (pods.length === 0) return moved.pods;
    const cluster = this.d.cluster;
    const mark = cluster.fork();
    try {
      // simulator/cluster.go findPlaceFor: the pods to move leave the node (DaemonSet pods and those skipped stay).
      for (const p of pods) cluster.assumePodRemoved(p);
      const flag = this.removableFlag;
      const skip = (n: Node) => n === node || flag[n.index] === 1 || this.actuator.deleting(n);
      return this.simulator.tryScheduleAll(pods, skip) ? moved.pods : null;
    } finally {
      cluster.revert(mark);
    }
  }

  private startDeletions(now: number): void {
    let inFlight = this.actuator.inFlight.size;
    let drains = 0;
    for (const d of this.actuator.inFlight.values()) if (!d.empty) drains++;
    const deleting = new Map<NodeGroup, number>();
    for (const d of this.actuator.inFlight.values()) {
      const g = this.groupByPool.get(d.node.pool)!;
      deleting.set(g, (deleting.get(g) ?? 0) + 1);
    }
    const ready: { node: Node; group: NodeGroup; empty: boolean }[] = [];
    for (const [node, since] of this.unneeded) {
      const g = this.groupByPool.get(node.pool)!;
      const group = { minSize: g.minSize, size: this.targetSize(g), deletionsInProgress: deleting.get(g) ?? 0 };
      const reason: UnremovableReason = unremovableReason(
        { ready: node.ready, nodeGroup: g.pool.name, since },
        group,
        this.d.opts.nodeGroup,
        now,
      );
      if (reason !== 'NoReason') continue;
      const empty = node.pods.every((p) => this.d.cluster.isDaemonSetPod(p) || p.terminating);
      ready.push({ node, group: g, empty });
      deleting.set(g, (deleting.get(g) ?? 0) + 1);
    }
    // planner.go NodesToDelete: empty nodes, then those to drain, the risky ones last (sortByRisk); budgets.go
    // CropNodes keeps them within the parallelism limits.
    const risky = (r: { node: Node; empty: boolean }) => (r.empty ? 0 : this.risky[r.node.index]!);
    ready.sort((a, b) => Number(b.empty) - Number(a.empty) || risky(a) - risky(b));
    let started = 0;
    for (const r of ready) {
      if (inFlight >= this.d.opts.maxScaleDownParallelism) break;
      if (!r.empty && drains >= this.d.opts.maxDrainParallelism) continue;
      this.dropUnneeded(r.node);
      this.actuator.start(r.node, r.empty, this.utilization(r.node), now);
      inFlight++;
      started++;
      if (!r.empty) drains++;
    }
    if (started > 0) this.lastScaleDownDeleteTime = now;
  }
}
