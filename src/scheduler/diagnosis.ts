// Why a pod fits on no node, after pkg/scheduler/schedule_one.go (v1.36) findNodesThatFitPod's Diagnosis: the
// count of nodes per reason, the cluster events that may make the pod schedulable (each rejecting plugin's
// queueing hints), and the nodes preemption may help on. Made from the per-node statuses of a scan, or counted
// without one when the free-resource index can answer (counted()).
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import { Code, status, type CycleState, type FailureCounts, type Plugin, type Status } from './framework.js';
import { eventBit } from './queue.js';

export interface Diagnosis {
  /** Failure reason -> number of nodes that gave it. Never changed once made (failures share it). */
  reasons: ReadonlyMap<string, number>;
  /** Events that may make the pod schedulable (from the plugins that rejected it). */
  mask: number;
  /**
   * Per node index: the status that rejected it (only for nodes evaluated). The scheduler's own array,
   * valid until its next schedule(): read it at once (preemption does), do not keep it.
   */
  nodeStatus: readonly (Status | null)[];
  /** A PreFilter rejected the pod outright. */
  preFilterStatus: Status | null;
  /** Live nodes that rejected the pod as Unschedulable rather than UnschedulableAndUnresolvable (preemption may help there). */
  potential: number;
}

/** A diagnosis made from runs of node statuses: the runs, and the reasons, events and potential nodes they give. */
interface RunsDiagnosis {
  readonly status: readonly Status[];
  readonly count: readonly number[];
  readonly reasons: ReadonlyMap<string, number>;
  readonly mask: number;
  readonly potential: number;
}

/** Diagnoses kept by their runs at most (then forgotten all at once). */
const RECENT = 256;

export const NO_NODES = status(Code.UnschedulableAndUnresolvable, 'no nodes available to schedule pods', '');

export class Diagnoser {
  /**
   * This failure's runs of identical node statuses (plugins hand out shared Status objects, so neighbouring
   * nodes mostly give the very same one), and the diagnoses of recent failures by their runs: a failure with
   * the same runs as one of them, as each pod that fits nowhere gives attempt after attempt while other pending
   * pods fail in between, reuses its reasons, events and potential nodes (a pure function of the runs).
   */
  private readonly runStatus: Status[] = [];
  private readonly runCount: number[] = [];
  /** By a hash of the runs' counts; cleared when it holds RECENT diagnoses (a bound on memory). */
  private readonly recent = new Map<number, RunsDiagnosis[]>();
  private recentCount = 0;
  private readonly failureCounts: FailureCounts = { reasons: new Map(), potential: 0 };

  /** `filters` and their event masks (by position), and a node's filters without nominated pods (the scheduler's). */
  constructor(
    private readonly filters: readonly Plugin[],
    private readonly filterMasks: readonly number[],
    private readonly cluster: ClusterState,
    private readonly state: CycleState,
    private readonly filtersOnly: (pod: Pod, node: Node) => Status | null,
  ) {}

  /** Why every node failed: reason -> count, and the events that may help, from the per-node statuses. */
  diagnose(status: readonly (Status | null)[], n: number): Diagnosis {
    const runStatus = this.runStatus;
    const runCount = this.runCount;
    let k = 0;
    let last = status[0]!;
    let count = 0;
    let hash = 0;
    for (let i = 0; i < n; i++) {
      const st = status[i]!;
      if (st === last) {
        count++;
        continue;
      }
      runStatus[k] = last;
      runCount[k++] = count;
      hash = (Math.imul(hash, 31) + count) | 0;
      last = st;
      count = 1;
    }
    runStatus[k] = last;
    runCount[k++] = count;
    hash = (Math.imul(hash, 31) + count) | 0;
    const d = this.fromRuns(k, hash);
    return { reasons: d.reasons, mask: d.mask, nodeStatus: status, preFilterStatus: null, potential: d.potential };
  }

  /** The diagnosis of runs[0..k): a recent one with the same runs, or one made now. */
  private fromRuns(k: number, hash: number): RunsDiagnosis {
    const bucket = this.recent.get(hash);
    if (bucket) {
      for (let b = 0; b < bucket.length; b++) if (this.sameRuns(bucket[b]!, k)) return bucket[b]!;
    }
    const reasons = new Map<string, number>();
    let mask = eventBit('NodeAdded');
    let potential = 0;
    for (let j = 0; j < k; j++) {
      const st = this.runStatus[j]!;
      const c = this.runCount[j]!;
      addReasons(reasons, st, c);
      mask |= this.maskOf(st.plugin);
      if (st.code === Code.Unschedulable) potential += c;
    }
    const d: RunsDiagnosis = { status: this.runStatus.slice(0, k), count: this.runCount.slice(0, k), reasons, mask, potential };
    if (this.recentCount === RECENT) {
      this.recent.clear();
      this.recentCount = 0;
    }
    const kept = this.recent.get(hash);
    if (kept) kept.push(d);
    else this.recent.set(hash, [d]);
    this.recentCount++;
    return d;
  }

  private sameRuns(d: RunsDiagnosis, k: number): boolean {
    if (d.status.length !== k) return false;
    for (let j = 0; j < k; j++) if (d.status[j] !== this.runStatus[j] || d.count[j] !== this.runCount[j]) return false;
    return true;
  }

  /**
   * The diagnosis of a pod that fits on no node, found without filtering node by node; null when it may
   * fit somewhere, or when the cycle's filters do not allow the shortcut. It applies when one filter can
   * count what it would say of every node (NodeResourcesFit, from the free-resource index) and every
   * other filter that runs rejects only restricted nodes (TaintToleration, NodeUnschedulable: a tainted
   * or cordoned node). Then every unrestricted node's status is the counting filter's, and each
   * restricted node is filtered as the scan would, its status taking the place of the counted one. When
   * no node passes, this is exactly the diagnosis filtering every node gives; and such an attempt leaves
   * nextStartNodeIndex where it was (every node evaluated: start + n = start mod n).
   */
  counted(pod: Pod, active: readonly Plugin[], na: number): Diagnosis | null {
    let counter: Plugin | null = null;
    for (let i = 0; i < na; i++) {
      const p = active[i]!;
      if (p.countFailures && !counter) counter = p;
      else if (!p.rejectsRestrictedOnly) return null;
    }
    if (!counter) return null;
    const restricted = na > 1 ? this.cluster.restrictedNodes : null;
    // Many restricted nodes: filtering them one by one costs what the scan does.
    if (restricted && restricted.size * 8 > this.cluster.nodes.length) return null;
    const counts = this.failureCounts;
    if (counter.countFailures!(this.state, pod, counts)) return null;
    const reasons = counts.reasons;
    let potential = counts.potential;
    let mask = eventBit('NodeAdded');
    let counterNodes = this.cluster.nodes.length - this.cluster.removedNodes;
    if (restricted) {
      for (const node of restricted) {
        const st = this.filtersOnly(pod, node);
        const counted = counter.filter!(this.state, pod, node);
        if (st === null || counted === null) return null; // cannot be: no node passes the counting filter
        if (st === counted) continue;
        addReasons(reasons, counted, -1);
        addReasons(reasons, st, 1);
        if (counted.code === Code.Unschedulable) potential--;
        if (st.code === Code.Unschedulable) potential++;
        counterNodes--;
        mask |= this.maskOf(st.plugin);
      }
    }
    if (counterNodes > 0) mask |= this.maskOf(counter.name);
    const removed = this.cluster.removedNodes;
    if (removed > 0) reasons.set(NO_NODES.reason, (reasons.get(NO_NODES.reason) ?? 0) + removed);
    return { reasons, mask, nodeStatus: [], preFilterStatus: null, potential };
  }

  private maskOf(plugin: string): number {
    const filters = this.filters;
    for (let i = 0; i < filters.length; i++) if (filters[i]!.name === plugin) return this.filterMasks[i]!;
    return 0;
  }
}

/** Counts a status's reasons (each of them, for a status with several) d more times; a reason counted down to 0 goes. */
function addReasons(reasons: Map<string, number>, st: Status, d: number): void {
  const rs = st.reasons;
  if (!rs) return addReason(reasons, st.reason, d);
  for (let r = 0; r < rs.length; r++) addReason(reasons, rs[r]!, d);
}

function addReason(reasons: Map<string, number>, reason: string, d: number): void {
  const n = (reasons.get(reason) ?? 0) + d;
  if (n === 0) reasons.delete(reason);
  else reasons.set(reason, n);
}
