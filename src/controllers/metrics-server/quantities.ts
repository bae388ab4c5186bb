// The numbers metrics-server and a custom metrics adapter hand the HPA, as upstream makes them: a CPU rate in
// whole nanocores (metrics-server), read as whole millicores rounded up (the HPA's metrics client), a custom
// metric in whole milli-units (prometheus-adapter); and the sample every pod of a fluid-mode meter shares.

/**
 * metrics-server's resourceUsage (pkg/storage/types.go): a container's CPU use over a window in whole nanocores,
 * `uint64(float64(Δcumulative ns) / window.Seconds())`, truncated. kubesim's cumulative use is in millicore-ms
 * (1 millicore-ms is 1,000 ns of CPU), so the rate in nanocores is Δ × 10^6 / window (ms).
 */
export function resourceUsage(usedMilliMs: number, windowMs: number): number {
  return Math.trunc((usedMilliMs * 1e6) / windowMs) + 0;
}

/**
 * resource.Quantity's MilliValue (apimachinery pkg/api/resource/quantity.go: ScaledValue(Milli), "ceil(q / 10^-3)")
 * of a quantity in whole nano-units, as metrics-server's CPU usage is (NewScaledQuantity(n, -9)): rounded up. The
 * HPA's metrics client sums a pod's containers' usage this way (pkg/controller/podautoscaler/metrics/client.go).
 */
export function milliValueOfNanos(nanos: number): number {
  return Math.ceil(nanos / 1e6) + 0;
}

/**
 * A custom metrics adapter's value as a Quantity: prometheus-adapter's `resource.NewMilliQuantity(int64(value *
 * 1000.0), resource.DecimalSI)` (pkg/custom-provider/provider.go), whole milli-units, truncated; the HPA then reads
 * its MilliValue, the same number. `perMs` is the value per millisecond (requests per ms).
 */
export function newMilliQuantityOfRate(perMs: number): number {
  return Math.trunc(perMs * 1e6) + 0;
}

/**
 * A CPU sample as the HPA reads it: milliValueOfNanos(resourceUsage(used, window)), with one division where the
 * rate in millicores (y) is a whole number or at least 10^-5 above one. There both give ceil(y): the rate in
 * nanocores is within 2 of y × 10^6 for y below 10^9 (two roundings of a double), so it rounds up to the same
 * whole millicores unless y is within 2 × 10^-6 above a whole number. test/controllers/metrics-server-quantities
 * compares the two.
 */
export function cpuSampleMilli(usedMilliMs: number, windowMs: number): number {
  const y = usedMilliMs / windowMs;
  const c = Math.ceil(y);
  if (y < 1e9 && (c === y || y - (c - 1) >= 1e-5)) return c + 0;
  return milliValueOfNanos(resourceUsage(usedMilliMs, windowMs));
}

/**
 * The sample cpuSampleMilli gives every pod of a meter, or NaN where the pods' samples may differ. A pod's sample
 * is cpuSampleMilli((m1 - b) - (m0 - b), w) for the meter's readings m0 <= m1 at the last two scrapes and the
 * pod's base b (an earlier reading, 0 <= b <= m0), each difference rounded; it is y = (m1 - m0) / w up to the
 * roundings, which move it by less than delta = 2^-50 (y + m1 / w) (four roundings of at most 2^-53 relative
 * each, on terms no larger than m1 / w, with room to spare). Where [y - delta, y + delta] holds no whole number
 * and lies more than 2e-5 above the one below it, every pod's sample is the same whole number of millicores,
 * taken at cpuSampleMilli's first return; with m0 = m1 every pod reads exactly 0. test/controllers
 * (MetricsServer.checkMeters) compares it with the pods' own samples at every scrape.
 */
export function uniformSample(m0: number, m1: number, windowMs: number): number {
  if (m1 === m0) return 0;
  const y = (m1 - m0) / windowMs;
  if (!(y > 0)) return NaN;
  const delta = 2 ** -50 * (y + m1 / windowMs);
  const c = Math.ceil(y + delta);
  return y + delta < 1e9 && y - delta - (c - 1) >= 2e-5 ? c : NaN;
}
