// Incremental counts of bound pods that match a (namespace, label selector), per node and per topology
// domain, for PodTopologySpread. Upstream recounts them from its snapshot in every cycle
// (podtopologyspread/filtering.go calPreFilterState, scoring.go PreScore, common.go countPodsMatchSelector);
// here an index is built on first use by scanning the bound pods once and is then kept from watch events
// (DESIGN rule 3), giving the same numbers. Bound pods are never terminating in this model (a deleted pod
// leaves its node at once), so upstream's DeletionTimestamp bypass has nothing to skip.
// A node counts until it is removed: removal is signalled by setting node.removedAt and emitting NodeChanged.
import type { ClusterEvent, ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import { podMatches, type Pod, type PodTemplate } from '../../model/pod.js';
import type { LabelSelector } from '../../model/selectors.js';

/** Matching pods per domain (label value) of one topology key; the minimum over domains is kept by a histogram. */
export class DomainCounts {
  /** Domain value -> matching pods; every value held by a present node is a domain, even with 0 pods. */
  readonly sums = new Map<string, number>();
  /** Matching pods on present nodes that lack the key. */
  missing = 0;
  /** The smallest sum over the domains (0 when there are none). */
  min = 0;
  private hist = new Int32Array(16);

  private bump(c: number, d: number): void {
    if (c >= this.hist.length) {
      const h = new Int32Array(Math.max(c + 1, this.hist.length * 2));
      h.set(this.hist);
      this.hist = h;
    }
    this.hist[c]! += d;
  }

  private raiseMin(): void {
    while (this.hist[this.min] === 0) this.min++;
  }

  addDomain(v: string): void {
    if (this.sums.has(v)) return;
    this.sums.set(v, 0);
    this.bump(0, 1);
    this.min = 0;
  }

  removeDomain(v: string): void {
    const c = this.sums.get(v);
    if (c === undefined) return;
    this.sums.delete(v);
    this.bump(c, -1);
    if (this.sums.size === 0) this.min = 0;
    else if (c === this.min) this.raiseMin();
  }

  /** Adds d pods to the domain v (undefined: a node without the key). */
  add(v: string | undefined, d: number): void {
    if (v === undefined) {
      this.missing += d;
      return;
    }
    const c = this.sums.get(v);
    if (c === undefined) throw new Error(`bug: pod counted in unknown domain ${v}`);
    const n = c + d;
    this.sums.set(v, n);
    this.bump(c, -1);
    this.bump(n, 1);
    if (n < this.min) this.min = n;
    else if (c === this.min) this.raiseMin();
  }
}

/** The bound pods of one namespace that match one selector. */
export class SelectorIndex {
  perNode = new Int32Array(0);
  /** Topology key -> per-domain sums, created on first use. */
  readonly byKey = new Map<string, DomainCounts>();
  readonly namespaces: readonly string[];

  constructor(
    readonly namespace: string,
    readonly selector: LabelSelector,
  ) {
    this.namespaces = [namespace];
  }

  count(nodeIndex: number): number {
    return nodeIndex < this.perNode.length ? this.perNode[nodeIndex]! : 0;
  }

  /** Sum of the per-node counts over a group of node indices. */
  sum(group: Int32Array): number {
    let s = 0;
    for (let i = 0; i < group.length; i++) s += this.count(group[i]!);
    return s;
  }

  addOnNode(nodeIndex: number, d: number): void {
    if (nodeIndex >= this.perNode.length) {
      const a = new Int32Array(Math.max(nodeIndex + 1, this.perNode.length * 2));
      a.set(this.perNode);
      this.perNode = a;
    }
    this.perNode[nodeIndex]! += d;
  }
}

/** Nodes grouped by their value of a key: index maps a value to its position in nodes. */
export interface Groups {
  readonly index: ReadonlyMap<string, number>;
  readonly nodes: readonly Int32Array[];
}

interface KeyDomains {
  /** Value -> number of present nodes holding it. */
  readonly nodes: Map<string, number>;
  withKey: number;
  readonly counts: DomainCounts[];
}

export class PodCounts {
  private static readonly shared = new WeakMap<ClusterState, PodCounts>();
  /** One set of indexes per cluster, shared by every plugin instance that asks. */
  static of(cluster: ClusterState): PodCounts {
    let p = PodCounts.shared.get(cluster);
    if (!p) PodCounts.shared.set(cluster, (p = new PodCounts(cluster)));
    return p;
  }

  private readonly indexes = new Map<string, SelectorIndex>();
  private readonly keys = new Map<string, KeyDomains>();
  private readonly keySets = new Map<string, { keys: readonly string[]; count: number }>();
  private readonly gone = new Set<Node>();
  private readonly byTemplate = new WeakMap<PodTemplate, { version: number; list: SelectorIndex[] }>();
  private indexVersion = 0;
  /** Bumped whenever a node is added or removed (for caches of node groups). */
  nodesVersion = 0;

  private constructor(readonly cluster: ClusterState) {
    cluster.watch((ev) => this.onEvent(ev));
  }

  present(n: Node): boolean {
    return !this.gone.has(n);
  }

  private onEvent(ev: ClusterEvent): void {
    const { pod, node } = ev;
    if (ev.type === 'PodBound' && pod && node) this.onPod(pod, node, 1);
    else if ((ev.type === 'PodDeleted' || ev.type === 'PodFinished') && pod && node) this.onPod(pod, node, -1);
    else if (ev.type === 'NodeAdded' && node) this.onNode(node, 1);
    else if (ev.type === 'NodeChanged' && node && node.removedAt >= 0 && !this.gone.has(node)) this.onNode(node, -1);
  }

  /** Indexes that count pods of this template (cached per template; pods of one template match alike). */
  private matching(pod: Pod): SelectorIndex[] {
    const c = this.byTemplate.get(pod.template);
    if (c && c.version === this.indexVersion) return c.list;
    const list: SelectorIndex[] = [];
    for (const ix of this.indexes.values()) if (podMatches(ix.selector, ix.namespaces, pod)) list.push(ix);
    this.byTemplate.set(pod.template, { version: this.indexVersion, list });
    return list;
  }

  private onPod(pod: Pod, node: Node, d: number): void {
    const list = this.matching(pod);
    const live = !this.gone.has(node);
    for (const ix of list) {
      ix.addOnNode(node.index, d);
      if (live) for (const [k, dc] of ix.byKey) dc.add(node.labels.get(k), d);
    }
  }

  private onNode(node: Node, d: 1 | -1): void {
    this.nodesVersion++;
    if (d < 0) {
      this.gone.add(node);
      // The node's pods stop counting in every domain, then the domains it alone held disappear.
      for (const ix of this.indexes.values()) {
        const c = ix.count(node.index);
        if (c !== 0) for (const [k, dc] of ix.byKey) dc.add(node.labels.get(k), -c);
      }
    }
    for (const [k, kd] of this.keys) {
      const v = node.labels.get(k);
      if (v === undefined) continue;
      kd.withKey += d;
      const c = (kd.nodes.get(v) ?? 0) + d;
      if (c === 0) kd.nodes.delete(v);
      else kd.nodes.set(v, c);
      if (d > 0 && c === 1) for (const dc of kd.counts) dc.addDomain(v);
      if (d < 0 && c === 0) for (const dc of kd.counts) dc.removeDomain(v);
    }
    for (const ks of this.keySets.values()) if (ks.keys.every((k) => node.labels.has(k))) ks.count += d;
  }

  private keyDomains(key: string): KeyDomains {
    let kd = this.keys.get(key);
    if (!kd) {
      kd = { nodes: new Map(), withKey: 0, counts: [] };
      for (const n of this.cluster.nodes) {
        const v = n.labels.get(key);
        if (v === undefined || this.gone.has(n)) continue;
        kd.withKey++;
        kd.nodes.set(v, (kd.nodes.get(v) ?? 0) + 1);
      }
      this.keys.set(key, kd);
    }
    return kd;
  }

  /** The index of (namespace, selector), built by one scan of the bound pods when first asked for. */
  index(namespace: string, selector: LabelSelector): SelectorIndex {
    const id = `${namespace}\n${selector.key}`;
    let ix = this.indexes.get(id);
    if (!ix) {
      ix = new SelectorIndex(namespace, selector);
      for (const n of this.cluster.nodes) for (const p of n.pods) if (podMatches(selector, ix.namespaces, p)) ix.addOnNode(n.index, 1);
      this.indexes.set(id, ix);
      this.indexVersion++;
    }
    return ix;
  }

  /** Per-domain sums of an index over every present node, for one topology key. */
  domains(ix: SelectorIndex, key: string): DomainCounts {
    let dc = ix.byKey.get(key);
    if (!dc) {
      dc = new DomainCounts();
      const kd = this.keyDomains(key);
      for (const v of kd.nodes.keys()) dc.addDomain(v);
      for (const n of this.cluster.nodes) {
        const c = ix.count(n.index);
        if (c !== 0 && !this.gone.has(n)) dc.add(n.labels.get(key), c);
      }
      kd.counts.push(dc);
      ix.byKey.set(key, dc);
    }
    return dc;
  }

  /** Whether every present node that has one of the keys has all of them (then per-key sums are exact). */
  consistent(keys: readonly string[]): boolean {
    let distinct = false;
    for (const k of keys) if (k !== keys[0]) distinct = true;
    if (!distinct) return true;
    const id = keys.join('\n');
    let ks = this.keySets.get(id);
    if (!ks) {
      let count = 0;
      for (const n of this.cluster.nodes) if (!this.gone.has(n) && keys.every((k) => n.labels.has(k))) count++;
      this.keySets.set(id, (ks = { keys, count }));
    }
    for (const k of keys) if (this.keyDomains(k).withKey !== ks.count) return false;
    return true;
  }

  /** Present nodes passing include, grouped by their value of key (missing: the value for nodes without it). */
  groups(key: string, include: (n: Node) => boolean, missing?: string): Groups {
    const index = new Map<string, number>();
    const lists: number[][] = [];
    for (const n of this.cluster.nodes) {
      if (this.gone.has(n) || !include(n)) continue;
      const v = n.labels.get(key) ?? missing;
      if (v === undefined) continue;
      let i = index.get(v);
      if (i === undefined) index.set(v, (i = lists.push([]) - 1));
      lists[i]!.push(n.index);
    }
    return { index, nodes: lists.map((l) => Int32Array.from(l)) };
  }
}
