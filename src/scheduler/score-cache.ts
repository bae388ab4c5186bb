// A plugin's scores per (pod shape, node), for a score that depends only on two numbers of the pod (its
// "shape", e.g. its cpu and memory requests) and on the node's resource columns: a score is kept while the
// node's generation (ResourceColumns.generation, bumped on every change to what it has requested) stays.
// The replicas of a workload share a shape, and between two cycles of one shape few nodes change, so most
// scores of a cycle are read back instead of computed. A bounded number of shapes is kept (the least
// recently used makes way). A shape is kept from its second sighting on: pods of ever new shapes (a stream of
// batch pods, each with requests of its own) are scored directly, without evicting the shapes that repeat.

/** The scores of one shape, by node index: the node's generation + 1 when scored (0: not scored), and the score. */
export interface ShapeScores {
  readonly gen: Uint32Array;
  readonly score: Float64Array;
}

interface Slot extends ShapeScores {
  a: number;
  b: number;
  lastUse: number;
}

/** Scores kept at most (shapes x nodes), and shapes kept at most. */
const MAX_ENTRIES = 1 << 20;
const MAX_SHAPES = 256;
/** Shapes remembered as seen once. */
const SEEN = 64;

export class ShapeScoreCache {
  private slots: Slot[] = [];
  /** Node indices each slot holds. */
  private size = 0;
  private uses = 0;

  /** Shapes seen once and not kept (a ring): a shape is kept from its second sighting on. */
  private readonly seenA = new Float64Array(SEEN);
  private readonly seenB = new Float64Array(SEEN).fill(NaN);
  private seenAt = 0;

  /**
   * The scores of shape (a, b) for node indices below `nodes`, or null for a shape seen for the first time lately
   * (pods of ever new shapes are scored without evicting the kept shapes).
   */
  ofRepeated(a: number, b: number, nodes: number): ShapeScores | null {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]!.a === a && this.slots[i]!.b === b) return this.of(a, b, nodes);
    for (let i = 0; i < SEEN; i++) if (this.seenA[i] === a && this.seenB[i] === b) return this.of(a, b, nodes);
    this.seenA[this.seenAt] = a;
    this.seenB[this.seenAt] = b;
    this.seenAt = (this.seenAt + 1) % SEEN;
    return null;
  }

  /** The scores of shape (a, b) for node indices below `nodes`; a shape not kept starts with none. */
  of(a: number, b: number, nodes: number): ShapeScores {
    const use = ++this.uses;
    if (nodes > this.size) {
      // More nodes than the slots hold: start over.
      this.slots = [];
      this.size = nodes;
    }
    const slots = this.slots;
    let oldest: Slot | null = null;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.a === a && s.b === b) {
        s.lastUse = use;
        return s;
      }
      if (oldest === null || s.lastUse < oldest.lastUse) oldest = s;
    }
    if (oldest === null || slots.length < Math.min(MAX_SHAPES, Math.floor(MAX_ENTRIES / this.size))) {
      const s: Slot = { a, b, lastUse: use, gen: new Uint32Array(this.size), score: new Float64Array(this.size) };
      slots.push(s);
      return s;
    }
    oldest.a = a;
    oldest.b = b;
    oldest.lastUse = use;
    oldest.gen.fill(0);
    return oldest;
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
