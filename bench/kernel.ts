// The benchmarks' measure of the machine's own speed: a fixed amount of cache-resident integer work with no
// allocation (so no garbage collection and no memory traffic), timed on the wall clock by the caller.

/** `rounds` passes over a 16 KB array; returns a checksum, which the caller must use (so the work is not dropped). */
export function integerKernel(rounds: number): number {
  const a = new Int32Array(4096).map((_, i) => i * 7 + 3);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 4096; i += 4) {
      s0 = (s0 + a[i]!) | 0;
      s1 = (s1 ^ a[i + 1]!) | 0;
      s2 = (s2 + (a[i + 2]! << 1)) | 0;
      s3 = (s3 - a[i + 3]!) | 0;
    }
  }
  return s0 ^ s1 ^ s2 ^ s3;
}
