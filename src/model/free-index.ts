// Free resources of every node in a segment tree, so "on which nodes would requests r not fit, and for
// which resources?" is answered by whole ranges of nodes at once instead of node by node. The scheduler
// asks it when NodeResourcesFit is the only filter that runs for a pod (see Scheduler.schedule): in a
// cluster too small for its load, most attempts fail on every node, and this counts the nodes by failing
// resources in the time a handful of nodes take to filter. Answers are exact: a node's free amount is
// computed as NodeResourcesFit computes it (allocatable - requested), and a range is counted wholesale
// only when every node in it gives the same answer.
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

  mark(index: number): void {
    if (!this.on) return;
    if (index >= this.flags.length) {
      const f = new Uint8Array(Math.max(index + 1, this.flags.length * 2));
      f.set(this.flags);
      this.flags = f;
    }
    if (this.flags[index]) return;
    this.flags[index] = 1;
    this.list.push(index);
  }

  clear(): void {
    for (const i of this.list) this.flags[i] = 0;
    this.list.length = 0;
  }
}

/** Ranges this short are read leaf by leaf. */
const LEAF_BLOCK = 8;

/** The bit NodeResourcesFit's failure masks give resource i (bit 0 is "unresolvable"). */
export function resourceBit(i: number): number {
  return i < 29 ? 1 << (i + 1) : 2 ** (i + 1);
}

/**
 * Per tree node k (1 = root, leaves from `size`), per resource d: the maximum and minimum over its nodes
 * of the free amount and of the allocatable, at t[(k * stride + d) * 4 + 0..3] (one tree node's figures
 * side by side). A node that left the cluster, and a leaf past the last node, holds -Infinity everywhere:
 * it looks full and too small for any request, and is taken off at the end.
 */
export class FreeIndex {
  private size = 0;
  private t = new Float64Array(0);
  /** Scratch for count(): failure masks and how many nodes give each. */
  private readonly at = new Map<number, number>();
  private req: Float64Array = new Float64Array(0);
  private want: Int32Array = new Int32Array(0);
  private bits: number[] = [];
  private fitFound = false;

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
      this.t = new Float64Array(2 * size * this.columns.stride * 4);
    }
    for (let j = 0; j < size; j++) this.setLeaf(j);
    for (let k = size - 1; k >= 1; k--) this.pull(k);
    this.changes.clear();
  }

  private setLeaf(j: number): void {
    const s = this.columns.stride;
    const t = this.t;
    const node = j < this.nodes.length ? this.nodes[j]! : null;
    const live = node !== null && node.removedAt < 0;
    const { alloc, used } = this.columns;
    let o = (this.size + j) * s * 4;
    for (let d = 0; d < s; d++, o += 4) {
      if (live) {
        const a = alloc[j * s + d]!;
        // Exactly NodeResourcesFit's arithmetic: a request r fits when r <= alloc - used.
        const f = a - used[j * s + d]!;
        t[o] = t[o + 1] = f;
        t[o + 2] = t[o + 3] = a;
      } else {
        t[o] = t[o + 1] = t[o + 2] = t[o + 3] = -Infinity;
      }
    }
  }

  private pull(k: number): void {
    const w = this.columns.stride * 4;
    const t = this.t;
    const o = k * w;
    const l = 2 * k * w;
    const r = l + w;
    for (let x = 0; x < w; x += 4) {
      t[o + x] = Math.max(t[l + x]!, t[r + x]!);
      t[o + x + 1] = Math.min(t[l + x + 1]!, t[r + x + 1]!);
      t[o + x + 2] = Math.max(t[l + x + 2]!, t[r + x + 2]!);
      t[o + x + 3] = Math.min(t[l + x + 3]!, t[r + x + 3]!);
    }
  }

  /** Brings the tree up to date with the nodes marked changed. */
  private refresh(): void {
    const list = this.changes.list;
    if (this.nodes.length > this.size || list.length * 16 > this.size) {
      this.rebuild();
      return;
    }
    for (const j of list) {
      this.setLeaf(j);
      for (let k = (this.size + j) >> 1; k >= 1; k >>= 1) this.pull(k);
    }
    this.changes.clear();
  }

  /**
   * Counts the live nodes by the failure mask NodeResourcesFit gives requests `req` there: bit PODS + 1
   * when the node holds its maximum pod count, bit i + 1 (resourceBit) for each resource i in `want`
   * (those requested, pods aside) that does not fit, bit 0 when one of those exceeds the node's whole
   * allocatable. Fills `out` (mask -> nodes; 0 = fits) and returns false, or returns true as soon as
   * some node fits (then `out` is incomplete).
   */
  count(req: Float64Array, want: Int32Array, live: number, out: Map<number, number>): boolean {
    this.refresh();
    this.req = req;
    this.want = want;
    const bits = this.bits;
    bits.length = want.length;
    // Leaves that are no live node all fall under the mask of a node where nothing fits at all.
    let all = resourceBit(PODS);
    for (let w = 0; w < want.length; w++) all += bits[w] = resourceBit(want[w]!);
    if (want.length > 0) all += 1;
    this.fitFound = false;
    const at = this.at;
    at.clear();
    this.lastMask = -1;
    this.visit(1, this.size);
    this.add(-2, 0);
    if (this.fitFound) return true;
    const dead = this.size - live;
    out.clear();
    for (const [mask, n] of at) {
      const c = mask === all ? n - dead : n;
      if (c > 0) out.set(mask, c);
    }
    return false;
  }

  private visit(k: number, span: number): void {
    const mask = this.classify(k);
    if (mask >= 0) {
      if (mask === 0) this.fitFound = true;
      else this.add(mask, span);
      return;
    }
    if (span <= LEAF_BLOCK) {
      // A short range: its leaves one by one, without descending.
      const end = k * span + span;
      for (let leaf = k * span; leaf < end; leaf++) {
        const m = this.classify(leaf);
        if (m === 0) {
          this.fitFound = true;
          return;
        }
        this.add(m, 1);
      }
      return;
    }
    this.visit(2 * k, span >> 1);
    if (!this.fitFound) this.visit(2 * k + 1, span >> 1);
  }

  private lastMask = -1;
  private lastCount = 0;

  /** at[mask] += n, with runs of one mask added at once. */
  private add(mask: number, n: number): void {
    if (mask === this.lastMask) {
      this.lastCount += n;
      return;
    }
    if (this.lastMask >= 0) this.at.set(this.lastMask, (this.at.get(this.lastMask) ?? 0) + this.lastCount);
    this.lastMask = mask;
    this.lastCount = n;
  }

  /** The failure mask every node under k gives, or -1 when they differ. */
  private classify(k: number): number {
    const t = this.t;
    const base = k * this.columns.stride * 4;
    const po = base + PODS * 4;
    let mask = 0;
    let unresolvable = 0;
    // fit.go: the pod count first (a pod needs one slot).
    if (t[po]! < 1) mask += resourceBit(PODS);
    else if (t[po + 1]! < 1) return -1;
    const want = this.want;
    const req = this.req;
    for (let x = 0; x < want.length; x++) {
      const i = want[x]!;
      const r = req[i]!;
      const o = base + i * 4;
      if (t[o]! < r) {
        mask += this.bits[x]!;
        if (t[o + 2]! < r) unresolvable = 1;
        else if (t[o + 3]! < r && unresolvable === 0) return -1;
      } else if (t[o + 1]! < r) return -1;
    }
    return mask + unresolvable;
  }
}
