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
