// Filtering a rotating window of nodes into the list of feasible ones (schedule_one.go findNodesThatPassFilters),
// for the Scheduler: a scan of every node a chunk at a time, plugin by plugin, or one that visits only the nodes
// a filter's index finds (Plugin.passing); both give the same feasible nodes in the same order, and the same
// count of nodes evaluated.
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { CycleState, Plugin, Status } from './framework.js';
import { NO_NODES } from './diagnosis.js';

/** Nodes filtered per batch. */
const CHUNK = 64;

export class NodeScan {
  /** Node indices of the feasible nodes, in scan order (CHUNK more places: see windowAt). */
  feasibleIdx = new Int32Array(0);
  /** Views of feasibleIdx[m..m + CHUNK) by m, made as needed: a scan filters each chunk where its passing nodes go. */
  private windows: Int32Array[] = [];
  /** Per-node statuses of the current cycle, by node index (those of the nodes that failed a filter). */
  status: (Status | null)[] = [];
  /** Feasible nodes the last scan found. */
  found = 0;

  constructor(
    private readonly cluster: ClusterState,
    private readonly state: CycleState,
    /** The filters that run this cycle (the Scheduler's list): the first `na` of them, na passed to each scan. */
    private readonly active: readonly Plugin[],
  ) {}

  /**
   * Filters nodes from `start` in scan order until toFind pass (schedule_one.go findNodesThatPassFilters):
   * over chunks of nodes, plugin by plugin, which keeps each plugin's loop tight; the result is exactly that
   * of filtering node by node and stopping at the toFind-th feasible node. The feasible nodes go to
   * feasibleIdx (this.found of them), every failing node's status to this.status; returns the
   * number of nodes evaluated.
   */
  all(pod: Pod, na: number, start: number, toFind: number, n: number): number {
    const status = this.status;
    const anyRemoved = this.cluster.removedNodes > 0;
    const removed = this.cluster.columns.removed;
    let m = 0;
    let evaluated = 0;
    let k = 0;
    while (k < n && m < toFind) {
      const c = Math.min(CHUNK, n - k);
      // The chunk is filtered where its passing nodes belong, feasibleIdx[m..): they stay in place (those past
      // toFind are left beyond this.found).
      const cand = this.windowAt(m);
      let count = 0;
      for (let j = 0; j < c; j++) {
        let idx = start + k + j;
        if (idx >= n) idx -= n;
        if (anyRemoved && removed[idx] === 1) status[idx] = NO_NODES;
        else cand[count++] = idx;
      }
      count = this.filterChunk(pod, na, cand, count, null);
      const need = toFind - m;
      if (count >= need) {
        m = toFind;
        evaluated = stopsAt(cand[need - 1]!, start, n);
        break;
      }
      m += count;
      k += c;
      evaluated = k;
    }
    this.found = m;
    return evaluated;
  }

  /** feasibleIdx[m..m + CHUNK), as a view kept for the next scans. */
  private windowAt(m: number): Int32Array {
    return (this.windows[m] ??= this.feasibleIdx.subarray(m, m + CHUNK));
  }

  /** Statuses for n nodes, and room in feasibleIdx for n nodes and a chunk past them (the views of it made again). */
  prepare(n: number): void {
    if (this.status.length < n) this.status = new Array(n).fill(null);
    if (this.feasibleIdx.length < n + CHUNK) {
      this.feasibleIdx = new Int32Array(n + CHUNK);
      this.windows = new Array<Int32Array>(n + 1);
    }
  }

  /** Runs this cycle's filters (but `skip`) on the candidates cand[0..count); returns how many pass (kept in order). */
  private filterChunk(pod: Pod, na: number, cand: Int32Array, count: number, skip: Plugin | null): number {
    const { active, state, status } = this;
    const nodes = this.cluster.nodes;
    for (let a = 0; a < na && count > 0; a++) {
      const p = active[a]!;
      if (p === skip) continue;
      count = p.filterBatch ? p.filterBatch(state, pod, nodes, cand, count, status) : filterEach(p, state, pod, nodes, cand, count, status);
    }
    return count;
  }

  /**
   * all()'s feasible nodes and evaluated count, visiting only the nodes `passing` passes (found from its
   * index, in scan order); the other filters run on those alone. Every node skipped fails a filter, so the
   * feasible nodes, their order and the node the scan stops at are all()'s. Skipped nodes get no status:
   * when no node passes, returns -1 and all() must run (the diagnosis reads every node's status).
   */
  byIndex(pod: Pod, na: number, passing: Plugin, start: number, toFind: number, n: number): number {
    const state = this.state;
    if (na === 1) {
      // The only filter: the nodes it passes are the feasible ones, found straight into feasibleIdx (not a chunk
      // at a time: an index that hands over whole ranges does so in one call).
      const out = this.feasibleIdx;
      let m = passing.passing!(state, pod, start, n, out, 0, toFind);
      if (m < toFind && start > 0) m = passing.passing!(state, pod, 0, start, out, m, toFind);
      this.found = m;
      if (m === toFind) return stopsAt(out[toFind - 1]!, start, n);
      return m === 0 ? -1 : n;
    }
    let m = 0;
    // The scan order from start: [start, n), then [0, start).
    let seg = 0;
    let from = start;
    let to = n;
    let done = false;
    while (!done && m < toFind) {
      // As in all(), each chunk is filtered where its passing nodes go.
      const cand = this.windowAt(m);
      let count = 0;
      while (count < CHUNK) {
        count = passing.passing!(state, pod, from, to, cand, count, CHUNK);
        if (count === CHUNK) {
          from = cand[count - 1]! + 1;
          break;
        }
        if (seg === 0 && start > 0) {
          seg = 1;
          from = 0;
          to = start;
          continue;
        }
        done = true;
        break;
      }
      count = this.filterChunk(pod, na, cand, count, passing);
      const need = toFind - m;
      if (count >= need) {
        this.found = toFind;
        return stopsAt(cand[need - 1]!, start, n);
      }
      m += count;
    }
    this.found = m;
    return m === 0 ? -1 : n;
  }

  /** Throws unless byIndex's answer (evaluated, and the found nodes) is all()'s (checkScans). */
  check(pod: Pod, na: number, start: number, toFind: number, n: number, evaluated: number, m: number): void {
    const got = Array.from(this.feasibleIdx.subarray(0, m));
    const all = this.all(pod, na, start, toFind, n);
    const scanned = Array.from(this.feasibleIdx.subarray(0, this.found));
    if (all !== evaluated || scanned.length !== got.length || scanned.some((x, i) => x !== got[i]))
      throw new Error(
        `bug: the index scan for pod ${pod.name} found nodes ${String(got)} (${evaluated} evaluated), filtering every node ${String(scanned)} (${all})`,
      );
  }
}

/** Nodes evaluated by a scan from `start` (over n nodes, wrapping round) that stops at node `idx`. */
function stopsAt(idx: number, start: number, n: number): number {
  return ((idx - start + n) % n) + 1;
}

/** The batch form of filtering for a plugin that filters one node at a time. */
function filterEach(
  p: Plugin,
  state: CycleState,
  pod: Pod,
  nodes: readonly Node[],
  cand: Int32Array,
  count: number,
  status: (Status | null)[],
): number {
  const filter = p.filter!;
  let out = 0;
  for (let j = 0; j < count; j++) {
    const idx = cand[j]!;
    const st = filter.call(p, state, pod, nodes[idx]!);
    if (st === null) cand[out++] = idx;
    else status[idx] = st;
  }
  return out;
}
