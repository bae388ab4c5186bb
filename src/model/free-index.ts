// The nodes' free resources, indexed so that "does requests r fit on any node, and on how many nodes is
// each resource short?" is answered without reading every node. The scheduler asks it when
// NodeResourcesFit is, in effect, the only filter for a pod (see Scheduler.countedFailure): in a cluster
// too small for its load most attempts fail on every node, and the answer of filtering every node is
// then known from these counts. Answers are exact: a node's free amount is computed as NodeResourcesFit
// computes it (allocatable - requested) and compared as it compares it (request > free: short).
//
// - A segment tree over node indices holds, per range of nodes and resource, the largest and smallest free
//   amounts and the largest and smallest allocatable: "fits somewhere?" descends only into ranges where
//   every requested resource has room on some node; "which nodes fit?" skips ranges where none can and
//   lists whole a range where every node has room (the smallest free amounts suffice: the scheduler's scans
//   in a cluster with room, see Scheduler.byIndex); and "how many nodes are too small for the request
//   altogether?" takes whole ranges of one pool at once.
// - Per resource asked about, the free amounts of the live nodes kept sorted: how many nodes are short of
//   r is a binary search.
import { grown } from './arrays.js';
import { PODS } from './resources.js';
import type { Node, ResourceColumns } from './node.js';

/**
 * Nodes whose allocatable or requested resources changed, or that joined or left, since the reader last
 * looked. Marking costs a flag test until someone reads (an index that is never built costs nothing).
 */
export class NodeChanges {
  private flags = new Uint8Array(64);
  readonly list: number[] = [];
  on = false;
  /** Further readers, told of every change made outside a what-if (see also()). */
  private next: NodeChanges | null = null;
  /** Set by the cluster while a what-if is open (ClusterState.fork): its changes are undone, so further readers are not told. */
  whatIf = false;

  /** Adds a reader of its own: it is told of every change marked here from now on, but for those of what-ifs. */
  also(reader: NodeChanges): void {
    if (this.next === null) this.next = reader;
    else this.next.also(reader);
  }

  mark(index: number): void {
    if (this.next !== null && !this.whatIf) this.next.mark(index);
    if (!this.on) return;
    this.flags = grown(this.flags, index);
    if (this.flags[index]) return;
    this.flags[index] = 1;
    this.list.push(index);
  }

  clear(): void {
    for (const i of this.list) this.flags[i] = 0;
    this.list.length = 0;
  }
}

/** Numbers per tree node and resource: largest free, largest and smallest allocatable, smallest free. */
const FIELDS = 4;
const MAX_FREE = 0;
const MIN_FREE = 3;

/** Ranges this short are read node by node from the columns (a tight loop beats descending there). */
const LEAF_BLOCK = 16;

/** The free amounts of resource d on the live nodes, sorted, with each node's entry (NaN: none). */
class SortedFree {
  values: Float64Array;
  length = 0;
  of: Float64Array;

  constructor(size: number) {
    this.values = new Float64Array(size);
    this.of = new Float64Array(size).fill(NaN);
  }

  /** Entries below x. */
  below(x: number): number {
    const v = this.values;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Node j's free amount is now x (NaN: the node is gone). */
  set(j: number, x: number): void {
    const old = this.of[j]!;
    if (old === x || (old !== old && x !== x)) return;
    const v = this.values;
    if (old === old) {
      const at = this.below(old);
      v.copyWithin(at, at + 1, this.length);
      this.length--;
    }
    if (x === x) {
      const at = this.below(x);
      v.copyWithin(at + 1, at, this.length);
      v[at] = x;
      this.length++;
    }
    this.of[j] = x;
  }
}

/**
 * The tree: per tree node k (1 = root, leaves from `size`), per resource d, at t[(k * stride + d) * 4]:
 * the largest free amount, the largest allocatable, the smallest allocatable and the smallest free amount
 * over its nodes. A node that left the cluster, and a leaf past the last node, holds -Infinity: it fits
 * nothing, and counts as too small for any request (count() takes such leaves off).
 */
export class FreeIndex {
  private size = 0;
  private t = new Float64Array(0);
  /** Per leaf: 1 for a live node. */
  private live = new Uint8Array(0);
  /** Sorted free amounts of the resources asked about so far, by resource. */
  private readonly sorted: (SortedFree | undefined)[] = [];
  private req: Float64Array = new Float64Array(0);
  private want: Int32Array = new Int32Array(0);

  constructor(
    private readonly nodes: readonly Node[],
    private readonly columns: ResourceColumns,
    private readonly changes: NodeChanges,
  ) {
    changes.on = true;
    this.rebuild();
  }

  private rebuild(): void {
    let size = 64;
    while (size < this.nodes.length) size *= 2;
    if (size !== this.size) {
      this.size = size;
      this.t = new Float64Array(2 * size * this.columns.stride * FIELDS);
      this.live = new Uint8Array(size);
    }
    for (let j = 0; j < size; j++) this.setLeaf(j, false);
    for (let k = size - 1; k >= 1; k--) this.pull(k);
    for (let d = 0; d < this.sorted.length; d++) if (this.sorted[d]) this.sorted[d] = this.sortFree(d);
    this.changes.clear();
  }

  /** The live nodes' free amounts of resource d, sorted. */
  private sortFree(d: number): SortedFree {
    const s = new SortedFree(this.size);
    const { alloc, used, stride } = this.columns;
    for (let j = 0; j < this.nodes.length; j++) {
      if (!this.live[j]) continue;
      const f = alloc[j * stride + d]! - used[j * stride + d]!;
      s.of[j] = f;
      s.values[s.length++] = f;
    }
    s.values.subarray(0, s.length).sort();
    return s;
  }

  private setLeaf(j: number, sortedToo = true): void {
    const s = this.columns.stride;
    const t = this.t;
    const node = j < this.nodes.length ? this.nodes[j]! : null;
    const live = node !== null && node.removedAt < 0;
    this.live[j] = live ? 1 : 0;
    const { alloc, used } = this.columns;
    let o = (this.size + j) * s * FIELDS;
    for (let d = 0; d < s; d++, o += FIELDS) {
      if (live) {
        const a = alloc[j * s + d]!;
        // Exactly NodeResourcesFit's arithmetic: a request r fits when r <= alloc - used.
        const f = a - used[j * s + d]!;
        t[o] = t[o + 3] = f;
        t[o + 1] = t[o + 2] = a;
        if (sortedToo) this.sorted[d]?.set(j, f);
      } else {
        t[o] = t[o + 1] = t[o + 2] = t[o + 3] = -Infinity;
        if (sortedToo) this.sorted[d]?.set(j, NaN);
      }
    }
  }

  /** Recomputes tree node k from its children; returns whether any of its numbers changed. */
  private pull(k: number): boolean {
    const w = this.columns.stride * FIELDS;
    const t = this.t;
    const o = k * w;
    const l = 2 * k * w;
    const r = l + w;
    let changed = false;
    for (let x = 0; x < w; x += FIELDS) {
      const maxFree = Math.max(t[l + x]!, t[r + x]!);
      const maxAlloc = Math.max(t[l + x + 1]!, t[r + x + 1]!);
      const minAlloc = Math.min(t[l + x + 2]!, t[r + x + 2]!);
      const minFree = Math.min(t[l + x + 3]!, t[r + x + 3]!);
      if (maxFree !== t[o + x] || maxAlloc !== t[o + x + 1] || minAlloc !== t[o + x + 2] || minFree !== t[o + x + 3]) {
        t[o + x] = maxFree;
        t[o + x + 1] = maxAlloc;
        t[o + x + 2] = minAlloc;
        t[o + x + 3] = minFree;
        changed = true;
      }
    }
    return changed;
  }

  /** Brings the index up to date with the nodes marked changed. */
  private refresh(): void {
    const list = this.changes.list;
    if (list.length === 0) return;
    if (this.nodes.length > this.size || list.length * 16 > this.size) {
      this.rebuild();
      return;
    }
    for (const j of list) {
      this.setLeaf(j);
      // Ancestors of a tree node whose numbers did not change do not change either.
      for (let k = (this.size + j) >> 1; k >= 1 && this.pull(k); k >>= 1);
    }
    this.changes.clear();
  }

  /**
   * Whether requests `req` fit on some live node as NodeResourcesFit decides it: a free pod slot, and
   * room for every resource in `want` (those requested, pods aside).
   */
  fits(req: Float64Array, want: Int32Array): boolean {
    this.refresh();
    this.req = req;
    this.want = want;
    return this.fitsUnder(1, this.size);
  }

  /**
   * Whether the free amounts `field` of tree node k (MAX_FREE: some node's; MIN_FREE: every node's) have a pod
   * slot and room for each of `want`: with MAX_FREE, some node under k has a slot and some (maybe another) room
   * for each; with MIN_FREE, every node under k is live and the pod fits on it.
   */
  private roomUnder(k: number, field = MAX_FREE): boolean {
    const t = this.t;
    const base = k * this.columns.stride * FIELDS + field;
    if (t[base + PODS * FIELDS]! < 1) return false;
    const want = this.want;
    const req = this.req;
    for (let x = 0; x < want.length; x++) {
      const i = want[x]!;
      if (t[base + i * FIELDS]! < req[i]!) return false;
    }
    return true;
  }

  /** Whether `req` fits on live node j, straight from the columns as the filter reads them. */
  private fitsOn(j: number): boolean {
    if (!this.live[j]) return false;
    const { alloc, used, stride } = this.columns;
    const want = this.want;
    const req = this.req;
    const base = j * stride;
    if (used[base + PODS]! + 1 > alloc[base + PODS]!) return false;
    for (let x = 0; x < want.length; x++) {
      const i = want[x]!;
      if (req[i]! > alloc[base + i]! - used[base + i]!) return false;
    }
    return true;
  }

  private fitsUnder(k: number, span: number): boolean {
    if (!this.roomUnder(k)) return false;
    if (span === 1) return true;
    if (span <= LEAF_BLOCK) {
      for (let j = k * span - this.size, end = j + span; j < end; j++) if (this.fitsOn(j)) return true;
      return false;
    }
    return this.fitsUnder(2 * k, span >> 1) || this.fitsUnder(2 * k + 1, span >> 1);
  }

  /**
   * The live nodes in [from, to) where requests `req` fit as NodeResourcesFit decides it (a free pod slot,
   * room for every resource in `want`), in index order, into out[at..end) as far as they go; returns the position
   * after the last one written. Ranges where some resource has room on no node are skipped whole.
   */
  fitting(req: Float64Array, want: Int32Array, from: number, to: number, out: Int32Array, at: number, end: number): number {
    this.refresh();
    this.req = req;
    this.want = want;
    this.out = out;
    this.max = end;
    this.count = at;
    this.fittingUnder(1, 0, this.size, from, Math.min(to, this.nodes.length));
    return this.count;
  }

  private out: Int32Array = new Int32Array(0);
  private max = 0;
  private count = 0;

  private fittingUnder(k: number, lo: number, span: number, from: number, to: number): void {
    if (lo + span <= from || lo >= to || this.count >= this.max || !this.roomUnder(k)) return;
    if (this.roomUnder(k, MIN_FREE)) {
      // Every node here passes: the part of the range asked for, in order, as far as out goes.
      const first = Math.max(lo, from);
      const end = Math.min(lo + span, to, first + this.max - this.count);
      for (let j = first; j < end; j++) this.out[this.count++] = j;
      return;
    }
    if (span > LEAF_BLOCK) {
      const half = span >> 1;
      this.fittingUnder(2 * k, lo, half, from, to);
      this.fittingUnder(2 * k + 1, lo + half, half, from, to);
      return;
    }
    const end = Math.min(lo + span, to);
    for (let j = Math.max(lo, from); j < end && this.count < this.max; j++) if (this.fitsOn(j)) this.out[this.count++] = j;
  }

  /** Live nodes whose free amount of resource d is below x (for the pod count, x = 1: no slot left). */
  shortOf(d: number, x: number): number {
    this.refresh();
    const s = (this.sorted[d] ??= this.sortFree(d));
    return s.below(x);
  }

  /** Live nodes where some resource in `want` is requested beyond the node's whole allocatable. */
  tooSmall(req: Float64Array, want: Int32Array, live: number): number {
    if (want.length === 0) return 0;
    this.refresh();
    this.req = req;
    this.want = want;
    // Leaves that are no live node count as too small: take them off.
    return this.tooSmallUnder(1, this.size) - (this.size - live);
  }

  private tooSmallUnder(k: number, span: number): number {
    const t = this.t;
    const base = k * this.columns.stride * FIELDS;
    const want = this.want;
    const req = this.req;
    let mixed = false;
    for (let x = 0; x < want.length; x++) {
      const i = want[x]!;
      const r = req[i]!;
      if (t[base + i * FIELDS + 1]! < r) return span; // every node here is too small for i
      if (t[base + i * FIELDS + 2]! < r) mixed = true;
    }
    if (!mixed) return 0;
    return this.tooSmallUnder(2 * k, span >> 1) + this.tooSmallUnder(2 * k + 1, span >> 1);
  }
}
