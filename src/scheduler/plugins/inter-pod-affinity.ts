// InterPodAffinity: pkg/scheduler/framework/plugins/interpodaffinity/{plugin,filtering,scoring}.go (v1.36).
// Filter: the pod's required affinity (every term satisfied in the node's domain), its required anti-affinity,
// and the required anti-affinity of bound pods against it (symmetry). Score: preferred terms of the pod and of
// bound pods, plus bound pods' required affinity weighted by hardPodAffinityWeight, summed per topology domain.
// Bound pods carrying terms are tracked from watch events, grouped by template, so a pod without terms in a
// cluster without such pods costs O(1) (upstream keeps the same lists: HavePodsWithAffinityList,
// HavePodsWithRequiredAntiAffinityList). Namespace selectors are not modelled: a term names its namespaces.
import type { Node } from '../../model/node.js';
import { podMatches, type Pod, type PodAffinityTerm, type PodTemplate } from '../../model/pod.js';
import { Code, MAX_NODE_SCORE, SKIP, status, type Handle, type Plugin } from '../framework.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
// filtering.go ErrReasonAffinityRulesNotMatch, ErrReasonAntiAffinityRulesNotMatch, ErrReasonExistingAntiAffinityRulesNotMatch.
const AFFINITY_NOT_MATCH = status(Code.UnschedulableAndUnresolvable, "node(s) didn't match pod affinity rules", INTER_POD_AFFINITY);
const ANTI_AFFINITY_NOT_MATCH = status(Code.Unschedulable, "node(s) didn't match pod anti-affinity rules", INTER_POD_AFFINITY);
const EXISTING_ANTI_AFFINITY = status(Code.Unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules", INTER_POD_AFFINITY);
const FILTER_KEY = 'PreFilterInterPodAffinity';
const SCORE_KEY = 'PreScoreInterPodAffinity';

export interface InterPodAffinityArgs {
  /** apis/config/v1/defaults.go: 1. */
  hardPodAffinityWeight?: number;
  /** apis/config/v1/defaults.go: false. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** Topology key -> domain value -> count or weight (filtering.go topologyToMatchedTermCount, scoring.go scoreMap). */
type TopologyCounts = Map<string, Map<string, number>>;

interface FilterState {
  /** The pod matches all its own required affinity terms (for the first pod of a group). */
  readonly selfMatch: boolean;
  readonly existingAnti: TopologyCounts;
  readonly affinity: TopologyCounts;
  readonly anti: TopologyCounts;
}

/** A term's namespaces; an empty list means the namespace of the pod that carries the term. */
class TermNamespaces {
  private readonly own = new Map<string, readonly string[]>();
  of(t: PodAffinityTerm, owner: Pod): readonly string[] {
    if (t.namespaces.length > 0) return t.namespaces;
    let l = this.own.get(owner.namespace);
    if (!l) this.own.set(owner.namespace, (l = [owner.namespace]));
    return l;
  }
}

/** Adds d at (key, the node's value of key), if the node has the key. */
function add(m: TopologyCounts, key: string, node: Node, d: number): void {
  const v = node.labels.get(key);
  if (v === undefined) return;
  let byValue = m.get(key);
  if (!byValue) m.set(key, (byValue = new Map()));
  byValue.set(v, (byValue.get(v) ?? 0) + d);
}

function get(m: TopologyCounts, key: string, v: string): number {
  return m.get(key)?.get(v) ?? 0;
}

function hasTerms(t: PodTemplate): boolean {
  return t.podAffinity.length + t.podAntiAffinity.length + t.preferredPodAffinity.length + t.preferredPodAntiAffinity.length > 0;
}

/** Bound pods grouped by template, kept from watch events. */
class PodsByTemplate {
  readonly groups = new Map<PodTemplate, Set<Pod>>();
  add(p: Pod): void {
    let s = this.groups.get(p.template);
    if (!s) this.groups.set(p.template, (s = new Set()));
    s.add(p);
  }
  delete(p: Pod): void {
    const s = this.groups.get(p.template);
    if (s?.delete(p) && s.size === 0) this.groups.delete(p.template);
  }
}

export function interPodAffinity(args: InterPodAffinityArgs, handle: Handle): Plugin {
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  const ignoreExisting = args.ignorePreferredTermsOfExistingPods ?? false;
  const cluster = handle.cluster;
  /** nodeInfo.PodsWithAffinity and PodsWithRequiredAntiAffinity, over all nodes. */
  const withAffinity = new PodsByTemplate();
  const withRequiredAnti = new PodsByTemplate();
  const track = (p: Pod, on: boolean) => {
    if (!hasTerms(p.template)) return;
    if (on) withAffinity.add(p);
    else withAffinity.delete(p);
    if (p.template.podAntiAffinity.length === 0) return;
    if (on) withRequiredAnti.add(p);
    else withRequiredAnti.delete(p);
  };
  for (const n of cluster.nodes) for (const p of n.pods) track(p, true);
  cluster.watch('index', {
    PodBound: (ev) => track(ev.pod, true),
    PodDeleted: (ev) => {
      if (ev.node) track(ev.pod, false);
    },
    PodFinished: (ev) => {
      if (ev.node) track(ev.pod, false);
    },
  });
  const live = (n: Node | null): n is Node => n !== null && n.removedAt < 0;
  const ns = new TermNamespaces();
  /** framework.AffinityTerm.Matches: the target is in one of the term's namespaces and its labels match. */
  const termMatches = (t: PodAffinityTerm, owner: Pod, target: Pod) => podMatches(t.selector, ns.of(t, owner), target);
  /** filtering.go podMatchesAllAffinityTerms: false for no terms. */
  const matchesAll = (terms: readonly PodAffinityTerm[], owner: Pod, target: Pod) => {
    if (terms.length === 0) return false;
    for (const t of terms) if (!termMatches(t, owner, target)) return false;
    return true;
  };

  return {
    name: INTER_POD_AFFINITY,
    events: ['PodBound', 'PodDeleted', 'PodFinished', 'NodeAdded', 'NodeTaintsChanged', 'NodeUnschedulableChanged'],

    // filtering.go PreFilter, getExistingAntiAffinityCounts, getIncomingAffinityAntiAffinityCounts.
    preFilter(state, pod) {
      const t = pod.template;
      const own = t.podAffinity.length > 0 || t.podAntiAffinity.length > 0;
      if (!own && withRequiredAnti.groups.size === 0) return SKIP;
      const existingAnti: TopologyCounts = new Map();
      for (const [et, pods] of withRequiredAnti.groups) {
        // Whether a term matches the incoming pod depends on the existing pod's template only.
        const first = pods.values().next().value!;
        for (const term of et.podAntiAffinity) {
          if (!termMatches(term, first, pod)) continue;
          for (const e of pods) if (live(e.node)) add(existingAnti, term.topologyKey, e.node, 1);
        }
      }
      if (existingAnti.size === 0 && !own) return SKIP;
      const affinity: TopologyCounts = new Map();
      const anti: TopologyCounts = new Map();
      if (own) {
        for (const n of cluster.nodes) {
          if (!live(n)) continue;
          for (const e of n.pods) {
            if (matchesAll(t.podAffinity, pod, e)) for (const term of t.podAffinity) add(affinity, term.topologyKey, n, 1);
            for (const term of t.podAntiAffinity) if (termMatches(term, pod, e)) add(anti, term.topologyKey, n, 1);
          }
        }
      }
      state.write(FILTER_KEY, { selfMatch: matchesAll(t.podAffinity, pod, pod), existingAnti, affinity, anti } satisfies FilterState);
      return null;
    },

    // filtering.go Filter: satisfyPodAffinity, satisfyPodAntiAffinity, satisfyExistingPodsAntiAffinity.
    filter(state, pod, node) {
      const s = state.read<FilterState>(FILTER_KEY);
      if (!s) return null;
      const t = pod.template;
      let podsExist = true;
      for (const term of t.podAffinity) {
        const v = node.labels.get(term.topologyKey);
        // All topology labels must exist on the node.
        if (v === undefined) return AFFINITY_NOT_MATCH;
        if (get(s.affinity, term.topologyKey, v) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself: allowed when no pod anywhere matches the terms.
      if (!podsExist && !(s.affinity.size === 0 && s.selfMatch)) return AFFINITY_NOT_MATCH;
      if (s.anti.size > 0) {
        for (const term of t.podAntiAffinity) {
          const v = node.labels.get(term.topologyKey);
          if (v !== undefined && get(s.anti, term.topologyKey, v) > 0) return ANTI_AFFINITY_NOT_MATCH;
        }
      }
      for (const [key, byValue] of s.existingAnti) {
        const v = node.labels.get(key);
        if (v !== undefined && (byValue.get(v) ?? 0) > 0) return EXISTING_ANTI_AFFINITY;
      }
      return null;
    },

    // scoring.go PreScore and processExistingPod.
    preScore(state, pod, _index, n) {
      if (n === 0) return SKIP;
      const t = pod.template;
      const hasConstraints = t.preferredPodAffinity.length > 0 || t.preferredPodAntiAffinity.length > 0;
      if (!hasConstraints && (ignoreExisting || withAffinity.groups.size === 0)) return SKIP;
      const scores: TopologyCounts = new Map();
      const process = (e: Pod, node: Node) => {
        if (node.labels.size === 0) return;
        for (const term of t.preferredPodAffinity) if (termMatches(term, pod, e)) add(scores, term.topologyKey, node, term.weight);
        for (const term of t.preferredPodAntiAffinity) if (termMatches(term, pod, e)) add(scores, term.topologyKey, node, -term.weight);
        const et = e.template;
        if (hardWeight > 0)
          for (const term of et.podAffinity) if (termMatches(term, e, pod)) add(scores, term.topologyKey, node, hardWeight);
        for (const term of et.preferredPodAffinity) if (termMatches(term, e, pod)) add(scores, term.topologyKey, node, term.weight);
        for (const term of et.preferredPodAntiAffinity) if (termMatches(term, e, pod)) add(scores, term.topologyKey, node, -term.weight);
      };
      if (hasConstraints) {
        for (const node of cluster.nodes) if (live(node)) for (const e of node.pods) process(e, node);
      } else {
        // Unless the pod has preferred terms, only bound pods with terms can contribute.
        for (const pods of withAffinity.groups.values()) for (const e of pods) if (live(e.node)) process(e, e.node);
      }
      // Nothing matched anywhere: every node would score alike.
      if (scores.size === 0) return SKIP;
      state.write(SCORE_KEY, scores);
      return null;
    },

    // scoring.go Score: the sums of the domains the node belongs to.
    score(state, _pod, node) {
      const scores = state.read<TopologyCounts>(SCORE_KEY);
      if (!scores) return 0;
      let s = 0;
      for (const [key, byValue] of scores) {
        const v = node.labels.get(key);
        if (v !== undefined) s += byValue.get(v) ?? 0;
      }
      return s;
    },

    // scoring.go NormalizeScore: MaxNodeScore * (s - min) / (max - min), truncated; all equal gives 0.
    normalizeScore(state, _pod, scores, n) {
      if (!state.read<TopologyCounts>(SCORE_KEY)) return;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        if (scores[i]! > max) max = scores[i]!;
        if (scores[i]! < min) min = scores[i]!;
      }
      const diff = max - min;
      for (let i = 0; i < n; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    },
  };
}
