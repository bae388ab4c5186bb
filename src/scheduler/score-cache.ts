// Scores that depend only on the pod's shape (a few numbers of its requests) and on the node's resource columns
// (NodeResourcesFit's and NodeResourcesBalancedAllocation's default strategies), kept per (shape, node): a kept
// score holds while the node's generation (ResourceColumns.generation, bumped on every change to what it has
// requested) stays. The replicas of a workload share a shape, and between two cycles of one shape few nodes
// change, so most scores of a cycle are read back instead of computed. The scheduler sums the weighted scores
// of every such plugin of a cycle and keeps the sum, so a node costs one read for all of them. A bounded number
// of shapes is kept (the least recently used makes way). A shape is kept from its second sighting on: pods of
// ever new shapes (a stream of batch pods, each with requests of its own) are scored directly, without evicting
// the shapes that repeat.
import type { KeyedScores, ShapeScorer } from './framework.js';

/**
 * The kept sums of one shape, by node index: the node's generation + 1 when scored (0: not scored), and the
 * weighted sum of the scores (whole numbers).
 */
export interface ShapeScores {
  /** By node index k: cells[2k] the generation + 1 when scored (0: not scored), cells[2k + 1] the sum (side by side, one read). */
  readonly cells: Int32Array;
}

interface Slot extends ShapeScores {
  key: string;
  lastUse: number;
}

/** Sums kept at most (shapes x nodes), and shapes kept at most. */
const MAX_ENTRIES = 1 << 21;
const MAX_SHAPES = 1024;

export class ShapeScoreCache {
  /** The kept shapes by key. */
  private readonly byShape = new Map<string, Slot>();
  /** Node indices each slot holds. */
  private size = 0;
  private uses = 0;
  /** Shapes seen once and not kept: a shape is kept from its second sighting on (forgotten once many are seen). */
  private readonly seen = new Set<string>();

  /**
   * The sums of shape `key` for node indices below `nodes`, or null for a shape seen for the first time lately
   * (pods of ever new shapes are scored without evicting the kept shapes).
   */
  ofRepeated(key: string, nodes: number): ShapeScores | null {
    if ((nodes <= this.size && this.byShape.has(key)) || this.seen.has(key)) return this.of(key, nodes);
    if (this.seen.size >= MAX_SHAPES) this.seen.clear();
    this.seen.add(key);
    return null;
  }

  /** The sums of shape `key` for node indices below `nodes`; a shape not kept starts with none. */
  of(key: string, nodes: number): ShapeScores {
    const use = ++this.uses;
    if (nodes > this.size) {
      // More nodes than the slots hold: start over.
      this.byShape.clear();
      this.size = nodes;
    }
    const hit = this.byShape.get(key);
    if (hit) {
      hit.lastUse = use;
      return hit;
    }
    let slot: Slot;
    if (this.byShape.size < Math.min(MAX_SHAPES, Math.floor(MAX_ENTRIES / this.size))) {
      slot = { key, lastUse: use, cells: new Int32Array(2 * this.size) };
    } else {
      // The least recently used shape makes way, its sums forgotten.
      let oldest: Slot | null = null;
      for (const x of this.byShape.values()) if (oldest === null || x.lastUse < oldest.lastUse) oldest = x;
      slot = oldest!;
      this.byShape.delete(slot.key);
      slot.key = key;
      slot.lastUse = use;
      slot.cells.fill(0);
    }
    this.byShape.set(key, slot);
    return slot;
  }

  /**
   * Adds sumOf(i) for i in [0, n) to totals[i], where sumOf(i) is the sum for the i-th node, whose column index is
   * index[i]: a sum kept for shape `key` at the node's current generation is read back, any other is computed (and
   * kept, unless the shape is seen for the first time lately). With `tied`, the positions of the highest total go
   * to tied[0..t) in order, t returned (selectHost's pass, made in this one); without, 0 is returned. With
   * `keyed`, a plugin's keyed scores are added too (whole numbers, so the order of adding is free).
   */
  addScores(
    key: string,
    generation: Uint32Array,
    n: number,
    totals: Float64Array,
    index: Int32Array,
    sumOf: (i: number) => number,
    tied: Int32Array | null = null,
    keyed: KeyedScores | null = null,
  ): number {
    const slot = this.ofRepeated(key, generation.length);
    if (slot === null) {
      if (keyed !== null) addKeyed(keyed, n, totals);
      for (let i = 0; i < n; i++) totals[i]! += sumOf(i);
      return tied === null ? 0 : highest(totals, n, tied);
    }
    const cells = slot.cells;
    if (keyed !== null) return keptWithKeyed(cells, generation, n, totals, index, sumOf, tied, keyed);
    let max = -Infinity;
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const t = totals[i]! + keptSum(cells, generation, index, sumOf, i);
      totals[i] = t;
      if (tied === null) continue;
      // highest()'s step, made in this pass rather than in one of its own.
      if (t > max) {
        max = t;
        tied[0] = i;
        ties = 1;
      } else if (t === max) tied[ties++] = i;
    }
    return ties;
  }
}

/**
 * The sum of the i-th node (column index index[i]): the one kept in cells at the node's current generation, or
 * sumOf(i), kept. (Small enough to be inlined into both passes over the candidates.)
 */
function keptSum(cells: Int32Array, generation: Uint32Array, index: Int32Array, sumOf: (i: number) => number, i: number): number {
  const c = index[i]! << 1;
  const g = (generation[c >> 1]! + 1) | 0;
  if (cells[c] === g) return cells[c + 1]!;
  const s = sumOf(i);
  // (A sum that is not a 32-bit integer is not kept: weights and scores are whole and small.)
  if ((s | 0) === s) {
    cells[c + 1] = s;
    cells[c] = g;
  }
  return s;
}

/**
 * ShapeScoreCache.addScores' pass over kept sums with a plugin's keyed scores added in it (Plugin.keyedScores): a
 * pass of its own, so that the pass of a cycle without keyed scores (a pod without spreading constraints) is spared
 * their two loads per node.
 */
function keptWithKeyed(
  cells: Int32Array,
  generation: Uint32Array,
  n: number,
  totals: Float64Array,
  index: Int32Array,
  sumOf: (i: number) => number,
  tied: Int32Array | null,
  { keys, added }: KeyedScores,
): number {
  let max = -Infinity;
  let ties = 0;
  for (let i = 0; i < n; i++) {
    const t = totals[i]! + added[keys[i]!]! + keptSum(cells, generation, index, sumOf, i);
    totals[i] = t;
    if (tied === null) continue;
    if (t > max) {
      max = t;
      tied[0] = i;
      ties = 1;
    } else if (t === max) tied[ties++] = i;
  }
  return ties;
}

/** Adds keyed scores to totals[0..n): node i gets added[keys[i]]. */
export function addKeyed({ keys, added }: KeyedScores, n: number, totals: Float64Array): void {
  for (let i = 0; i < n; i++) totals[i]! += added[keys[i]!]!;
}

/** The positions of the highest of totals[0..n) to tied[0..t) in order; returns t (n >= 1). */
export function highest(totals: Float64Array, n: number, tied: Int32Array): number {
  let max = totals[0]!;
  tied[0] = 0;
  let ties = 1;
  for (let i = 1; i < n; i++) {
    const t = totals[i]!;
    if (t > max) {
      max = t;
      tied[0] = i;
      ties = 1;
    } else if (t === max) tied[ties++] = i;
  }
  return ties;
}

/**
 * The shape scorers of one scheduling cycle (the plugins whose shapeScorer answered for the pod), added to the
 * totals together: one kept sum per (their shapes and weights, node).
 */
export class ShapeScoring {
  private readonly cache = new ShapeScoreCache();
  private readonly scorers: ShapeScorer[] = [];
  private readonly weights: number[] = [];
  private key = '';

  /** Starts a cycle: no scorers yet. */
  begin(): void {
    this.scorers.length = 0;
    this.weights.length = 0;
    this.key = '';
  }

  /** Adds the scorer of the profile's scorer at position `at`, with its weight. */
  add(at: number, scorer: ShapeScorer, weight: number): void {
    this.scorers.push(scorer);
    this.weights.push(weight);
    this.key += `${at}:${scorer.a},${scorer.b};`;
  }

  get count(): number {
    return this.scorers.length;
  }

  /**
   * Adds the weighted sum of every scorer added this cycle for each of the n nodes of index[0..n) to totals, and a
   * plugin's `keyed` scores in the same pass; with `tied`, the positions of the highest total go there, their
   * number returned (see ShapeScoreCache.addScores).
   */
  addTo(
    generation: Uint32Array,
    n: number,
    totals: Float64Array,
    index: Int32Array,
    tied: Int32Array | null = null,
    keyed: KeyedScores | null = null,
  ): number {
    const scorers = this.scorers;
    const weights = this.weights;
    if (scorers.length === 0) {
      if (keyed !== null) addKeyed(keyed, n, totals);
      return tied === null ? 0 : highest(totals, n, tied);
    }
    let sumOf: (i: number) => number;
    if (scorers.length === 1) {
      const s = scorers[0]!;
      const w = weights[0]!;
      sumOf = (i) => s.scoreAt(index[i]!) * w;
    } else if (scorers.length === 2) {
      const s0 = scorers[0]!;
      const s1 = scorers[1]!;
      const w0 = weights[0]!;
      const w1 = weights[1]!;
      sumOf = (i) => {
        const k = index[i]!;
        return s0.scoreAt(k) * w0 + s1.scoreAt(k) * w1;
      };
    } else {
      sumOf = (i) => {
        const k = index[i]!;
        let s = 0;
        for (let j = 0; j < scorers.length; j++) s += scorers[j]!.scoreAt(k) * weights[j]!;
        return s;
      };
    }
    return this.cache.addScores(this.key, generation, n, totals, index, sumOf, tied, keyed);
  }
}
