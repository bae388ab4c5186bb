// PodTopologySpread: pkg/scheduler/framework/plugins/podtopologyspread/{plugin,common,filtering,scoring}.go (v1.36).
// Filter: for each DoNotSchedule constraint, matching pods in the node's domain + 1 if the pod matches itself
// - the global minimum over eligible domains must not exceed maxSkew. Score: for ScheduleAnyway constraints,
// matching pods in the node's domain weighted by log(domains + 2), inverted by NormalizeScore.
// Counts come from the incremental indexes of pod-counts.ts instead of a per-cycle scan of every pod.
import { HOSTNAME_LABEL, ZONE_LABEL, type Node } from '../../model/node.js';
import { podMatches, type Pod, type PodTemplate, type TopologySpreadConstraint } from '../../model/pod.js';
import { makeSelector, type LabelSelector, type Requirement } from '../../model/selectors.js';
import { Code, SKIP, status, type CycleState, type Handle, type Plugin } from '../framework.js';
import { PodCounts } from './pod-counts.js';
import type { DomainCounts } from './topology-domains.js';
import { hasAll, hasAllAt, SpreadNodeGroups, topologySpreadChecks, type Compiled, type Constraint } from './spread-groups.js';
import { INVALID_SCORE, normalized, SpreadScoreKeys, type KeyPart } from './spread-score-keys.js';

export { topologySpreadChecks };

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
// plugin.go ErrReasonConstraintsNotMatch and ErrReasonNodeLabelNotMatch.
const NOT_MATCH = status(Code.Unschedulable, "node(s) didn't match pod topology spread constraints", POD_TOPOLOGY_SPREAD);
const MISSING_LABEL = status(Code.UnschedulableAndUnresolvable, `${NOT_MATCH.reason} (missing required label)`, POD_TOPOLOGY_SPREAD);
export { INVALID_SCORE };
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
    whenUnsatisfiable: 'ScheduleAnyway',
    selector,
    minDomains: 1,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    matchLabelKeys: [],
  } as const;
  return [
    { ...base, maxSkew: 3, topologyKey: HOSTNAME_LABEL },
    { ...base, maxSkew: 5, topologyKey: ZONE_LABEL },
  ];
}

/** common.go buildDefaultConstraints, for the manifest loader: the defaults with the selector of the pod's Services,
 * ReplicaSets and StatefulSets (helper.DefaultSelector), none if it is empty. The loader stores them in the template
 * (topologySpreadDefaulted = true); the plugin reads only the template. */
export function defaultConstraints(args: PodTopologySpreadArgs, selector: LabelSelector | null): TopologySpreadConstraint[] {
  if (!selector || selector.requirements.length === 0) return [];
  if (args.defaultingType === 'System') return systemDefaultConstraints(selector);
  return (args.defaultConstraints ?? []).map((c) => ({ ...c, selector }));
}

/** Per DoNotSchedule constraint: domain counts from the index (dc) or per eligible domain (sums), and the global minimum. */
type HardCounts = { readonly dc: DomainCounts | null; readonly sums: Int32Array | null; readonly min: number };

interface SoftState {
  readonly soft: Constraint[];
  readonly requireAll: boolean;
  readonly weight: number[];
  /** Non-hostname constraints: scoreForCount of each candidate domain, by domain id. */
  readonly domainScore: (Float64Array | null)[];
}

/** PreScore's buffers for one compiled template: per soft constraint, the '' domain's id (-1: none), candidate
 * domains seen so far and their number, the most there can be; the weights and domain scores its state holds. */
interface Scoring {
  readonly emptyId: Int32Array;
  readonly sizes: Int32Array;
  readonly most: Int32Array;
  readonly seen: (Uint8Array | null)[];
  readonly weight: number[];
  readonly domainScore: (Float64Array | null)[];
  readonly state: SoftState;
}

/** KEP-3243: since v1.34 kube-apiserver merges `key In (pod's value)` for each matchLabelKeys key the pod has into
 * the selector (pkg/api/pod/util.go); done here once per template, a no-op if the loader merged them already. */
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
  const nodeGroups = new SpreadNodeGroups(counts);
  const compiledByTemplate = new WeakMap<PodTemplate, Compiled>();

  const none: Compiled = {
    hard: [],
    soft: [],
    requireAll: true,
    version: -1,
    taintsVersion: -1,
    hardFast: true,
    softFast: true,
    hardKeys: null,
    softKeys: null,
    groupKeys: new Map(),
  };
  // PreFilter and PreScore of one cycle compile the same template: the last answer is kept at hand.
  let lastTemplate: PodTemplate | null = null;
  let lastCompiled = none;

  function compile(pod: Pod): Compiled {
    const t = pod.template;
    // Most pods have no constraints, and batch pods a template each: nothing to cache for them.
    if (t.topologySpread.length === 0) return none;
    let cp = t === lastTemplate ? lastCompiled : compiledByTemplate.get(t);
    if (!cp) {
      const hard: Constraint[] = [];
      const soft: Constraint[] = [];
      const nodeAffinity = t.nodeSelector.size > 0 || t.requiredNodeAffinity !== null;
      for (const c of t.topologySpread) {
        const selector = mergeMatchLabelKeys(c, pod);
        (c.whenUnsatisfiable === 'DoNotSchedule' ? hard : soft).push({
          c,
          hostname: c.topologyKey === HOSTNAME_LABEL,
          topo: counts.key(c.topologyKey),
          ix: selector.requirements.length === 0 ? null : counts.index(t.namespace, selector),
          dc: null,
          selfMatch: podMatches(selector, [t.namespace], pod) ? 1 : 0,
          restricted: (c.nodeAffinityPolicy === 'Honor' && nodeAffinity) || c.nodeTaintsPolicy === 'Honor',
        });
      }
      const requireAll = !t.topologySpreadDefaulted || args.defaultingType !== 'System';
      const keysOf = (ks: Constraint[]) => counts.keySet(ks.map((k) => k.c.topologyKey));
      cp = {
        hard,
        soft,
        requireAll,
        version: -1,
        taintsVersion: -1,
        hardFast: false,
        softFast: false,
        hardKeys: keysOf(hard),
        softKeys: keysOf(soft),
        groupKeys: new Map(),
      };
      compiledByTemplate.set(t, cp);
    }
    lastTemplate = t;
    lastCompiled = cp;
    if (cp.version !== counts.nodesVersion) {
      cp.version = counts.nodesVersion;
      // filtering.go counts only nodes with every key; scoring.go too when requireAllTopologies. When nodes with
      // one key have all of them and no policy restricts the nodes, the index's per-key sums are exactly those counts.
      cp.hardFast = cp.hard.every((k) => !k.restricted) && counts.consistentSet(cp.hardKeys);
      cp.softFast = cp.soft.every((k) => !k.restricted) && (!cp.requireAll || counts.consistentSet(cp.softKeys));
    }
    return cp;
  }

  const dcOf = (k: Constraint): DomainCounts => (k.dc ??= counts.domains(k.ix!, k.c.topologyKey));

  /** PreScore's buffers and state of each compiled template, reused from cycle to cycle (its state is read only in
   * the cycle that wrote it). */
  const scoringByCompiled = new WeakMap<Compiled, Scoring>();
  function scoringOf(cp: Compiled): Scoring {
    let sc = scoringByCompiled.get(cp);
    if (!sc) {
      const m = cp.soft.length;
      const weight = new Array<number>(m).fill(0);
      const domainScore = new Array<Float64Array | null>(m).fill(null);
      sc = {
        emptyId: new Int32Array(m),
        sizes: new Int32Array(m),
        most: new Int32Array(m),
        seen: new Array<Uint8Array | null>(m).fill(null),
        weight,
        domainScore,
        state: { soft: cp.soft, requireAll: cp.requireAll, weight, domainScore },
      };
      scoringByCompiled.set(cp, sc);
    }
    return sc;
  }

  /** addScores by lookup for two constraints (spread-score-keys.ts). */
  const keyed = new SpreadScoreKeys();
  const keyPart = (st: SoftState, i: number): KeyPart => {
    const k = st.soft[i]!;
    const ds = st.domainScore[i]!;
    return { ids: k.topo.ids, ds, per: k.ix ? k.ix.perNode : null, w: st.weight[i]!, skew: k.c.maxSkew - 1 };
  };
  /** The raw scores of addScores, before they are normalized. */
  let scratch = new Float64Array(0);
  /** addScores' normalized score of each raw score min + v, at v. */
  let normal = new Float64Array(0);

  // scoring.go Score for nodes[0..n) at once, with one state read (scoreAll, addScores).
  /** Set by scoreAllInto where it found scoreRange(out, n) as it went (rangeMin, rangeMax). */
  let rangeKnown = false;
  let rangeMin = 0;
  let rangeMax = 0;

  function scoreAllInto(state: CycleState, n: number, out: Float64Array, index: Int32Array): void {
    rangeKnown = false;
    const st = state.read<SoftState>(SCORE_KEY);
    if (!st) {
      out.fill(0, 0, n);
      return;
    }
    counts.settle();
    // Constraint by constraint over all candidates: each node's terms are still added in constraint
    // order, so every sum is the one scoreNode makes.
    const { soft, weight, domainScore } = st;
    if (soft.length === 2) {
      // Two constraints (the system defaults: hostname and zone), both terms of a node in one pass, in order. (A
      // node-by-node loop over any number of constraints measured 10-15% slower on the Deployments scheduling bench.)
      const k0 = soft[0]!;
      const k1 = soft[1]!;
      const ids0 = k0.topo.ids;
      const ids1 = k1.topo.ids;
      const ds0 = domainScore[0]!;
      const ds1 = domainScore[1]!;
      const per0 = k0.ix ? k0.ix.perNode : null;
      const per1 = k1.ix ? k1.ix.perNode : null;
      const w0 = weight[0]!;
      const w1 = weight[1]!;
      const skew0 = k0.c.maxSkew - 1;
      const skew1 = k1.c.maxSkew - 1;
      // (scoreRange's lowest and highest as it goes: no score here is INVALID_SCORE unless requireAll marks some.)
      let min = Infinity;
      let max = 0;
      for (let j = 0; j < n; j++) {
        const ni = index[j]!;
        let acc = 0;
        const id0 = ni < ids0.length ? ids0[ni]! : -1;
        if (id0 >= 0) acc += ds0 ? (id0 < ds0.length ? ds0[id0]! : 0) : (per0 !== null && ni < per0.length ? per0[ni]! : 0) * w0 + skew0;
        const id1 = ni < ids1.length ? ids1[ni]! : -1;
        if (id1 >= 0) acc += ds1 ? (id1 < ds1.length ? ds1[id1]! : 0) : (per1 !== null && ni < per1.length ? per1[ni]! : 0) * w1 + skew1;
        const r = Math.round(acc);
        out[j] = r;
        if (r < min) min = r;
        if (r > max) max = r;
      }
      if (st.requireAll) {
        for (let j = 0; j < n; j++) if (!hasAllAt(index[j]!, soft)) out[j] = INVALID_SCORE;
      } else {
        rangeKnown = true;
        rangeMin = min;
        rangeMax = max;
      }
      return;
    }
    out.fill(0, 0, n);
    for (let i = 0; i < soft.length; i++) {
      const k = soft[i]!;
      const ids = k.topo.ids;
      const ds = domainScore[i];
      if (ds) {
        for (let j = 0; j < n; j++) {
          const ni = index[j]!;
          const id = ni < ids.length ? ids[ni]! : -1;
          if (id >= 0) out[j]! += id < ds.length ? ds[id]! : 0;
        }
        continue;
      }
      const per = k.ix ? k.ix.perNode : null;
      const w = weight[i]!;
      const skew = k.c.maxSkew - 1;
      for (let j = 0; j < n; j++) {
        const ni = index[j]!;
        if (!(ni < ids.length && ids[ni]! >= 0)) continue;
        out[j]! += (per !== null && ni < per.length ? per[ni]! : 0) * w + skew;
      }
    }
    for (let j = 0; j < n; j++) out[j] = Math.round(out[j]!);
    if (st.requireAll) for (let j = 0; j < n; j++) if (!hasAllAt(index[j]!, soft)) out[j] = INVALID_SCORE;
  }

  return {
    name: POD_TOPOLOGY_SPREAD,
    events: ['PodBound', 'PodDeleted', 'PodFinished', 'NodeAdded', 'NodeRemoved', 'NodeTaintsChanged', 'NodeUnschedulableChanged'],

    // filtering.go PreFilter / calPreFilterState and minMatchNum.
    preFilter(state, pod) {
      const cp = compile(pod);
      if (cp.hard.length === 0) return SKIP;
      // (The counts are read from here on: a what-if's pending changes apply first. Compiling reads none.)
      counts.settle();
      const per = cp.hard.map((k): HardCounts => {
        // No pods counted: every domain has 0, and so has the global minimum.
        if (!k.ix) return { dc: null, sums: null, min: 0 };
        // Fewer eligible domains than minDomains makes the global minimum 0.
        if (cp.hardFast) {
          const dc = dcOf(k);
          return { dc, sums: null, min: k.topo.size < k.c.minDomains ? 0 : dc.min };
        }
        const g = nodeGroups.of(cp, pod.template, k, true, -1);
        const groups = g.lists;
        const kept = nodeGroups.sums(g, k.ix);
        const sums = new Int32Array(groups.length);
        let domains = 0;
        let min = Infinity;
        for (let d = 0; d < groups.length; d++) {
          if (groups[d]!.length === 0) continue;
          domains++;
          sums[d] = kept[d]!;
          if (sums[d]! < min) min = sums[d]!;
        }
        return { dc: null, sums, min: domains < k.c.minDomains ? 0 : min };
      });
      state.write(FILTER_KEY, { hard: cp.hard, per });
      return null;
    },

    // filtering.go Filter: matching pods in the node's domain + self-match - global minimum <= maxSkew.
    filter(state, _pod, node) {
      const st = state.read<{ hard: Constraint[]; per: HardCounts[] }>(FILTER_KEY);
      if (!st) return null;
      counts.settle();
      const { hard, per } = st;
      for (let i = 0; i < hard.length; i++) {
        const k = hard[i]!;
        const id = k.topo.id(node);
        if (id < 0) return MISSING_LABEL;
        const { dc, sums, min } = per[i]!;
        const matchNum = dc ? dc.get(id) : sums && id < sums.length ? sums[id]! : 0;
        if (matchNum + k.selfMatch - min > k.c.maxSkew) return NOT_MATCH;
      }
      return null;
    },

    // scoring.go PreScore / initPreScoreState: domains and weights from the candidates (node indices index[0..n)),
    // counts from all nodes.
    preScore(state, pod, index, n) {
      const cp = compile(pod);
      const { soft, requireAll } = cp;
      if (soft.length === 0 || handle.cluster.nodes.length === 0) return SKIP;
      counts.settle();
      const present = counts.presentCount();
      const sc = scoringOf(cp);
      const { emptyId, seen, sizes, most, weight, domainScore } = sc;
      // Per constraint: the domain '' that nodes lacking the key join when not requireAllTopologies, the
      // candidate domains seen, and the most there can be (the scan stops once nothing more can change).
      let open = 0;
      for (let i = 0; i < soft.length; i++) {
        const k = soft[i]!;
        const e = requireAll || k.hostname ? -1 : k.topo.intern('');
        emptyId[i] = e;
        sizes[i] = 0;
        most[i] = k.hostname ? 0 : k.topo.size + (e >= 0 && !k.topo.live(e) && k.topo.withKey < present ? 1 : 0);
        if (most[i]! > 0) open++;
        if (k.hostname) continue;
        const length = k.topo.values.length;
        if (seen[i]?.length === length) seen[i]!.fill(0);
        else seen[i] = new Uint8Array(length);
      }
      let noneIgnored = true;
      if (requireAll) for (let i = 0; i < soft.length; i++) if (soft[i]!.topo.withKey !== present) noneIgnored = false;
      let ignored = 0;
      for (let j = 0; j < n && !(noneIgnored && open === 0); j++) {
        const ni = index[j]!;
        if (requireAll && !hasAllAt(ni, soft)) {
          ignored++;
          continue;
        }
        for (let i = 0; i < soft.length; i++) {
          const mark = seen[i];
          if (!mark) continue;
          const id = soft[i]!.topo.idAt(ni);
          const d = id < 0 ? emptyId[i]! : id;
          if (mark[d] === 0) {
            mark[d] = 1;
            if (++sizes[i]! === most[i]) open--;
          }
        }
      }
      for (let i = 0; i < soft.length; i++) {
        const k = soft[i]!;
        // topologyNormalizingWeight: log(size + 2); for hostname, the candidate nodes that are not ignored.
        weight[i] = Math.log((k.hostname ? n - ignored : sizes[i]!) + 2);
        const mark = seen[i];
        if (!mark) continue;
        const dc = k.ix && cp.softFast ? dcOf(k) : null;
        const groups = k.ix && !cp.softFast ? nodeGroups.sums(nodeGroups.of(cp, pod.template, k, false, emptyId[i]!), k.ix) : null;
        let out = domainScore[i];
        if (out?.length === mark.length) out.fill(0);
        else out = domainScore[i] = new Float64Array(mark.length);
        for (let d = 0; d < mark.length; d++) {
          if (mark[d] === 0) continue;
          let c = 0;
          if (dc) c = dc.get(d) + (d === emptyId[i] ? dc.missing : 0);
          else if (groups && d < groups.length) c = groups[d]!;
          out[d] = c * weight[i]! + (k.c.maxSkew - 1);
        }
      }
      state.write(SCORE_KEY, sc.state);
      return null;
    },

    // scoring.go Score and scoreForCount: cnt * weight + (maxSkew - 1), summed over the node's keys, rounded.
    score(state, _pod, node) {
      const st = state.read<SoftState>(SCORE_KEY);
      counts.settle();
      return st ? scoreNode(st, node) : 0;
    },

    // The same for the candidates nodes[0..n) at once, with one state read.
    scoreAll(state, _pod, _nodes, n, out, index) {
      scoreAllInto(state, n, out, index);
    },

    // Score, NormalizeScore and the weighted sum in two passes over the candidates (the scheduler's addScores).
    // The same by key for two constraints when no node is ignored (spread-score-keys.ts).
    keyedScores(state, _pod, index, n, weight) {
      const st = state.read<SoftState>(SCORE_KEY);
      if (!st || st.requireAll || st.soft.length !== 2) return null;
      counts.settle();
      return keyed.key(keyPart(st, 0), keyPart(st, 1), index, n, weight) ? keyed : null;
    },

    // (The scheduler asks keyedScores first: addScores is its way for a cycle that cannot be keyed.)
    addScores(state, _pod, index, n, weight, totals) {
      if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
      scoreAllInto(state, n, scratch, index);
      if (!state.read<SoftState>(SCORE_KEY)) {
        for (let i = 0; i < n; i++) totals[i]! += scratch[i]! * weight;
        return;
      }
      const { min, max } = rangeKnown ? { min: rangeMin, max: rangeMax } : scoreRange(scratch, n);
      // The raw scores are whole numbers (rounded) in [min, max]: where there are fewer of those than nodes, each
      // one's normalized score is worked out once (a division each) and looked up per node.
      const span = max - min;
      if (span >= 0 && span < n) {
        if (normal.length <= span) normal = new Float64Array(Math.max(span + 1, normal.length * 2));
        for (let v = 0; v <= span; v++) normal[v] = normalized(min + v, min, max);
        for (let i = 0; i < n; i++) {
          const sc = scratch[i]!;
          if (sc !== INVALID_SCORE) totals[i]! += normal[(sc - min) | 0]! * weight;
        }
        return;
      }
      for (let i = 0; i < n; i++) totals[i]! += normalized(scratch[i]!, min, max) * weight;
    },

    // scoring.go NormalizeScore: ignored nodes 0; else MaxNodeScore * (max + min - s) / max, integer division.
    normalizeScore(state, _pod, scores, n) {
      if (!state.read<SoftState>(SCORE_KEY)) return;
      const { min, max } = scoreRange(scores, n);
      for (let i = 0; i < n; i++) scores[i] = normalized(scores[i]!, min, max);
    },
  };
}

/** The lowest and highest of scores[0..n) that are not INVALID_SCORE (Infinity and 0 when none is). */
function scoreRange(scores: Float64Array, n: number): { min: number; max: number } {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s === INVALID_SCORE) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return { min, max };
}

/** scoring.go Score for one node, from the PreScore state. */
function scoreNode(st: SoftState, node: Node): number {
  const soft = st.soft;
  if (st.requireAll && !hasAll(node, soft)) return INVALID_SCORE;
  const ni = node.index;
  let score = 0;
  for (let i = 0; i < soft.length; i++) {
    const k = soft[i]!;
    const ids = k.topo.ids;
    const id = ni < ids.length ? ids[ni]! : -1;
    if (id < 0) continue;
    const ds = st.domainScore[i];
    if (ds) score += ds[id] ?? 0;
    else score += (k.ix ? k.ix.count(ni) : 0) * st.weight[i]! + (k.c.maxSkew - 1);
  }
  // Go's math.Round and Math.round agree on the non-negative scores here.
  return Math.round(score);
}
