// A bare binary min-heap over typed arrays (Float64Array times, Int32Array seq tiebreak): the practical
// limit the engine's queue is compared with. It orders exactly as the Simulation does, by (time, seq).

export class TypedHeap {
  times: Float64Array;
  seqs: Int32Array;
  size = 0;
  /** Filled by pop(). */
  topTime = 0;
  topSeq = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.seqs = new Int32Array(capacity);
  }

  push(time: number, seq: number): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
  }

  /** Removes the minimum into topTime/topSeq; returns false when empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    this.topTime = times[0]!;
    this.topSeq = seqs[0]!;
    const n = --this.size;
    if (n === 0) return true;
    const t = times[n]!;
    const s = seqs[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      const ct = times[c]!;
      if (t < ct || (t === ct && s < seqs[c]!)) break;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    return true;
  }

  private grow(): void {
    const t = new Float64Array(this.times.length * 2);
    const s = new Int32Array(this.seqs.length * 2);
    t.set(this.times);
    s.set(this.seqs);
    this.times = t;
    this.seqs = s;
  }
}
