// PodTopologySpread's node groups: for a constraint whose node inclusion policies restrict the nodes counted
// (common.go matchNodeInclusionPolicies), its eligible nodes by domain, and the matching pods summed per domain of
// them. Upstream recounts both over every node each cycle; here the groups follow the nodes added and removed (a
// node's labels never change) and are made afresh when taints change under nodeTaintsPolicy Honor, and the sums
// follow the selector index's changes. Groups are shared by the constraints that include the same nodes.
import type { Node } from '../../model/node.js';
import type { PodTemplate, TopologySpreadConstraint } from '../../model/pod.js';
import { matchNodeSelectorTerms, tolerated } from '../../model/selectors.js';
import type { PodCounts, SelectorIndex } from './pod-counts.js';
import type { DomainCounts, KeySet, TopologyKey } from './topology-domains.js';

/** A constraint as the plugin uses it (common.go topologySpreadConstraint), with its index and domains. */
export interface Constraint {
  readonly c: TopologySpreadConstraint;
  readonly hostname: boolean;
  readonly topo: TopologyKey;
  /** Pods matching the selector with matchLabelKeys merged in; null for a selector without requirements,
   * which counts no pods (common.go countPodsMatchSelector). */
  readonly ix: SelectorIndex | null;
  /** The index's sums per domain of topo, made on first use. */
  dc: DomainCounts | null;
  readonly selfMatch: number;
  /** common.go matchNodeInclusionPolicies restricts the nodes counted: Honor with a nodeSelector/affinity, or taints Honor. */
  readonly restricted: boolean;
}

export interface Compiled {
  readonly hard: Constraint[];
  readonly soft: Constraint[];
  /** scoring.go PreScore requireAllTopologies: false only for system-defaulted constraints. */
  readonly requireAll: boolean;
  /** For one nodesVersion: whether the index's per-domain sums are the counts; for it and one taintsVersion, the node groups otherwise. */
  version: number;
  taintsVersion: number;
  hardFast: boolean;
  softFast: boolean;
  /** The topology keys of the hard and of the soft constraints, for PodCounts.consistentSet. */
  readonly hardKeys: KeySet | null;
  readonly softKeys: KeySet | null;
  /** Per restricted constraint, for filtering (hard) or scoring: the key of its node groups (groupsKey). */
  readonly groupKeys: Map<Constraint, string>;
}

/**
 * A restricted constraint's eligible nodes by domain id (any order within one), what decides them, and the
 * nodesVersion and taintsVersion they are up to date with. Shared by the templates whose constraints include the
 * same nodes (the replicas of a Job generator, a Deployment's revisions).
 */
export interface NodeGroups {
  readonly lists: number[][];
  readonly include: (n: Node) => boolean;
  readonly missingId: number;
  readonly topo: TopologyKey;
  readonly taints: boolean;
  version: number;
  taintsVersion: number;
  /** Each node's domain (-1: in none), made on first use and again (in the same array) once the lists change. */
  domainOf: Int32Array | null;
  domainOfStale: boolean;
  /** While the lists stay as they are: per index, its pods summed per domain, and the index's version they are at. */
  readonly sums: Map<SelectorIndex, { sums: Int32Array; version: number }>;
}

/**
 * Tests set these: every node group kept up to date from the node changes is checked against groups made afresh,
 * and every per-domain sum kept up to date from an index's changes against a sum made afresh.
 */
export const topologySpreadChecks = { groups: false, sums: false };

export function hasAll(n: Node, ks: readonly Constraint[]): boolean {
  return hasAllAt(n.index, ks);
}

/** hasAll for the node of index `ni`. */
export function hasAllAt(ni: number, ks: readonly Constraint[]): boolean {
  for (const k of ks) if (k.topo.idAt(ni) < 0) return false;
  return true;
}

/**
 * What decides a constraint's node groups, as text: its key, the keys a node must have (with needAll), the domain of
 * nodes without the key, its inclusion policies, and what they read of the template (node selector and required
 * affinity; tolerations with nodeTaintsPolicy Honor).
 */
function groupsKey(t: PodTemplate, k: Constraint, needAll: readonly Constraint[] | null, missingId: number): string {
  const c = k.c;
  return JSON.stringify([
    c.topologyKey,
    needAll ? needAll.map((x) => x.c.topologyKey) : null,
    missingId,
    c.nodeAffinityPolicy,
    c.nodeTaintsPolicy,
    c.nodeAffinityPolicy === 'Honor' ? [[...t.nodeSelector].sort(), t.requiredNodeAffinity] : null,
    c.nodeTaintsPolicy === 'Honor' ? t.tolerations : null,
  ]);
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required node affinity. */
function matchesRequired(t: PodTemplate, n: Node): boolean {
  for (const [k, v] of t.nodeSelector) if (n.labels.get(k) !== v) return false;
  return t.requiredNodeAffinity === null || matchNodeSelectorTerms(t.requiredNodeAffinity, n.name, n.labels);
}

/** common.go matchNodeInclusionPolicies. */
function included(c: TopologySpreadConstraint, t: PodTemplate, n: Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !matchesRequired(t, n)) return false;
  if (c.nodeTaintsPolicy !== 'Honor') return true;
  // helper.DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints must be tolerated.
  for (const x of n.taints) if (x.effect !== 'PreferNoSchedule' && !tolerated(t.tolerations, x)) return false;
  return true;
}

/** The node groups of the restricted constraints, and their per-domain sums. */
export class SpreadNodeGroups {
  /** Node groups by the inclusion they stand for (groupsKey). */
  private readonly shared = new Map<string, NodeGroups>();

  constructor(private readonly counts: PodCounts) {}

  /**
   * Eligible nodes of a restricted constraint, by domain id: kept up to date with the nodes added and removed (a
   * node's labels do not change), made afresh when taints change if nodeTaintsPolicy is Honor.
   */
  of(cp: Compiled, t: PodTemplate, k: Constraint, hard: boolean, emptyId: number): NodeGroups {
    const counts = this.counts;
    const all = hard ? cp.hard : cp.soft;
    // filtering.go: nodes need every key; scoring.go: only with requireAllTopologies, else '' is a domain.
    const needAll = hard || cp.requireAll;
    const missingId = needAll ? -1 : emptyId;
    let key = cp.groupKeys.get(k);
    if (key === undefined) cp.groupKeys.set(k, (key = groupsKey(t, k, needAll ? all : null, missingId)));
    let g = this.shared.get(key);
    if (g && g.taints && g.taintsVersion !== counts.taintsVersion) g = undefined;
    if (g && g.version !== counts.nodesVersion) {
      if (!counts.updateGroups(g.lists, g.version, g.topo, g.include, g.missingId)) g = undefined;
      else {
        g.version = counts.nodesVersion;
        g.domainOfStale = true;
        g.sums.clear();
        if (topologySpreadChecks.groups) this.check(g);
      }
    }
    if (!g) {
      const include = (n: Node) => (!needAll || hasAll(n, all)) && included(k.c, t, n);
      g = {
        lists: counts.groups(k.topo, include, missingId),
        include,
        missingId,
        topo: k.topo,
        taints: k.c.nodeTaintsPolicy === 'Honor',
        version: counts.nodesVersion,
        taintsVersion: counts.taintsVersion,
        domainOf: null,
        domainOfStale: true,
        sums: new Map(),
      };
      this.shared.set(key, g);
    }
    return g;
  }

  /**
   * The index's pods summed per domain of the groups (upstream counts them over every eligible node each cycle):
   * kept per (groups, index) while the groups stay, brought up to date from the index's changes since.
   */
  sums(g: NodeGroups, ix: SelectorIndex): Int32Array {
    let e = g.sums.get(ix);
    const changes = ix.changes;
    if (e && e.version >= changes.start) {
      if (e.version !== changes.version) {
        if (g.domainOfStale) {
          g.domainOf = domainsOf(g.lists, g.domainOf);
          g.domainOfStale = false;
        }
        const domainOf = g.domainOf!;
        const sums = e.sums;
        for (let v = e.version; v < changes.version; v++) {
          const c = changes.at(v);
          const n = c > 0 ? c - 1 : -c - 1;
          const d = n < domainOf.length ? domainOf[n]! : -1;
          if (d >= 0) sums[d]! += c > 0 ? 1 : -1;
        }
        e.version = changes.version;
      }
    } else {
      const sums = new Int32Array(g.lists.length);
      for (let d = 0; d < g.lists.length; d++) sums[d] = ix.sum(g.lists[d]!);
      changes.keep();
      g.sums.set(ix, (e = { sums, version: changes.version }));
    }
    if (topologySpreadChecks.sums)
      g.lists.forEach((l, d) => {
        if (e.sums[d] !== ix.sum(l)) throw new Error(`bug: PodTopologySpread kept ${e.sums[d]} pods in domain ${d}, counted ${ix.sum(l)}`);
      });
    return e.sums;
  }

  /** Throws unless groups kept up to date hold the nodes groups made afresh hold (topologySpreadChecks). */
  private check(g: NodeGroups): void {
    const fresh = this.counts.groups(g.topo, g.include, g.missingId);
    const norm = (ls: readonly (readonly number[])[]) => {
      const out = ls.map((l) => [...l].sort((a, b) => a - b));
      while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
      return JSON.stringify(out);
    };
    if (norm(g.lists) !== norm(fresh))
      throw new Error(`bug: node groups of ${g.topo.key} kept ${norm(g.lists)}, made afresh ${norm(fresh)}`);
  }
}

/** Each node's domain in the groups (-1: none), written into `into` when it is large enough. */
function domainsOf(lists: readonly (readonly number[])[], into: Int32Array | null): Int32Array {
  let size = 0;
  for (const l of lists) for (const n of l) if (n >= size) size = n + 1;
  const out = into !== null && into.length >= size ? into.fill(-1) : new Int32Array(size + (size >> 3)).fill(-1);
  lists.forEach((l, d) => {
    for (const n of l) out[n] = d;
  });
  return out;
}
