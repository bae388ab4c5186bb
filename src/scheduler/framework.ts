// The scheduling framework's extension points, after kube-scheduler's pkg/scheduler/framework/interface.go:
// a plugin implements only the points it needs and answers with a Status instead of throwing.
import type { ClusterState } from '../model/cluster-state.js';
import type { ClusterEventType } from '../model/events.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { Rng } from '../engine/rng.js';

/** framework.MaxNodeScore */
export const MAX_NODE_SCORE = 100;

export const enum Code {
  Success = 0,
  /** The pod does not fit now; preemption may help. */
  Unschedulable = 1,
  /** No preemption on this node can help (affinity, taints, node name). */
  UnschedulableAndUnresolvable = 2,
  /** PreFilter/PreScore: the plugin has nothing to do for this pod; its Filter/Score are skipped. */
  Skip = 3,
  Error = 4,
}

export interface Status {
  readonly code: Code;
  readonly reason: string;
  /** Name of the plugin that answered. */
  plugin: string;
  /** Several reasons at once (NodeResourcesFit reports every failing resource); `reason` joins them. */
  reasons?: readonly string[];
}

export function status(code: Code, reason: string, plugin = ''): Status {
  return { code, reason, plugin };
}

export const SKIP: Status = Object.freeze({ code: Code.Skip, reason: 'skip', plugin: '' });

/**
 * Per-cycle scratch space, after framework.CycleState: plugins keep PreFilter/PreScore results here.
 * A reset forgets every value by moving to the next cycle; slots stay (holding the last value until
 * overwritten), so a cycle allocates nothing here once its keys have been seen.
 */
export class CycleState {
  private readonly slots = new Map<string, { cycle: number; value: unknown }>();
  private cycle = 0;

  read<T>(key: string): T | undefined {
    const s = this.slots.get(key);
    return s !== undefined && s.cycle === this.cycle ? (s.value as T) : undefined;
  }

  write(key: string, value: unknown): void {
    const s = this.slots.get(key);
    if (s === undefined) this.slots.set(key, { cycle: this.cycle, value });
    else {
      s.cycle = this.cycle;
      s.value = value;
    }
  }

  reset(): void {
    this.cycle++;
  }
}

/** What a plugin may read: the cluster (never write it), and the scheduler's random stream. */
export interface Handle {
  readonly cluster: ClusterState;
  readonly rng: Rng;
}

/** What a filter would have said about every live node, counted (Plugin.countFailures). */
export interface FailureCounts {
  /** Reason -> nodes giving it (a node failing for two reasons counts under both), reasons with no node left out. */
  reasons: Map<string, number>;
  /** Nodes rejected as Unschedulable rather than UnschedulableAndUnresolvable. */
  potential: number;
}

export interface Plugin {
  readonly name: string;
  /**
   * Cluster events that can make a pod this plugin rejected schedulable: the plugin's EventsToRegister
   * (v1.36, queueing hints on) in the model's vocabulary. Pod Delete is PodDeleted and PodFinished (the
   * scheduler's cache drops terminal pods); Node UpdateNodeTaint is NodeTaintsChanged and
   * NodeUnschedulableChanged (the scheduler files a spec.unschedulable change as a taint update); Node
   * Delete is NodeRemoved. The hints' finer per-event checks are not modelled (docs/MODEL.md).
   */
  readonly events?: readonly ClusterEventType[];
  preFilter?(state: CycleState, pod: Pod): Status | null;
  /**
   * PreFilterResult: when PreFilter passed, the names of the only nodes the pod may fit (null: every node).
   * Nodes not named are not filtered at all (schedule_one.go findNodesThatFitPod).
   */
  preFilterNodes?(pod: Pod): readonly string[] | null;
  filter?(state: CycleState, pod: Pod, node: Node): Status | null;
  /**
   * Optional batch form of filter: keeps, in order, the node indices cand[0..count) that pass, records
   * the status of each that fails in status[index], and returns how many passed.
   */
  filterBatch?(state: CycleState, pod: Pod, nodes: readonly Node[], cand: Int32Array, count: number, status: (Status | null)[]): number;
  /**
   * Optional, for a filter that is in effect the only one this cycle (see Scheduler.countedFailure): when
   * the pod passes on no live node, fills `out` with what filtering every live node would have found and
   * returns false; returns true when some live node may pass.
   */
  countFailures?(state: CycleState, pod: Pod, out: FailureCounts): boolean;
  /**
   * Optional: the live nodes in [from, to) that filter would pass, in index order, into out[at..end) as far as
   * they go (returns the position after the last one written), found without reading every node (an index).
   */
  passing?(state: CycleState, pod: Pod, from: number, to: number, out: Int32Array, at: number, end: number): number;
  /** Filter passes every node outside ClusterState.restrictedNodes (tainted NoSchedule or NoExecute, or cordoned). */
  readonly rejectsRestrictedOnly?: boolean;
  /**
   * index[0..n) are the feasible nodes' indices in ClusterState.nodes (the array may be longer): by index, so that a
   * cycle whose plugins skip or score by index reads no node's object.
   */
  preScore?(state: CycleState, pod: Pod, index: Int32Array, n: number): Status | null;
  score?(state: CycleState, pod: Pod, node: Node): number;
  /**
   * Optional batch form of score: fills out[i] for nodes[0..n); one call per cycle instead of one per
   * node. index[i] is nodes[i].index, so plugins can read the cluster's resource columns directly.
   */
  scoreAll?(state: CycleState, pod: Pod, nodes: readonly Node[], n: number, out: Float64Array, index: Int32Array): void;
  /**
   * Optional: adds weight × its score of the node of index index[i] (normalized, for a plugin with normalizeScore)
   * to totals[i] for i in [0, n), exactly as the scheduler would add scoreAll's answers after normalizeScore,
   * saving passes. By index only: the scheduler need not gather the nodes' objects for it.
   */
  addScores?(state: CycleState, pod: Pod, index: Int32Array, n: number, weight: number, totals: Float64Array): void;
  /**
   * Optional, for a score that takes few values in a cycle: what addScores would add, as a key per candidate and
   * the weighted, normalized score of each key (node index[i] gets added[keys[i]]), or null where this cycle's
   * scores cannot be keyed (the scheduler then uses addScores). The scheduler adds them in its last pass over the
   * totals instead of a pass of their own. The scores must be whole numbers (so the order of adding is free).
   */
  keyedScores?(state: CycleState, pod: Pod, index: Int32Array, n: number, weight: number): KeyedScores | null;
  /** Rewrites scores[0..n) in place to 0..MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: Pod, scores: Float64Array, n: number): void;
  /**
   * Optional, for a score that depends only on two numbers of the pod (its shape) and on the node's resource columns
   * (ResourceColumns, whose generation changes with them): the pod's scorer, or null where the score depends on more
   * for this pod (the scheduler then uses addScores, scoreAll or score). The scheduler keeps the weighted sum of
   * every such score per (shapes, node generation): see score-cache.ts.
   */
  shapeScorer?(state: CycleState, pod: Pod): ShapeScorer | null;
}

/** Plugin.keyedScores' answer, valid until the plugin's next call. */
export interface KeyedScores {
  readonly keys: Uint8Array;
  readonly added: Float64Array;
}

/** A plugin's score for one pod by node column index, while the node's generation stays (Plugin.shapeScorer). */
export interface ShapeScorer {
  /** The pod's numbers the score depends on. */
  readonly a: number;
  readonly b: number;
  /** The score (0..MAX_NODE_SCORE) of the node of column index k as the columns are now. */
  scoreAt(k: number): number;
}

/** Builds a plugin from its arguments (from a profile's pluginConfig). */
export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

/** helper.DefaultNormalizeScore (pkg/scheduler/framework/plugins/helper/normalize_score.go). */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: Float64Array, n: number): void {
  let max = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) for (let i = 0; i < n; i++) scores[i] = maxPriority;
    return;
  }
  for (let i = 0; i < n; i++) {
    let s = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
