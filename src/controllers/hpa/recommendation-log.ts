// The HPA controller's recommendation log without spec.behavior, in columns: what horizontal.go's
// stabilizeRecommendation reads at every sync, kept as numbers side by side rather than an object per entry, with
// normalizeDesiredReplicas over it. The same entries in the same order as normalize.ts's array form
// (test/controllers/hpa-rules.test.ts runs sync sequences both ways).
import { DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS } from './defaults.js';
import { convertStabilized, type NormalizedReplicas, type TimestampedRecommendation } from './normalize.js';

/**
 * The controller's recommendation log without spec.behavior, in columns: the entries' timestamps and
 * recommendations side by side, in the order stabilizeRecommendation keeps them (it reads every entry at every
 * sync: a few numbers in one place rather than as many objects).
 */
export class RecommendationLog {
  private t = new Float64Array(8);
  private r = new Float64Array(8);
  length = 0;

  constructor(initial: readonly TimestampedRecommendation[]) {
    for (const x of initial) this.push(x.recommendation, x.timestamp);
  }

  private push(recommendation: number, timestamp: number): void {
    if (this.length === this.t.length) {
      const t = new Float64Array(this.length * 2);
      const r = new Float64Array(this.length * 2);
      t.set(this.t);
      r.set(this.r);
      this.t = t;
      this.r = r;
    }
    this.t[this.length] = timestamp;
    this.r[this.length++] = recommendation;
  }

  /** stabilizeRecommendation in place: the highest recommendation of the window, this one recorded. */
  stabilize(prenormalizedDesiredReplicas: number, downscaleStabilisationWindow: number, now: number): number {
    let maxRecommendation = prenormalizedDesiredReplicas;
    let oldIndex = -1;
    const cutoff = now - downscaleStabilisationWindow;
    const { t, r } = this;
    for (let i = 0; i < this.length; i++) {
      if (t[i]! < cutoff) oldIndex = i;
      else if (r[i]! > maxRecommendation) maxRecommendation = r[i]!;
    }
    if (oldIndex < 0) this.push(prenormalizedDesiredReplicas, now);
    else {
      r[oldIndex] = prenormalizedDesiredReplicas;
      t[oldIndex] = now;
    }
    return maxRecommendation;
  }

  /** The entries, as stabilizeRecommendation's array would hold them. */
  entries(): TimestampedRecommendation[] {
    return Array.from({ length: this.length }, (_, i) => ({ recommendation: this.r[i]!, timestamp: this.t[i]! }));
  }
}

/** normalizeDesiredReplicas over the controller's log in columns, which it updates. */
export function normalizeDesiredReplicasOnLog(
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  log: RecommendationLog,
  now: number,
  downscaleStabilisationWindow = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
): Omit<NormalizedReplicas, 'recommendations'> {
  const stabilized = log.stabilize(prenormalizedDesiredReplicas, downscaleStabilisationWindow, now);
  return convertStabilized(currentReplicas, prenormalizedDesiredReplicas, stabilized, minReplicas, maxReplicas);
}
