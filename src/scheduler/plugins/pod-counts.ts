// Incremental counts of bound pods that match a (namespace, label selector), per node and per topology
// domain, for PodTopologySpread. Upstream recounts them from its snapshot in every cycle
// (podtopologyspread/filtering.go calPreFilterState, scoring.go PreScore, common.go countPodsMatchSelector);
// here an index is built on first use by scanning the bound pods once and is then kept from watch events
// (DESIGN rule 3), giving the same numbers. A pod stops counting when it begins terminating (upstream's DeletionTimestamp bypass), a node when it is removed.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import { ChangeLog } from './change-log.js';
import { DomainCounts, TopologyKey, type KeySet } from './topology-domains.js';
import { podMatches, type Pod, type PodTemplate } from '../../model/pod.js';
import type { LabelSelector } from '../../model/selectors.js';
import { grown } from '../../model/arrays.js';

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
  sum(group: readonly number[]): number {
    let s = 0;
    for (let i = 0; i < group.length; i++) s += this.count(group[i]!);
    return s;
  }

  addOnNode(nodeIndex: number, d: number): void {
    this.perNode = grown(this.perNode, nodeIndex);
    this.perNode[nodeIndex]! += d;
    const entry = d > 0 ? nodeIndex + 1 : -(nodeIndex + 1);
    for (let k = d > 0 ? d : -d; k > 0; k--) this.changes.push(entry);
  }

  /**
   * The changes to the per-node counts, one pod at a time: node index + 1 for a pod more, -(index + 1) for one less.
   * Kept only once a reader asks (ChangeLog.keep).
   */
  readonly changes = new ChangeLog(false);
}

/** Per pod template: the indexes that count its pods (of the first `seen` made), and how many of its pods count. */
interface TemplateCounts {
  seen: number;
  list: SelectorIndex[];
  pods: number;
}

function guardKey(namespace: string, key: string, value: string): string {
  return `${namespace}\n${key}\n${value}`;
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
  private readonly keys = new Map<string, TopologyKey>();
  private readonly keySets = new Map<string, KeySet>();
  private readonly gone = new Set<Node>();
  private readonly byTemplate = new WeakMap<PodTemplate, TemplateCounts>();
  /**
   * Templates with pods that count (bound, not terminating), each with one of its pods (for matching): a new
   * index that matches none of them starts empty, without a scan of the bound pods.
   */
  private readonly counting = new Map<PodTemplate, Pod>();
  /** The indexes in the order they were made (they are never dropped): a template's list is brought up to date from where it stopped. */
  private readonly indexList: SelectorIndex[] = [];
  /** Bumped whenever a node is added or removed (for caches of node groups). */
  get nodesVersion(): number {
    return this.nodeChanges.version;
  }
  /** Bumped whenever a node's taints change (node groups of constraints with nodeTaintsPolicy Honor depend on them). */
  taintsVersion = 0;

  private constructor(readonly cluster: ClusterState) {
    for (const n of cluster.nodes) for (const p of n.pods) if (!p.terminating) this.count(this.entry(p), p, 1);
    cluster.watch('index', {
      // (Only a what-if puts a terminating pod back on its node.)
      PodBound: (ev) => {
        if (!ev.pod.terminating) this.podChange(ev.pod, ev.node, 1, ev.whatIf === true);
      },
      // common.go countPodsMatchSelector bypasses terminating pods: a pod stops counting when its
      // graceful deletion begins, not when its object goes.
      PodTerminating: (ev) => {
        if (ev.node) this.podChange(ev.pod, ev.node, -1, false);
      },
      PodDeleted: (ev) => this.onPodEnd(ev.pod, ev.node, ev.whatIf === true),
      PodFinished: (ev) => this.onPodEnd(ev.pod, ev.node, false),
      NodeAdded: (ev) => {
        this.settle();
        this.onNode(ev.node, 1);
      },
      NodeRemoved: (ev) => {
        this.settle();
        if (!this.gone.has(ev.node)) this.onNode(ev.node, -1);
        // A hypothetical node (which has no pods left) leaves cluster.nodes altogether: its index may be taken again.
        if (ev.whatIf) this.gone.delete(ev.node);
      },
      NodeTaintsChanged: () => this.taintsVersion++,
    });
  }

  private onPodEnd(pod: Pod, node: Node | null, whatIf: boolean): void {
    if (node && !pod.terminating) this.podChange(pod, node, -1, whatIf);
  }

  /**
   * What-if changes of bound pods not applied yet, oldest first (pod, node, +1 or -1). A what-if mostly undoes what it
   * did before anyone reads the counts (the cluster autoscaler moves a node's pods elsewhere and back to ask whether the
   * node could go; preemption removes victims and puts them back): a change that undoes the latest pending one drops
   * it, and the rest is applied, in order, before the counts are read (settle). Readers call settle() first:
   * PodTopologySpread where it reads counts, and this class where it reads pods or makes indexes.
   */
  private readonly pendingPods: Pod[] = [];
  private readonly pendingNodes: Node[] = [];
  private readonly pendingD: number[] = [];

  /** Tests turn this off: what-if changes then apply at once (the counts must come out the same). */
  static deferWhatIf = true;

  private podChange(pod: Pod, node: Node, d: number, whatIf: boolean): void {
    if (!whatIf || !PodCounts.deferWhatIf) {
      this.settle();
      this.onPod(pod, node, d);
      return;
    }
    const n = this.pendingPods.length - 1;
    if (n >= 0 && this.pendingPods[n] === pod && this.pendingNodes[n] === node && this.pendingD[n] === -d) {
      this.pendingPods.pop();
      this.pendingNodes.pop();
      this.pendingD.pop();
      return;
    }
    this.pendingPods.push(pod);
    this.pendingNodes.push(node);
    this.pendingD.push(d);
  }

  /** Applies the pending what-if changes: call before reading any count. */
  settle(): void {
    const n = this.pendingPods.length;
    if (n === 0) return;
    for (let i = 0; i < n; i++) this.onPod(this.pendingPods[i]!, this.pendingNodes[i]!, this.pendingD[i]!);
    this.pendingPods.length = 0;
    this.pendingNodes.length = 0;
    this.pendingD.length = 0;
  }

  /** The template's entry, its list of indexes up to date (pods of one template match alike). */
  private entry(pod: Pod): TemplateCounts {
    let c = this.byTemplate.get(pod.template);
    if (!c) this.byTemplate.set(pod.template, (c = { seen: 0, list: [], pods: 0 }));
    const all = this.indexList;
    if (all.length - c.seen <= 8) {
      for (; c.seen < all.length; c.seen++) {
        const ix = all[c.seen]!;
        if (podMatches(ix.selector, ix.namespaces, pod)) c.list.push(ix);
      }
      return c;
    }
    // Many indexes to catch up with (a new template): only those whose guard the pod's labels meet can match.
    const from = c.seen;
    const candidates: number[] = [];
    for (const at of this.unguarded) if (at >= from) candidates.push(at);
    for (const [k, v] of pod.labels) {
      const guarded = this.guarded.get(guardKey(pod.namespace, k, v));
      if (guarded) for (const at of guarded) if (at >= from) candidates.push(at);
    }
    candidates.sort((a, b) => a - b);
    for (const at of candidates) {
      const ix = all[at]!;
      if (podMatches(ix.selector, ix.namespaces, pod)) c.list.push(ix);
    }
    c.seen = all.length;
    return c;
  }

  /**
   * The indexes (their positions in indexList) by guard: one requirement `key In (value)` of the selector, which a pod
   * must meet (with the namespace) to match; those without such a requirement are unguarded.
   */
  private readonly guarded = new Map<string, number[]>();
  private readonly unguarded: number[] = [];

  /** The pod starts (d = 1) or stops (d = -1) counting. */
  private count(c: TemplateCounts, pod: Pod, d: number): void {
    c.pods += d;
    if (c.pods === 0) {
      this.counting.delete(pod.template);
      this.countLabels(pod, -1);
    } else if (d > 0 && c.pods === 1) {
      this.counting.set(pod.template, pod);
      this.countLabels(pod, 1);
    }
  }

  /** Per (namespace, label key, value) as guardKey: how many templates in `counting` have that label. */
  private readonly countingLabels = new Map<string, number>();

  private countLabels(pod: Pod, d: number): void {
    for (const [k, v] of pod.labels) {
      const g = guardKey(pod.namespace, k, v);
      const n = (this.countingLabels.get(g) ?? 0) + d;
      if (n === 0) this.countingLabels.delete(g);
      else this.countingLabels.set(g, n);
    }
  }

  private onPod(pod: Pod, node: Node, d: number): void {
    const c = this.entry(pod);
    this.count(c, pod, d);
    const list = c.list;
    const live = !this.gone.has(node);
    for (const ix of list) {
      ix.addOnNode(node.index, d);
      if (live) for (const dc of ix.byKey.values()) dc.add(dc.topo.id(node), d);
    }
  }

  /** The node changes (nodesVersion is their version): index + 1 for a node added, -(index + 1) for one removed. */
  private readonly nodeChanges = new ChangeLog(true);

  private onNode(node: Node, d: 1 | -1): void {
    this.nodeChanges.push(d > 0 ? node.index + 1 : -(node.index + 1));
    if (d < 0) {
      // The node's pods stop counting in every domain, then the domains it alone held vanish.
      for (const ix of this.indexes.values()) {
        const c = ix.count(node.index);
        if (c !== 0) for (const dc of ix.byKey.values()) dc.add(dc.topo.id(node), -c);
      }
      this.gone.add(node);
    }
    for (const topo of this.keys.values()) topo.onNode(node, d);
    for (const ks of this.keySets.values()) if (ks.keys.every((k) => node.labels.has(k))) ks.count += d;
  }

  presentCount(): number {
    this.settle();
    return this.cluster.nodes.length - this.gone.size;
  }

  private present(): Node[] {
    return this.cluster.nodes.filter((n) => !this.gone.has(n));
  }

  /** The domains of a topology key over the present nodes. */
  key(key: string): TopologyKey {
    this.settle();
    let topo = this.keys.get(key);
    if (!topo) {
      topo = new TopologyKey(key);
      for (const n of this.present()) topo.onNode(n, 1);
      this.keys.set(key, topo);
    }
    return topo;
  }

  /** The index of (namespace, selector), built by one scan of the bound pods (if any it matches) when first asked for. */
  index(namespace: string, selector: LabelSelector): SelectorIndex {
    const id = `${namespace}\n${selector.key}`;
    this.settle();
    let ix = this.indexes.get(id);
    if (!ix) {
      ix = new SelectorIndex(namespace, selector);
      const guard = selector.requirements.find((r) => r.operator === 'In' && r.values.length === 1);
      // A pod that counts can match only if its template has the guard's label: most new selectors (a new
      // workload's) have no such template yet, and the templates that count are not matched one by one.
      const g = guard ? guardKey(namespace, guard.key, guard.values[0]!) : '';
      let any = false;
      if (!guard || this.countingLabels.has(g))
        for (const p of this.counting.values()) if ((any = podMatches(selector, ix.namespaces, p))) break;
      if (any) {
        // Pods of one template share its labels and namespace: match each template once.
        const matches = new Map<object, boolean>();
        for (const n of this.cluster.nodes)
          for (const p of n.pods) {
            if (p.terminating) continue;
            let m = matches.get(p.template);
            if (m === undefined) matches.set(p.template, (m = podMatches(selector, ix.namespaces, p)));
            if (m) ix.addOnNode(n.index, 1);
          }
      }
      this.indexes.set(id, ix);
      if (guard) {
        const list = this.guarded.get(g);
        if (list) list.push(this.indexList.length);
        else this.guarded.set(g, [this.indexList.length]);
      } else this.unguarded.push(this.indexList.length);
      this.indexList.push(ix);
    }
    return ix;
  }

  /** Per-domain sums of an index over every present node, for one topology key. */
  domains(ix: SelectorIndex, key: string): DomainCounts {
    this.settle();
    let dc = ix.byKey.get(key);
    if (!dc) {
      const topo = this.key(key);
      dc = new DomainCounts(topo);
      for (let i = 0; i < topo.values.length; i++) if (topo.live(i)) dc.addDomain(i);
      // (By index over the nodes: made once per selector and key, for every node of a large cluster.)
      const nodes = this.cluster.nodes;
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]!;
        if (!this.gone.has(n) && ix.count(i) !== 0) dc.add(topo.id(n), ix.count(i));
      }
      topo.counts.push(dc);
      ix.byKey.set(key, dc);
    }
    return dc;
  }

  /** Whether every present node that has one of the keys has all of them (then per-key sums are exact). */
  consistent(keys: readonly string[]): boolean {
    return this.consistentSet(this.keySet(keys));
  }

  /** The key set of `keys` for consistentSet, made once; null when they are all one key (always consistent). */
  keySet(keys: readonly string[]): KeySet | null {
    if (keys.every((k) => k === keys[0])) return null;
    const id = keys.join('\n');
    let ks = this.keySets.get(id);
    if (!ks) {
      const count = this.present().filter((n) => keys.every((k) => n.labels.has(k))).length;
      this.keySets.set(id, (ks = { keys, topos: keys.map((k) => this.key(k)), count }));
    }
    return ks;
  }

  /** consistent() of a key set made before (no string or array made per call). */
  consistentSet(ks: KeySet | null): boolean {
    if (ks === null) return true;
    for (let i = 0; i < ks.topos.length; i++) if (ks.topos[i]!.withKey !== ks.count) return false;
    return true;
  }

  /** Present nodes passing include, grouped by domain id (nodes without the key go to missingId, if given). */
  groups(topo: TopologyKey, include: (n: Node) => boolean, missingId = -1): number[][] {
    const lists: number[][] = topo.values.map(() => []);
    const nodes = this.cluster.nodes;
    for (let j = 0; j < nodes.length; j++) {
      const n = nodes[j]!;
      if (this.gone.has(n)) continue;
      const i = topo.id(n) < 0 ? missingId : topo.id(n);
      if (i >= 0 && include(n)) lists[i]!.push(n.index);
    }
    return lists;
  }

  /**
   * Brings groups made by groups() (in any order within a domain) from nodesVersion `from` to now; false when the
   * changes since then are no longer kept (make them afresh).
   */
  updateGroups(lists: number[][], from: number, topo: TopologyKey, include: (n: Node) => boolean, missingId: number): boolean {
    if (from < this.nodeChanges.start) return false;
    const nodes = this.cluster.nodes;
    for (let v = from; v < this.nodesVersion; v++) {
      const e = this.nodeChanges.at(v);
      if (e < 0) {
        // Removed (or a hypothetical node dropped): out of whichever domain holds it.
        const index = -e - 1;
        for (const l of lists) {
          const at = l.lastIndexOf(index);
          if (at >= 0) {
            l.splice(at, 1);
            break;
          }
        }
        continue;
      }
      // Added: the node now at that index, if it is still there (a later change removes it otherwise).
      const n = nodes[e - 1];
      if (n === undefined || this.gone.has(n)) continue;
      const i = topo.id(n) < 0 ? missingId : topo.id(n);
      if (i < 0 || !include(n)) continue;
      while (lists.length <= i) lists.push([]);
      lists[i]!.push(n.index);
    }
    return true;
  }
}
