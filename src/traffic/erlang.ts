// Exact M/M/c results (FIFO, c servers, Poisson arrivals at rate λ, exponential service at rate μ), in
// whatever time unit λ and μ share. Reference: Kleinrock, Queueing Systems Vol. 1 (1975), §3.5;
// Gross & Harris, Fundamentals of Queueing Theory, §2.3. Offered load a = λ/μ, utilisation ρ = a/c.
// Parameters outside the stable region are programming errors and throw.

function check(c: number, lambda: number, mu: number): void {
  if (!(Number.isSafeInteger(c) && c >= 1)) throw new Error(`M/M/c: c must be an integer >= 1, got ${c}`);
  if (!(mu > 0 && Number.isFinite(mu))) throw new Error(`M/M/c: mu must be > 0, got ${mu}`);
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new Error(`M/M/c: lambda must be >= 0, got ${lambda}`);
  if (lambda >= c * mu) throw new Error(`M/M/c unstable: lambda ${lambda} >= c·mu ${c * mu}`);
}

/**
 * Erlang B (blocking probability of M/M/c/c) by the recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)),
 * which stays in [0, 1] and never forms a^c or c! (stable for any c).
 */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C, P(an arrival waits) = B / (1 − ρ(1 − B)), with B = Erlang B(c, a). */
export function erlangC(c: number, lambda: number, mu: number): number {
  check(c, lambda, mu);
  const a = lambda / mu;
  const b = erlangB(c, a);
  return b / (1 - (a / c) * (1 - b));
}

/** Mean wait in queue Wq = C / (cμ − λ). */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda, mu) / (c * mu - lambda);
}

/** P(W > t) = C·e^(−(cμ − λ)t) for t >= 0 (the wait is 0 with probability 1 − C, else exponential). */
export function mmcWaitTail(c: number, lambda: number, mu: number, t: number): number {
  if (t < 0) return 1;
  return erlangC(c, lambda, mu) * Math.exp(-(c * mu - lambda) * t);
}

/** Mean response (sojourn) time W = Wq + 1/μ. */
export function mmcMeanResponse(c: number, lambda: number, mu: number): number {
  return mmcMeanWait(c, lambda, mu) + 1 / mu;
}
