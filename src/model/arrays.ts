// Typed arrays indexed by node (or pod) index, grown as the indices do.

/** a, or a copy of it long enough to hold index i (at least doubled), its new entries set to fill. */
export function grown<T extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(
  a: T,
  i: number,
  fill = 0,
): T {
  if (i < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(i + 1, a.length * 2, 8));
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}

/**
 * A set of indices (of nodes, of slots) kept as a list in no order, list[0..size), with each member's place in it:
 * adding, deleting and asking cost O(1), and reading the members costs their number, not the largest index.
 */
export class IndexList {
  list = new Int32Array(64);
  size = 0;
  private at = new Int32Array(64).fill(-1);

  has(i: number): boolean {
    return i < this.at.length && this.at[i]! >= 0;
  }

  add(i: number): void {
    if (this.has(i)) return;
    this.at = grown(this.at, i, -1);
    this.list = grown(this.list, this.size);
    this.at[i] = this.size;
    this.list[this.size++] = i;
  }

  /** Removes i (the last member takes its place). */
  delete(i: number): void {
    if (!this.has(i)) return;
    const at = this.at[i]!;
    const last = this.list[--this.size]!;
    this.list[at] = last;
    this.at[last] = at;
    this.at[i] = -1;
  }

  clear(): void {
    for (let x = 0; x < this.size; x++) this.at[this.list[x]!] = -1;
    this.size = 0;
  }
}

/** A version number per index, bumped at each change of what it stands for; 0 for an index never bumped. */
export class Versions {
  private v = new Uint32Array(0);

  of(i: number): number {
    return i < this.v.length ? this.v[i]! : 0;
  }

  bump(i: number): void {
    this.v = grown(this.v, i);
    this.v[i]!++;
  }
}
