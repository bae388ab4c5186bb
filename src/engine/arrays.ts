// Arrays on the per-event path of every run.

/**
 * An empty array whose elements are objects from the start. A literal [] begins with small-integer elements
 * and changes kind at its first push, and the JIT's code for the previous run's arrays is thrown away and
 * compiled again in every new run (a sweep's or a benchmark's).
 */
export function objectArray<T extends object>(): T[] {
  const a: (T | null)[] = [null];
  a.pop();
  return a as T[];
}
