// A plugin's scores per (pod shape, node), for a score that depends only on two numbers of the pod (its
// "shape", e.g. its cpu and memory requests) and on the node's resource columns: a score is kept while the
// node's generation (ResourceColumns.generation, bumped on every change to what it has requested) stays.
// The replicas of a workload share a shape, and between two cycles of one shape few nodes change, so most
// scores of a cycle are read back instead of computed. A bounded number of shapes is kept (the least
// recently used makes way). A shape is kept from its second sighting on: pods of ever new shapes (a stream of
// batch pods, each with requests of its own) are scored directly, without evicting the shapes that repeat.

/**
 * The scores of one shape, by node index: the node's generation + 1 when scored (0: not scored), and the score
 * (a whole number 0..100, as every score plugin's Score gives: a byte keeps the slots small).
 */
export interface ShapeScores {
  readonly gen: Uint32Array;
  readonly score: Uint8Array;
}

interface Slot extends ShapeScores {
  a: number;
  b: number;
  lastUse: number;
}

/** Scores kept at most (shapes x nodes), and shapes kept at most. */
const MAX_ENTRIES = 1 << 21;
const MAX_SHAPES = 1024;

export class ShapeScoreCache {
  /** The kept shapes by their two numbers. */
  private readonly byShape = new Map<number, Map<number, Slot>>();
  private count = 0;
  /** Node indices each slot holds. */
  private size = 0;
  private uses = 0;
  /** Shapes seen once and not kept: a shape is kept from its second sighting on (forgotten once many are seen). */
  private readonly seen = new Map<number, Set<number>>();
  private seenCount = 0;

  private find(a: number, b: number): Slot | undefined {
    return this.byShape.get(a)?.get(b);
  }

  /**
   * The scores of shape (a, b) for node indices below `nodes`, or null for a shape seen for the first time lately
   * (pods of ever new shapes are scored without evicting the kept shapes).
   */
  ofRepeated(a: number, b: number, nodes: number): ShapeScores | null {
    if (nodes <= this.size && this.find(a, b)) return this.of(a, b, nodes);
    const seen = this.seen.get(a);
    if (seen?.has(b)) return this.of(a, b, nodes);
    if (this.seenCount >= MAX_SHAPES) {
      this.seen.clear();
      this.seenCount = 0;
    }
    if (seen) seen.add(b);
    else this.seen.set(a, new Set([b]));
    this.seenCount++;
    return null;
  }

  /** The scores of shape (a, b) for node indices below `nodes`; a shape not kept starts with none. */
  of(a: number, b: number, nodes: number): ShapeScores {
    const use = ++this.uses;
    if (nodes > this.size) {
      // More nodes than the slots hold: start over.
      this.byShape.clear();
      this.count = 0;
      this.size = nodes;
    }
    const hit = this.find(a, b);
    if (hit) {
      hit.lastUse = use;
      return hit;
    }
    let slot: Slot;
    if (this.count < Math.min(MAX_SHAPES, Math.floor(MAX_ENTRIES / this.size))) {
      slot = { a, b, lastUse: use, gen: new Uint32Array(this.size), score: new Uint8Array(this.size) };
      this.count++;
    } else {
      // The least recently used shape makes way, its scores forgotten.
      let oldest: Slot | null = null;
      for (const m of this.byShape.values()) for (const x of m.values()) if (oldest === null || x.lastUse < oldest.lastUse) oldest = x;
      slot = oldest!;
      const m = this.byShape.get(slot.a)!;
      m.delete(slot.b);
      if (m.size === 0) this.byShape.delete(slot.a);
      slot.a = a;
      slot.b = b;
      slot.lastUse = use;
      slot.gen.fill(0);
    }
    let m = this.byShape.get(a);
    if (!m) this.byShape.set(a, (m = new Map()));
    m.set(b, slot);
    return slot;
  }

  /**
   * Adds weight x scoreOf(i) for i in [0, n) to totals[i], where scoreOf(i) scores the i-th node, whose column index
   * is index[i]: a score kept for shape (a, b) at the node's current generation is read back, any other is
   * computed (and kept, unless the shape is seen for the first time lately).
   */
  addScores(
    a: number,
    b: number,
    generation: Uint32Array,
    n: number,
    weight: number,
    totals: Float64Array,
    index: Int32Array,
    scoreOf: (i: number) => number,
  ): void {
    const slot = this.ofRepeated(a, b, generation.length);
    if (slot === null) {
      for (let i = 0; i < n; i++) totals[i]! += scoreOf(i) * weight;
      return;
    }
    const { gen, score: kept } = slot;
    for (let i = 0; i < n; i++) {
      const k = index[i]!;
      const g = generation[k]! + 1;
      let sc: number;
      if (gen[k] === g) sc = kept[k]!;
      else {
        sc = scoreOf(i);
        kept[k] = sc;
        gen[k] = g;
      }
      totals[i]! += sc * weight;
    }
  }
}
