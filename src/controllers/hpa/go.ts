// Go's integer arithmetic as upstream's HPA code uses it (int32 bounds, int64 division, conversion to int32).

export const MAX_INT32 = 2147483647;
export const MIN_INT32 = -2147483648;

/** Go's int64 division: truncates toward zero (exact for safe integers). */
export function quo(a: number, b: number): number {
  return (a - (a % b)) / b + 0;
}

/** Go's int32(f) of a float64 in range: truncates toward zero. */
export function int32(f: number): number {
  return Math.trunc(f) + 0;
}
