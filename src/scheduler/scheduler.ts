// One scheduling attempt, after pkg/scheduler/schedule_one.go (v1.36): PreFilter, Filter over a rotating
// window of nodes (percentageOfNodesToScore), and the diagnosis of a pod that fits nowhere; scoring the feasible
// nodes (PreScore/Score/NormalizeScore, weighted sum, selectHost) is prioritize.ts.
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { Rng } from '../engine/rng.js';
import { Code, CycleState, status, type Plugin, type Status } from './framework.js';
import { Diagnoser, NO_NODES, type Diagnosis } from './diagnosis.js';
import { Prioritizer } from './prioritize.js';
import type { Profile } from './profiles.js';
import { eventMask, eventBit } from './queue.js';
import { Nominator } from './nominator.js';
import { FilterChecks } from './checks.js';
import { NodeScan } from './scan.js';

export type { Diagnosis };

/** schedule_one.go: minFeasibleNodesToFind, minFeasibleNodesPercentageToFind; config DefaultPercentageOfNodesToScore. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;
/** A scan is sparse when it evaluates more than this many nodes per feasible node found. */
const SPARSE = 2;

/** schedule_one.go numFeasibleNodesToFind: how many feasible nodes are enough to stop filtering. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (pct <= 0) {
    pct = BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface Attempt {
  node: Node | null;
  feasible: number;
  evaluated: number;
  diagnosis: Diagnosis | null;
}

/** schedule_one.go: the status of the nodes a PreFilterResult leaves out (one Status per plugin, shared). */
const absentStatuses = new Map<string, Status>();
function absentStatus(plugin: string): Status {
  let st = absentStatuses.get(plugin);
  if (!st)
    absentStatuses.set(plugin, (st = status(Code.UnschedulableAndUnresolvable, `node(s) didn't satisfy plugin(s) [${plugin}]`, plugin)));
  return st;
}

export class Scheduler {
  /** Checks every normalised score is within 0..MAX_NODE_SCORE (the test suite turns it on; off in runs for speed). */
  static checkScores = false;
  /**
   * A pod that only NodeResourcesFit filters is answered from the free-resource index when it fits nowhere
   * (see schedule). Off: every node is filtered, as before the index (the tests compare the two).
   */
  static countFailures = true;
  /** Checks each answer of the index against filtering every node (the test suite turns it on). */
  static checkCounts = false;
  /** Off: every scan filters every node in turn, never visiting only those an index finds (Plugin.passing). */
  static scanByIndex = true;
  /** Checks every scan made from an index against filtering every node (the test suite turns it on). */
  static checkScans = false;
  /** Scans made from an index (NodeScan.byIndex) that found nodes, in this process (tests read it to know the path ran). */
  static indexScans = 0;
  /** Attempts the index answered, in this process (tests read it to know the path ran). */
  static countedFailures = 0;
  /** schedule_one.go nextStartNodeIndex: filtering resumes where the last cycle stopped. */
  nextStartNodeIndex = 0;
  /** Whether the last pod scheduled for the first time fit nowhere (then first attempts ask the index too). */
  private firstAttemptFailed = false;
  /**
   * Whether the next scan visits the nodes an index finds: after a scan where few nodes passed (they are found
   * without reading the others), or where every node evaluated passed (the index hands over whole ranges of
   * nodes that all pass without reading any; between the two it reads node by node, and NodeScan.all's tight loop is
   * faster).
   */
  private byIndex = false;
  private readonly state = new CycleState();
  /** PreScore, Score, NormalizeScore and selectHost among the feasible nodes (prioritize.ts). */
  private readonly prioritizer: Prioritizer;
  private readonly filterMasks: number[];
  /** Filter plugins that run this cycle. */
  private readonly active: Plugin[] = [];
  private activeCount = 0;
  /** Filtering the nodes into the feasible ones (scan.ts). */
  private readonly scan: NodeScan;
  /** Why a pod fits nowhere (diagnosis.ts). */
  private readonly diagnoser: Diagnoser;

  constructor(
    readonly profile: Profile,
    readonly cluster: ClusterState,
    private readonly rng: Rng,
    private readonly percentageOfNodesToScore: number,
    readonly nominator: Nominator = new Nominator(),
  ) {
    this.filterMasks = profile.filters.map((p) => eventMask(p.events));
    this.checks = new FilterChecks(profile.filters, cluster, nominator);
    this.prioritizer = new Prioritizer(profile, cluster, rng, this.state);
    this.scan = new NodeScan(cluster, this.state, this.active);
    this.diagnoser = new Diagnoser(profile.filters, this.filterMasks, cluster, this.state, (pod, node) => this.runFiltersOnly(pod, node));
  }

  /** The checks other controllers ask between cycles (preemption, the cluster autoscaler). */
  private readonly checks: FilterChecks;

  /**
   * Runs this cycle's filters for one node, counting the pods nominated there that the pod must leave
   * room for (schedule_one.go RunFilterPluginsWithNominatedPods, addGEPriorityNominatedPods).
   */
  runFilters(pod: Pod, node: Node): Status | null {
    if (this.nominator.size === 0) return this.runFiltersOnly(pod, node);
    const blocking = this.nominator.blocking(node, pod);
    if (!blocking) return this.runFiltersOnly(pod, node);
    return this.checks.withNominated(pod, node, blocking);
  }

  /** Would the pod pass every filter on the node as the cluster is now? (checks.ts FilterChecks.checkNode.) */
  checkNode(pod: Pod, node: Node): Status | null {
    return this.checks.checkNode(pod, node);
  }

  /** The first of `nodes` from `start` round and round that takes the pod, or -1 (checks.ts FilterChecks.findFit). */
  findFit(pod: Pod, nodes: readonly Node[], start: number, skip: ((n: Node) => boolean) | null): number {
    return this.checks.findFit(pod, nodes, start, skip);
  }

  /** Runs this cycle's filters (those PreFilter did not skip) for one node; the first failing status or null. */
  runFiltersOnly(pod: Pod, node: Node): Status | null {
    const active = this.active;
    const state = this.state;
    for (let i = 0; i < this.activeCount; i++) {
      const st = active[i]!.filter!(state, pod, node);
      if (st !== null) return st;
    }
    return null;
  }

  schedule(pod: Pod): Attempt {
    const nodes = this.cluster.nodes;
    const n = nodes.length;
    const state = this.state;
    state.reset();
    if (n === 0) return this.fail(NO_NODES, eventBit('NodeAdded'), 0);

    // Filters whose PreFilter answered Skip do not run this cycle.
    const filters = this.profile.filters;
    // (The list is kept and overwritten: emptying an array frees its storage.)
    const active = this.active;
    let na = 0;
    /** The PreFilterResult: the only nodes (by name) worth filtering, or null for all. */
    let only: readonly string[] | null = null;
    let restrictedBy = '';
    this.activeCount = 0;
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const st = p.preFilter ? p.preFilter(state, pod) : null;
      if (st !== null && st.code !== Code.Skip) return this.fail(st, this.filterMasks[i]! | eventBit('NodeAdded'), 0);
      if (st === null && p.filter) active[na++] = p;
      if (st === null && p.preFilterNodes) {
        // framework.go RunPreFilterPlugins: PreFilterResults merge by intersection.
        const names = p.preFilterNodes(pod);
        if (names) {
          only = only === null ? names : only.filter((x) => names.includes(x));
          restrictedBy = p.name;
        }
      }
    }
    this.activeCount = na;

    // schedule_one.go evaluateNominatedNode: a pod nominated by preemption tries that node first.
    const nominated = pod.nominatedNode;
    if (nominated && nominated.removedAt < 0 && this.runFilters(pod, nominated) === null) {
      return { node: nominated, feasible: 1, evaluated: 1, diagnosis: null };
    }

    const selection = this.profile.spec.selection;
    const first = selection === 'first';
    if (only !== null) return this.scheduleAmong(pod, only, restrictedBy, first);
    // A retry asks the index, and so does a first attempt while the last first attempt failed: first attempts
    // mostly succeed where there is room, and keeping the index up to date for them would cost every run with
    // spare room; in an overloaded cluster many fail, each filtering every node (either way the answer is the same).
    const firstAttempt = pod.attempts <= 1;
    if ((!firstAttempt || this.firstAttemptFailed) && this.nominator.size === 0) {
      const counted = this.counted(pod, first, n);
      if (counted) return counted;
    }
    const toFind = this.toFind(first, n);
    const start = first ? 0 : this.nextStartNodeIndex % n;
    const scan = this.scan;
    scan.prepare(n);
    const { status, feasibleIdx } = scan;
    let m = 0;
    let evaluated = 0;
    if (this.nominator.size === 0) {
      const passing = this.byIndex && Scheduler.scanByIndex ? this.indexedFilter(active, na) : null;
      evaluated = passing ? scan.byIndex(pod, na, passing, start, toFind, n) : -1;
      if (evaluated >= 0) {
        m = scan.found;
        Scheduler.indexScans++;
        if (Scheduler.checkScans) scan.check(pod, na, start, toFind, n, evaluated, m);
      } else {
        // No node passes: the index may know why without reading every node's status.
        const counted = passing ? this.counted(pod, first, n) : null;
        if (counted) return counted;
        evaluated = scan.all(pod, na, start, toFind, n);
        m = scan.found;
      }
      // Few nodes pass, or all: the next scan visits only those the index finds (same nodes, same order, fewer reads).
      this.byIndex = evaluated > SPARSE * Math.max(m, 1) || evaluated === m;
    } else {
      for (let k = 0; k < n; k++) {
        let idx = start + k;
        if (idx >= n) idx -= n;
        const node = nodes[idx]!;
        evaluated++;
        const st = node.removedAt >= 0 ? NO_NODES : this.runFilters(pod, node);
        if (st === null) {
          feasibleIdx[m++] = idx;
          if (m >= toFind) break;
        } else status[idx] = st;
      }
    }
    let diagnosis: Diagnosis | null = null;
    if (m === 0) {
      // Every node was evaluated and failed: status[] holds this cycle's answer for each.
      diagnosis = this.diagnoser.diagnose(status, n);
    }
    if (!first) this.nextStartNodeIndex = (start + evaluated) % n;
    if (firstAttempt) this.firstAttemptFailed = m === 0;
    if (m === 0) return { node: null, feasible: 0, evaluated, diagnosis };
    // schedule_one.go: with one feasible node there is nothing to score.
    const node = m === 1 ? nodes[feasibleIdx[0]!]! : this.prioritizer.select(pod, feasibleIdx, m, Scheduler.checkScores);
    return { node, feasible: m, evaluated, diagnosis: null };
  }

  /** The active filter that finds the nodes it passes from an index (Plugin.passing), if any. */
  private indexedFilter(active: readonly Plugin[], na: number): Plugin | null {
    for (let i = 0; i < na; i++) if (active[i]!.passing) return active[i]!;
    return null;
  }

  /**
   * schedule_one.go findNodesThatFitPod with a PreFilterResult: only the named nodes are filtered (in the order
   * named; upstream ranges over a set, in no fixed order), from nextStartNodeIndex modulo their number; every
   * other node is "absent", UnschedulableAndUnresolvable. nextStartNodeIndex then advances by the nodes
   * processed, modulo all nodes.
   */
  private scheduleAmong(pod: Pod, names: readonly string[], plugin: string, first: boolean): Attempt {
    const all = this.cluster.nodes;
    const n = all.length;
    const nodes: Node[] = [];
    for (const name of names) {
      const node = this.cluster.nodeByName.get(name);
      if (node && !nodes.includes(node)) nodes.push(node);
    }
    const ns = nodes.length;
    const toFind = this.toFind(first, ns);
    const start = first || ns === 0 ? 0 : this.nextStartNodeIndex % ns;
    this.scan.prepare(n);
    const { status, feasibleIdx } = this.scan;
    let m = 0;
    let evaluated = 0;
    for (let k = 0; k < ns && m < toFind; k++) {
      const node = nodes[(start + k) % ns]!;
      evaluated++;
      const st = this.runFilters(pod, node);
      if (st === null) feasibleIdx[m++] = node.index;
      else status[node.index] = st;
    }
    if (!first && n > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + evaluated) % n;
    if (m === 0) {
      const absent = absentStatus(plugin);
      const evaluatedNodes = new Set<Node>();
      for (let k = 0; k < evaluated; k++) evaluatedNodes.add(nodes[(start + k) % ns]!);
      for (const node of all) if (!evaluatedNodes.has(node)) status[node.index] = node.removedAt >= 0 ? NO_NODES : absent;
      return { node: null, feasible: 0, evaluated, diagnosis: this.diagnoser.diagnose(status, n) };
    }
    const node = m === 1 ? all[feasibleIdx[0]!]! : this.prioritizer.select(pod, feasibleIdx, m, Scheduler.checkScores);
    return { node, feasible: m, evaluated, diagnosis: null };
  }

  /**
   * How many feasible nodes end filtering among `count`: numFeasibleNodesToFind, or one for first-fit and, as
   * schedule_one.go findNodesThatPassFilters has it, for a profile without score plugins (hasScoring; kubesim
   * has no extenders).
   */
  private toFind(first: boolean, count: number): number {
    if (first || (this.profile.spec.selection === 'score' && this.profile.scorers.length === 0)) return 1;
    return numFeasibleNodesToFind(this.profile.spec.percentageOfNodesToScore ?? this.percentageOfNodesToScore, count);
  }

  /** The failure the free-resource index answers (countedFailure), when it may answer and does. */
  private counted(pod: Pod, first: boolean, n: number): Attempt | null {
    if (!Scheduler.countFailures || !this.noDryRun(pod)) return null;
    const diagnosis = this.diagnoser.counted(pod, this.active, this.activeCount);
    if (!diagnosis) return null;
    if (pod.attempts <= 1) this.firstAttemptFailed = true;
    if (!first) this.nextStartNodeIndex %= n;
    Scheduler.countedFailures++;
    if (Scheduler.checkCounts) this.checkAgainstScan(pod, diagnosis);
    return { node: null, feasible: 0, evaluated: n, diagnosis };
  }

  /**
   * Whether preemption, should this attempt fail, stops before reading per-node statuses: it is off, the
   * pod may not preempt, or no bound pod has a lower priority (findPreemption).
   */
  private noDryRun(pod: Pod): boolean {
    return !this.profile.spec.preemption || pod.template.preemptionPolicy === 'Never' || !this.cluster.hasBoundPodBelow(pod.priority);
  }

  /** Filters every node as if the index did not exist, and throws unless the answers agree (checkCounts). */
  private checkAgainstScan(pod: Pod, counted: Diagnosis): void {
    const next = this.nextStartNodeIndex;
    const was = { reasons: [...counted.reasons].sort(), mask: counted.mask, potential: counted.potential };
    Scheduler.countFailures = false;
    let scan: Attempt;
    try {
      scan = this.schedule(pod);
    } finally {
      Scheduler.countFailures = true;
    }
    const d = scan.diagnosis;
    const got = d && { reasons: [...d.reasons].sort(), mask: d.mask, potential: d.potential };
    if (scan.node || JSON.stringify(got) !== JSON.stringify(was) || this.nextStartNodeIndex !== next)
      throw new Error(
        `bug: the free-resource index answered ${JSON.stringify(was)} for pod ${pod.name}, filtering every node ${JSON.stringify(got)}`,
      );
  }

  private fail(st: Status, mask: number, evaluated: number): Attempt {
    const reasons = new Map([[st.reason, Math.max(1, this.cluster.nodes.length)]]);
    return { node: null, feasible: 0, evaluated, diagnosis: { reasons, mask, nodeStatus: [], preFilterStatus: st, potential: 0 } };
  }
}
