// PodTopologySpread: pkg/scheduler/framework/plugins/podtopologyspread/{plugin,common,filtering,scoring}.go (v1.36).
// Filter: for each DoNotSchedule constraint, matching pods in the node's domain + 1 if the pod matches itself
// - the global minimum over eligible domains must not exceed maxSkew. Score: for ScheduleAnyway constraints,
// matching pods in the node's domain weighted by log(domains + 2), inverted by NormalizeScore.
// Counts come from the incremental indexes of pod-counts.ts instead of a per-cycle scan of every pod.
import { HOSTNAME_LABEL, ZONE_LABEL, type Node } from '../../model/node.js';
import { podMatches, type Pod, type PodTemplate, type TopologySpreadConstraint } from '../../model/pod.js';
import { makeSelector, matchNodeSelectorTerms, tolerated, type LabelSelector, type Requirement } from '../../model/selectors.js';
import { Code, MAX_NODE_SCORE, SKIP, status, type Handle, type Plugin } from '../framework.js';
import { PodCounts, type DomainCounts, type Groups, type SelectorIndex } from './pod-counts.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
// plugin.go ErrReasonConstraintsNotMatch and ErrReasonNodeLabelNotMatch.
const NOT_MATCH = status(Code.Unschedulable, "node(s) didn't match pod topology spread constraints", POD_TOPOLOGY_SPREAD);
const MISSING_LABEL = status(
  Code.UnschedulableAndUnresolvable, "node(s) didn't match pod topology spread constraints (missing required label)", POD_TOPOLOGY_SPREAD,
);
/** scoring.go invalidScore: Score's answer for a node lacking a topology key; NormalizeScore makes it 0. */
export const INVALID_SCORE = -1;
const FILTER_KEY = 'PreFilterPodTopologySpread';
const SCORE_KEY = 'PreScorePodTopologySpread';

export interface PodTopologySpreadArgs {
  defaultingType: 'System' | 'List';
  /** List defaulting: constraints for pods without their own (applied by the manifest loader). */
  defaultConstraints?: readonly TopologySpreadConstraint[];
}

/** plugin.go systemDefaultConstraints: hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway. */
export function systemDefaultConstraints(selector: LabelSelector): TopologySpreadConstraint[] {
  const base = {
    whenUnsatisfiable: 'ScheduleAnyway' as const, selector, minDomains: 1,
    nodeAffinityPolicy: 'Honor' as const, nodeTaintsPolicy: 'Ignore' as const, matchLabelKeys: [],
  };
  return [{ ...base, maxSkew: 3, topologyKey: HOSTNAME_LABEL }, { ...base, maxSkew: 5, topologyKey: ZONE_LABEL }];
}

/**
 * common.go buildDefaultConstraints: the defaults with the selector of the Services, ReplicaSets and StatefulSets
 * that own the pod (helper.DefaultSelector); none when that selector is empty. The loader stores the result in
 * PodTemplate.topologySpread with topologySpreadDefaulted = true; this plugin then reads the template only.
 */
export function defaultConstraints(args: PodTopologySpreadArgs, selector: LabelSelector | null): TopologySpreadConstraint[] {
  if (!selector || selector.requirements.length === 0) return [];
  if (args.defaultingType === 'System') return systemDefaultConstraints(selector);
  return (args.defaultConstraints ?? []).map((c) => ({ ...c, selector }));
}

/** A constraint as the plugin uses it (common.go topologySpreadConstraint). */
interface Constraint {
  readonly c: TopologySpreadConstraint;
  readonly key: string;
  /** The selector with matchLabelKeys merged in (common.go filterTopologySpreadConstraints). */
  readonly selector: LabelSelector;
  /** common.go countPodsMatchSelector: a selector without requirements counts no pods. */
  readonly empty: boolean;
  readonly selfMatch: number;
  /** NodeAffinityPolicy Honor and the pod has a nodeSelector or required node affinity. */
  readonly honorAffinity: boolean;
  readonly honorTaints: boolean;
}

interface Compiled {
  readonly hard: Constraint[];
  readonly soft: Constraint[];
  readonly hardKeys: string[];
  readonly softKeys: string[];
  /** scoring.go PreScore requireAllTopologies: false only for system-defaulted constraints. */
  readonly requireAll: boolean;
  /** No constraint restricts the nodes counted: the per-key sums of the indexes apply as they are. */
  readonly hardUnrestricted: boolean;
  readonly softUnrestricted: boolean;
  /** Node groups for the restricted case, per constraint, valid for one nodesVersion. */
  groupsVersion: number;
  readonly hardGroups: (Groups | undefined)[];
  readonly softGroups: (Groups | undefined)[];
}

/** Per DoNotSchedule constraint: its domain counts (index sums, or group sums) and global minimum (filtering.go). */
interface HardCounts {
  readonly dc: DomainCounts | null;
  readonly groups: Groups | null;
  readonly sums: Int32Array | null;
  readonly min: number;
}

interface HardState {
  readonly cp: Compiled;
  readonly per: HardCounts[];
}

interface SoftState {
  readonly cp: Compiled;
  readonly ix: (SelectorIndex | null)[];
  readonly counts: Map<string, number>[];
  readonly weight: number[];
}

function hasAll(n: Node, keys: readonly string[]): boolean {
  for (const k of keys) if (!n.labels.has(k)) return false;
  return true;
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required node affinity. */
function matchesRequired(t: PodTemplate, n: Node): boolean {
  for (const [k, v] of t.nodeSelector) if (n.labels.get(k) !== v) return false;
  return t.requiredNodeAffinity === null || matchNodeSelectorTerms(t.requiredNodeAffinity, n.name, n.labels);
}

/** common.go matchNodeInclusionPolicies. */
function included(k: Constraint, t: PodTemplate, n: Node): boolean {
  if (k.honorAffinity && !matchesRequired(t, n)) return false;
  if (k.honorTaints) for (const taint of n.taints) if (taint.effect !== 'PreferNoSchedule' && !tolerated(t.tolerations, taint)) return false;
  return true;
}

function mergeMatchLabelKeys(c: TopologySpreadConstraint, pod: Pod): LabelSelector {
  const added: Requirement[] = [];
  for (const k of c.matchLabelKeys) {
    const v = pod.labels.get(k);
    const dup = c.selector.requirements.some((r) => r.key === k && r.operator === 'In' && r.values.length === 1 && r.values[0] === v);
    if (v !== undefined && !dup) added.push({ key: k, operator: 'In', values: [v] });
  }
  return added.length === 0 ? c.selector : makeSelector([...added, ...c.selector.requirements]);
}

export function podTopologySpread(args: PodTopologySpreadArgs, handle: Handle): Plugin {
  const counts = PodCounts.of(handle.cluster);
  const compiledByTemplate = new WeakMap<PodTemplate, Compiled>();

  function compile(pod: Pod): Compiled {
    const t = pod.template;
    let cp = compiledByTemplate.get(t);
    if (cp) return cp;
    const restricted = t.nodeSelector.size > 0 || t.requiredNodeAffinity !== null;
    const hard: Constraint[] = [];
    const soft: Constraint[] = [];
    for (const c of t.topologySpread) {
      const selector = mergeMatchLabelKeys(c, pod);
      const k: Constraint = {
        c, key: c.topologyKey, selector, empty: selector.requirements.length === 0,
        selfMatch: podMatches(selector, [t.namespace], pod) ? 1 : 0,
        honorAffinity: c.nodeAffinityPolicy === 'Honor' && restricted, honorTaints: c.nodeTaintsPolicy === 'Honor',
      };
      (c.whenUnsatisfiable === 'DoNotSchedule' ? hard : soft).push(k);
    }
    const unrestricted = (ks: Constraint[]) => ks.every((k) => !k.honorAffinity && !k.honorTaints);
    cp = {
      hard, soft, hardKeys: hard.map((k) => k.key), softKeys: soft.map((k) => k.key),
      requireAll: !t.topologySpreadDefaulted || args.defaultingType !== 'System',
      hardUnrestricted: unrestricted(hard), softUnrestricted: unrestricted(soft),
      groupsVersion: -1, hardGroups: [], softGroups: [],
    };
    compiledByTemplate.set(t, cp);
    return cp;
  }

  /** The eligible nodes of constraint i grouped by domain, for pods whose constraints restrict the nodes counted. */
  function groupsOf(cp: Compiled, t: PodTemplate, hardConstraint: boolean, i: number): Groups {
    if (cp.groupsVersion !== counts.nodesVersion) {
      cp.groupsVersion = counts.nodesVersion;
      cp.hardGroups.length = 0;
      cp.softGroups.length = 0;
    }
    const cache = hardConstraint ? cp.hardGroups : cp.softGroups;
    let g = cache[i];
    if (!g) {
      const k = (hardConstraint ? cp.hard : cp.soft)[i]!;
      const keys = hardConstraint ? cp.hardKeys : cp.softKeys;
      // filtering.go: every key must be present; scoring.go: only when requireAllTopologies, else '' is a domain.
      const needAll = hardConstraint || cp.requireAll;
      g = counts.groups(k.key, (n) => (!needAll || hasAll(n, keys)) && included(k, t, n), needAll ? undefined : '');
      cache[i] = g;
    }
    return g;
  }

  return {
    name: POD_TOPOLOGY_SPREAD,
    events: ['PodBound', 'PodDeleted', 'PodFinished', 'NodeAdded', 'NodeChanged'],

    // filtering.go PreFilter / calPreFilterState.
    preFilter(state, pod) {
      const cp = compile(pod);
      if (cp.hard.length === 0) return SKIP;
      const fast = cp.hardUnrestricted && counts.consistent(cp.hardKeys);
      const per: HardCounts[] = cp.hard.map((k, i) => {
        // An empty selector counts no pods: every domain has 0, so the global minimum is 0 too.
        if (k.empty) return { dc: null, groups: null, sums: null, min: 0 };
        const ix = counts.index(pod.namespace, k.selector);
        // filtering.go minMatchNum: fewer eligible domains than minDomains makes the global minimum 0.
        if (fast) {
          // Every present node with the key is eligible: the index's per-domain sums are the counts.
          const dc = counts.domains(ix, k.key);
          return { dc, groups: null, sums: null, min: dc.sums.size < k.c.minDomains ? 0 : dc.min };
        }
        const groups = groupsOf(cp, pod.template, true, i);
        const sums = Int32Array.from(groups.nodes, (g) => ix.sum(g));
        return { dc: null, groups, sums, min: sums.length < k.c.minDomains ? 0 : sums.reduce((a, b) => Math.min(a, b), Infinity) };
      });
      state.write(FILTER_KEY, { cp, per } satisfies HardState);
      return null;
    },

    // filtering.go Filter.
    filter(state, _pod, node) {
      const st = state.read<HardState>(FILTER_KEY);
      if (!st) return null;
      const hard = st.cp.hard;
      for (let i = 0; i < hard.length; i++) {
        const k = hard[i]!;
        const v = node.labels.get(k.key);
        if (v === undefined) return MISSING_LABEL;
        const { dc, groups, sums, min } = st.per[i]!;
        const d = groups?.index.get(v);
        const matchNum = dc ? (dc.sums.get(v) ?? 0) : sums && d !== undefined ? sums[d]! : 0;
        if (matchNum + k.selfMatch - min > k.c.maxSkew) return NOT_MATCH;
      }
      return null;
    },

    // scoring.go PreScore / initPreScoreState.
    preScore(state, pod, nodes) {
      const cp = compile(pod);
      if (cp.soft.length === 0 || handle.cluster.nodes.length === 0) return SKIP;
      const { soft, softKeys, requireAll } = cp;
      const fast = cp.softUnrestricted && (!requireAll || counts.consistent(softKeys));
      const domains = soft.map(() => new Set<string>());
      let ignored = 0;
      for (const n of nodes) {
        if (requireAll && !hasAll(n, softKeys)) {
          ignored++;
          continue;
        }
        for (let i = 0; i < soft.length; i++) if (soft[i]!.key !== HOSTNAME_LABEL) domains[i]!.add(n.labels.get(soft[i]!.key) ?? '');
      }
      const st: SoftState = { cp, ix: [], counts: [], weight: [] };
      soft.forEach((k, i) => {
        const ix = k.empty ? null : counts.index(pod.namespace, k.selector);
        const m = new Map<string, number>();
        if (k.key !== HOSTNAME_LABEL) {
          // Pods on every eligible node count towards the domains of the candidate nodes.
          const dc = ix && fast ? counts.domains(ix, k.key) : null;
          const g = ix && !fast ? groupsOf(cp, pod.template, false, i) : null;
          for (const v of domains[i]!) {
            let c = 0;
            if (dc) c = (dc.sums.get(v) ?? 0) + (!requireAll && v === '' ? dc.missing : 0);
            else if (g && ix) {
              const d = g.index.get(v);
              c = d === undefined ? 0 : ix.sum(g.nodes[d]!);
            }
            m.set(v, c);
          }
        }
        st.ix.push(ix);
        st.counts.push(m);
        // topologyNormalizingWeight: log(domains + 2); for hostname, the candidate nodes not ignored.
        st.weight.push(Math.log((k.key === HOSTNAME_LABEL ? nodes.length - ignored : domains[i]!.size) + 2));
      });
      state.write(SCORE_KEY, st);
      return null;
    },

    // scoring.go Score and scoreForCount: cnt * weight + (maxSkew - 1), summed and rounded.
    score(state, _pod, node) {
      const st = state.read<SoftState>(SCORE_KEY);
      if (!st) return 0;
      const soft = st.cp.soft;
      if (st.cp.requireAll && !hasAll(node, st.cp.softKeys)) return INVALID_SCORE;
      let score = 0;
      for (let i = 0; i < soft.length; i++) {
        const k = soft[i]!;
        const v = node.labels.get(k.key);
        if (v === undefined) continue;
        const ix = st.ix[i];
        const cnt = k.key === HOSTNAME_LABEL ? (ix ? ix.count(node.index) : 0) : (st.counts[i]!.get(v) ?? 0);
        score += cnt * st.weight[i]! + (k.c.maxSkew - 1);
      }
      return Math.round(score);
    },

    // scoring.go NormalizeScore: ignored nodes 0; else MaxNodeScore * (max + min - s) / max, integer division.
    normalizeScore(state, _pod, scores, n) {
      if (!state.read<SoftState>(SCORE_KEY)) return;
      let min = Infinity;
      let max = 0;
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        if (s === INVALID_SCORE) continue;
        if (s < min) min = s;
        if (s > max) max = s;
      }
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        if (s === INVALID_SCORE) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
      }
    },
  };
}
