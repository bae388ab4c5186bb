// The topology domains of the nodes, for PodTopologySpread's counts (pod-counts.ts): per topology key, the
// domain of each node (its value of the key, numbered once), and per (key, selector) the matching pods per
// domain with their minimum, kept as nodes come and go and pods bind and leave. Upstream works these out from
// its snapshot in every cycle (podtopologyspread/filtering.go calPreFilterState: TpPairToMatchNum, and the
// minimum per key in TpKeyToCriticalPaths); the numbers are the same.
import type { Node } from '../../model/node.js';
import { grown } from '../../model/arrays.js';

/** Topology keys whose present nodes with all of them are counted (kept as nodes come and go). */
export interface KeySet {
  readonly keys: readonly string[];
  readonly topos: readonly TopologyKey[];
  count: number;
}

/** The domains of one topology key: each value a present node holds, numbered once (ids are never reused). */
export class TopologyKey {
  /** Node index -> domain id; -1 when the node lacks the key or is gone. */
  ids = new Int32Array(0);
  readonly values: string[] = [];
  private readonly idOf = new Map<string, number>();
  private nodeCount: number[] = [];
  /** Present nodes with the key, and domains held by at least one present node. */
  withKey = 0;
  size = 0;
  readonly counts: DomainCounts[] = [];

  constructor(readonly key: string) {}

  id(n: Node): number {
    return this.idAt(n.index);
  }

  /** The domain of the node of index ni (-1: none). */
  idAt(ni: number): number {
    return ni < this.ids.length ? this.ids[ni]! : -1;
  }

  /** The id of a value, numbering it if new; a value no node holds is not a domain. */
  intern(v: string): number {
    let i = this.idOf.get(v);
    if (i === undefined) {
      i = this.values.push(v) - 1;
      this.idOf.set(v, i);
      this.nodeCount.push(0);
    }
    return i;
  }

  find(v: string): number {
    return this.idOf.get(v) ?? -1;
  }

  /** A node appears (d = 1) or goes (d = -1); domains that appear or vanish are passed on to the counts. */
  onNode(n: Node, d: 1 | -1): void {
    const v = n.labels.get(this.key);
    if (v === undefined) return;
    const i = this.intern(v);
    this.ids = grown(this.ids, n.index, -1);
    this.ids[n.index] = d > 0 ? i : -1;
    this.withKey += d;
    const c = (this.nodeCount[i]! += d);
    if (d > 0 && c === 1) {
      this.size++;
      for (const dc of this.counts) dc.addDomain(i);
    } else if (d < 0 && c === 0) {
      this.size--;
      for (const dc of this.counts) dc.removeDomain(i);
    }
  }

  live(i: number): boolean {
    return this.nodeCount[i]! > 0;
  }
}

/** Matching pods per domain of one key; the minimum over domains (0 when there are none) is kept by a histogram. */
export class DomainCounts {
  private sums = new Int32Array(0);
  /** Matching pods on present nodes that lack the key. */
  missing = 0;
  min = 0;
  private hist = new Int32Array(16);

  constructor(readonly topo: TopologyKey) {}

  get(i: number): number {
    return i >= 0 && i < this.sums.length ? this.sums[i]! : 0;
  }

  private bump(c: number, d: number): void {
    this.hist = grown(this.hist, c);
    this.hist[c]! += d;
  }

  private raiseMin(): void {
    while (this.hist[this.min] === 0) this.min++;
  }

  /** A domain with no pods yet appears. */
  addDomain(i: number): void {
    this.sums = grown(this.sums, i);
    this.bump(this.sums[i]!, 1);
    this.min = 0;
  }

  /** A domain whose nodes all went (their pods were subtracted first) disappears. */
  removeDomain(i: number): void {
    const c = this.get(i);
    this.bump(c, -1);
    if (this.topo.size === 0) this.min = 0;
    else if (c === this.min) this.raiseMin();
  }

  /** Adds d pods to domain i (-1: a node without the key). */
  add(i: number, d: number): void {
    if (i < 0) {
      this.missing += d;
      return;
    }
    const c = this.sums[i]!;
    const n = c + d;
    this.sums[i] = n;
    this.bump(c, -1);
    this.bump(n, 1);
    if (n < this.min) this.min = n;
    else if (c === this.min) this.raiseMin();
  }
}
