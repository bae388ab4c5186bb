// Scoring among the feasible nodes, after pkg/scheduler/schedule_one.go (v1.36) prioritizeNodes and selectHost:
// PreScore, Score and NormalizeScore of each scorer of the profile, the weighted sum, and the highest total with
// ties broken at random. A plugin's scores come by its fastest form: a shape scorer's sums kept per node
// (score-cache.ts), keyed scores added in the last pass, addScores straight to the totals, or scoreAll/score.
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { Rng } from '../engine/rng.js';
import { Code, MAX_NODE_SCORE, type CycleState, type KeyedScores, type Plugin, type ShapeScorer } from './framework.js';
import type { Profile } from './profiles.js';
import { ShapeScoring } from './score-cache.js';

export class Prioritizer {
  private feasible: Node[] = [];
  /** The feasible nodes' indices of the cycle being scored. */
  private feasibleIdx: Int32Array = new Int32Array(0);
  private scores = new Float64Array(0);
  private totals = new Float64Array(0);
  private tied = new Int32Array(0);
  /** The shape scorers of the current cycle, and the sums they keep (score-cache.ts). */
  private readonly shapeScoring = new ShapeScoring();

  constructor(
    private readonly profile: Profile,
    private readonly cluster: ClusterState,
    private readonly rng: Rng,
    private readonly state: CycleState,
  ) {}

  /**
   * The feasible nodes' objects, feasibleIdx[0..m) of the cluster's nodes, for the scoring hooks that take them
   * (made once a cycle, when the first such hook runs: a cycle whose scores all come from shape scorers, or whose
   * other plugins skip, reads no node's object).
   */
  private feasibleNodes(m: number): Node[] {
    const feasible = this.feasible;
    if (this.feasibleMade) return feasible;
    const nodes = this.cluster.nodes;
    const idx = this.feasibleIdx;
    for (let i = 0; i < m; i++) feasible[i] = nodes[idx[i]!]!;
    feasible.length = m;
    this.feasibleMade = true;
    return feasible;
  }

  private feasibleMade = false;

  /**
   * Scores the feasible nodes idx[0..m) (m >= 2) with the profile's scorers and picks the host (selectHost); with
   * `check` (tests), every batch form of a score is compared with the per-node one.
   */
  select(pod: Pod, idx: Int32Array, m: number, check: boolean): Node {
    this.feasibleIdx = idx;
    this.feasibleMade = false;
    if (this.scores.length < m) {
      this.scores = new Float64Array(Math.max(m, this.scores.length * 2));
      this.totals = new Float64Array(this.scores.length);
    }
    const scores = this.scores;
    const totals = this.totals;
    totals.fill(0, 0, m);
    const state = this.state;
    const shaped = this.shapeScoring;
    shaped.begin();
    const scorers = this.profile.scorers;
    // One plugin's keyed scores, added in the last pass over the totals (Plugin.keyedScores).
    let keyed: KeyedScores | null = null;
    for (let at = 0; at < scorers.length; at++) {
      const { plugin, weight } = scorers[at]!;
      if (plugin.preScore) {
        const st = plugin.preScore(state, pod, this.feasibleIdx, m);
        if (st !== null) {
          if (st.code === Code.Skip) continue;
          throw new Error(`bug: PreScore ${plugin.name} failed: ${st.reason}`);
        }
      }
      // Scores that depend on the pod's shape alone are summed together after the others (a sum of whole numbers,
      // in any order the same), read back per node where the shape's sum was kept.
      const scorer = plugin.shapeScorer?.(state, pod) ?? null;
      if (scorer !== null) {
        if (check) this.checkShapeScorer(plugin, scorer, pod, this.feasibleNodes(m), m);
        shaped.add(at, scorer, weight);
        continue;
      }
      if (plugin.keyedScores && keyed === null) {
        keyed = plugin.keyedScores(state, pod, this.feasibleIdx, m, weight);
        if (keyed !== null) {
          if (check) {
            this.checkKeyedScores(plugin, pod, this.feasibleNodes(m), m, weight, keyed);
            // (Its addScores, for the cycles that cannot be keyed, is checked in these too.)
            if (plugin.addScores) this.checkAddScores(plugin, pod, this.feasibleNodes(m), m, weight);
          }
          continue;
        }
      }
      if (plugin.addScores) {
        if (check) this.checkAddScores(plugin, pod, this.feasibleNodes(m), m, weight);
        plugin.addScores(state, pod, this.feasibleIdx, m, weight, totals);
        continue;
      }
      this.ownScores(plugin, pod, this.feasibleNodes(m), m, check);
      for (let i = 0; i < m; i++) totals[i]! += scores[i]! * weight;
    }
    // schedule_one.go selectHost: the highest total, ties broken uniformly at random. v1.30–v1.34 drew once per tie
    // (reservoir sampling); one draw among the counted ties gives the same uniform choice (docs/MODEL.md). The
    // positions holding the highest total, in order, are found in the last pass that adds to the totals.
    if (this.tied.length < m) this.tied = new Int32Array(Math.max(m, this.tied.length * 2));
    const tied = this.tied;
    const ties = shaped.addTo(this.cluster.columns.generation, m, totals, this.feasibleIdx, tied, keyed);
    return this.cluster.nodes[this.feasibleIdx[tied[ties === 1 ? 0 : this.rng.int(ties)]!]!]!;
  }

  /**
   * The plugin's scores of feasible[0..m) into this.scores, the per-node way: scoreAll (or score), then
   * normalizeScore where it has one; checked to be in range when `check`.
   */
  private ownScores(plugin: Plugin, pod: Pod, feasible: Node[], m: number, check: boolean): Float64Array {
    const scores = this.scores;
    if (plugin.scoreAll) plugin.scoreAll(this.state, pod, feasible, m, scores, this.feasibleIdx);
    else scoreEach(plugin, this.state, pod, feasible, m, scores);
    if (plugin.normalizeScore) plugin.normalizeScore(this.state, pod, scores, m);
    if (check) checkRange(plugin, scores, m);
    return scores;
  }

  /** Tests: a shape scorer must give each node the plugin's own score (scoreAll, or score), in range. */
  private checkShapeScorer(plugin: Plugin, scorer: ShapeScorer, pod: Pod, feasible: Node[], m: number): void {
    const scores = this.ownScores(plugin, pod, feasible, m, true);
    for (let i = 0; i < m; i++) {
      const got = scorer.scoreAt(feasible[i]!.index);
      if (got !== scores[i])
        throw new Error(`bug: ${plugin.name} shapeScorer scored ${got} for node ${feasible[i]!.name}, its score is ${scores[i]}`);
    }
  }

  /** Tests: keyed scores must be what scoreAll (or score) gives, normalized if the plugin normalizes, times the weight. */
  private checkKeyedScores(plugin: Plugin, pod: Pod, feasible: Node[], m: number, weight: number, keyed: KeyedScores): void {
    const scores = this.ownScores(plugin, pod, feasible, m, true);
    for (let i = 0; i < m; i++) {
      const got = keyed.added[keyed.keys[i]!]!;
      if (got !== scores[i]! * weight)
        throw new Error(`bug: ${plugin.name} keyedScores gave ${got} for node ${feasible[i]!.name}, not ${scores[i]! * weight}`);
    }
  }

  /** Tests: addScores must add what scoreAll (or score) gives, normalized if the plugin normalizes, and those scores must be in range. */
  private checkAddScores(plugin: Plugin, pod: Pod, feasible: Node[], m: number, weight: number): void {
    const scores = this.ownScores(plugin, pod, feasible, m, true);
    const base = this.totals.slice(0, m);
    const added = base.slice();
    plugin.addScores!(this.state, pod, this.feasibleIdx, m, weight, added);
    for (let i = 0; i < m; i++) {
      if (added[i] !== base[i]! + scores[i]! * weight)
        throw new Error(
          `bug: ${plugin.name} addScores added ${added[i]! - base[i]!} for node ${feasible[i]!.name}, not ${scores[i]! * weight}`,
        );
    }
  }
}

function checkRange(plugin: Plugin, scores: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= MAX_NODE_SCORE)) throw new Error(`bug: ${plugin.name} scored ${s} outside 0..${MAX_NODE_SCORE}`);
  }
}

function scoreEach(plugin: Plugin, state: CycleState, pod: Pod, feasible: Node[], m: number, out: Float64Array): void {
  const score = plugin.score!;
  for (let i = 0; i < m; i++) out[i] = score.call(plugin, state, pod, feasible[i]!);
}
