// Normalization of the HorizontalPodAutoscaler's desired replicas (pkg/controller/podautoscaler/horizontal.go, v1.36):
// the path without spec.behavior (one downscale stabilization window, the scale-up limit) and the path with it
// (stabilization windows per direction, rate-limit policies over recorded scale events).
// Functions take the controller's remembered state (recommendations, scale events) and return the new state instead
// of mutating it. Times are integer ms.
import {
  DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
  SCALE_UP_LIMIT_FACTOR,
  SCALE_UP_LIMIT_MINIMUM,
  generateHPAScaleDownRules,
  generateHPAScaleUpRules,
  type HorizontalPodAutoscalerBehavior,
  type HPAScalingRules,
} from './defaults.js';
import { MAX_INT32, MIN_INT32 } from './go.js';

/** Go's int32(f) of a float64 in range: truncates toward zero. */
function int32(f: number): number {
  return Math.trunc(f) + 0;
}

/** horizontal.go timestampedRecommendation: an unstabilized recommendation and when it was made. */
export interface TimestampedRecommendation {
  recommendation: number;
  timestamp: number;
}

/** horizontal.go timestampedScaleEvent: a scaling by replicaChange (non-negative); outdated entries are reused. */
export interface TimestampedScaleEvent {
  replicaChange: number;
  timestamp: number;
  outdated: boolean;
}

/** An HPA condition as normalization sets it. */
export interface HPAConditionUpdate {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The result of a normalization: the replicas to set, the new recommendation log and the two conditions. */
export interface NormalizedReplicas {
  desiredReplicas: number;
  recommendations: TimestampedRecommendation[];
  /** AbleToScale (always True here). */
  ableToScale: HPAConditionUpdate;
  /** ScalingLimited: True when the stabilized recommendation was changed. */
  scalingLimited: HPAConditionUpdate;
}

const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const SCALE_UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const SCALE_DOWN_LIMIT = {
  reason: 'ScaleDownLimit',
  message: 'the desired replica count is decreasing faster than the maximum scale rate',
};
const READY_FOR_NEW_SCALE = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const SCALE_DOWN_STABILIZED = {
  reason: 'ScaleDownStabilized',
  message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
};
const SCALE_UP_STABILIZED = {
  reason: 'ScaleUpStabilized',
  message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
};

/** horizontal.go recordInitialRecommendation: an HPA's log starts with the current replicas. */
export function recordInitialRecommendation(
  currentReplicas: number,
  recommendations: readonly TimestampedRecommendation[] | undefined,
  now: number,
): TimestampedRecommendation[] {
  if (recommendations && recommendations.length > 0) return [...recommendations];
  return [{ recommendation: currentReplicas, timestamp: now }];
}

/**
 * Records a recommendation in place of the last outdated one (oldIndex), or appends it: in a copy, or with `inPlace`
 * in the given array itself (its outdated entry rewritten), as the controller keeps its log.
 */
function recordRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  oldIndex: number,
  recommendation: number,
  now: number,
  inPlace = false,
): TimestampedRecommendation[] {
  if (inPlace) {
    const log = recommendations as TimestampedRecommendation[];
    if (oldIndex < 0) log.push({ recommendation, timestamp: now });
    else {
      log[oldIndex]!.recommendation = recommendation;
      log[oldIndex]!.timestamp = now;
    }
    return log;
  }
  const out = recommendations.slice();
  const entry = { recommendation, timestamp: now };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return out;
}

// --- Without spec.behavior (horizontal.go normalizeDesiredReplicas) ---

/**
 * horizontal.go stabilizeRecommendation (no behavior): the highest recommendation of the last
 * downscaleStabilisationWindow, this one included; the new one replaces the last outdated entry or is appended.
 */
export function stabilizeRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  prenormalizedDesiredReplicas: number,
  downscaleStabilisationWindow: number,
  now: number,
  inPlace = false,
): { recommendation: number; recommendations: TimestampedRecommendation[] } {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldIndex = -1;
  const cutoff = now - downscaleStabilisationWindow;
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i]!;
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
  }
  return {
    recommendation: maxRecommendation,
    recommendations: recordRecommendation(recommendations, oldIndex, prenormalizedDesiredReplicas, now, inPlace),
  };
}

/** A converted replica count with the ScalingLimited reason and message that go with it. */
function limited(replicas: number, why: { reason: string; message: string }): { replicas: number; reason: string; message: string } {
  return { replicas, reason: why.reason, message: why.message };
}

/** horizontal.go calculateScaleUpLimit: max(2 * current, 4). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return int32(Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/** horizontal.go convertDesiredReplicasWithRules: clamps to [minReplicas, min(maxReplicas, calculateScaleUpLimit)]. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  hpaMinReplicas: number,
  hpaMaxReplicas: number,
): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  const upLimited = hpaMaxReplicas > scaleUpLimit;
  const maximumAllowedReplicas = upLimited ? scaleUpLimit : hpaMaxReplicas;
  const limit = upLimited ? SCALE_UP_LIMIT : TOO_MANY;
  if (desiredReplicas < hpaMinReplicas) return limited(hpaMinReplicas, TOO_FEW);
  if (desiredReplicas > maximumAllowedReplicas) return limited(maximumAllowedReplicas, limit);
  return limited(desiredReplicas, WITHIN_RANGE);
}

/**
 * horizontal.go normalizeDesiredReplicas (an HPA without spec.behavior): stabilizeRecommendation, then
 * convertDesiredReplicasWithRules.
 */
export function normalizeDesiredReplicas(
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  recommendations: readonly TimestampedRecommendation[],
  now: number,
  downscaleStabilisationWindow = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
  /** Updates `recommendations` itself rather than a copy (the controller's own log). */
  inPlace = false,
): NormalizedReplicas {
  const stabilized = stabilizeRecommendation(recommendations, prenormalizedDesiredReplicas, downscaleStabilisationWindow, now, inPlace);
  return {
    ...convertStabilized(currentReplicas, prenormalizedDesiredReplicas, stabilized.recommendation, minReplicas, maxReplicas),
    recommendations: stabilized.recommendations,
  };
}

/** normalizeDesiredReplicas after stabilizeRecommendation: the conditions, and convertDesiredReplicasWithRules. */
export function convertStabilized(
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  stabilized: number,
  minReplicas: number,
  maxReplicas: number,
): Omit<NormalizedReplicas, 'recommendations'> {
  const able = stabilized !== prenormalizedDesiredReplicas ? SCALE_DOWN_STABILIZED : READY_FOR_NEW_SCALE;
  const converted = convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, maxReplicas);
  return {
    desiredReplicas: converted.replicas,
    ableToScale: { status: 'True', reason: able.reason, message: able.message },
    scalingLimited: {
      status: converted.replicas === stabilized ? 'False' : 'True',
      reason: converted.reason,
      message: converted.message,
    },
  };
}

// --- With spec.behavior (horizontal.go normalizeDesiredReplicasWithBehaviors) ---

/** horizontal.go NormalizationArg, with the scaling rules already defaulted. */
export interface NormalizationArg {
  scaleUpBehavior: HPAScalingRules;
  scaleDownBehavior: HPAScalingRules;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
}

/**
 * horizontal.go stabilizeRecommendationWithBehaviors: the current replicas brought within [lowest recommendation
 * of the scale-up window, highest of the scale-down window], this one included. The new recommendation replaces
 * the last entry outside both windows or is appended.
 */
export function stabilizeRecommendationWithBehaviors(
  args: NormalizationArg,
  recommendations: readonly TimestampedRecommendation[],
  now: number,
  inPlace = false,
): { recommendation: number; reason: string; message: string; recommendations: TimestampedRecommendation[] } {
  let upRecommendation = args.desiredReplicas;
  const upCutoff = now - (args.scaleUpBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let downRecommendation = args.desiredReplicas;
  const downCutoff = now - (args.scaleDownBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let oldIndex = -1;
  recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (rec.timestamp > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  let recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;
  const why = args.desiredReplicas >= args.currentReplicas ? SCALE_UP_STABILIZED : SCALE_DOWN_STABILIZED;
  return {
    recommendation,
    reason: why.reason,
    message: why.message,
    recommendations: recordRecommendation(recommendations, oldIndex, args.desiredReplicas, now, inPlace),
  };
}

/** horizontal.go getReplicasChangePerPeriod: the replicas changed by events within the last periodSeconds. */
export function getReplicasChangePerPeriod(periodSeconds: number, scaleEvents: readonly TimestampedScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let replicas = 0;
  for (const e of scaleEvents) if (e.timestamp > cutoff) replicas += e.replicaChange;
  return replicas;
}

/** The count at the start of a policy's period: current, less what was added, plus what was removed within it. */
function periodStartReplicas(
  currentReplicas: number,
  periodSeconds: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now: number,
): number {
  return (
    currentReplicas -
    getReplicasChangePerPeriod(periodSeconds, scaleUpEvents, now) +
    getReplicasChangePerPeriod(periodSeconds, scaleDownEvents, now)
  );
}

/**
 * horizontal.go calculateScaleUpLimitWithScalingRules: per policy, the count at the start of its period plus
 * value pods or value percent (rounded up); selectPolicy Max takes the highest, Min the lowest; Disabled: current.
 */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now: number,
): number {
  if (scalingRules.selectPolicy === 'Disabled') return currentReplicas;
  const useMin = scalingRules.selectPolicy === 'Min';
  let result = useMin ? MAX_INT32 : MIN_INT32;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now);
    let proposed = 0;
    if (policy.type === 'Pods') proposed = start + policy.value;
    else if (policy.type === 'Percent') proposed = int32(Math.ceil(start * (1 + policy.value / 100)));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/**
 * horizontal.go calculateScaleDownLimitWithBehaviors: per policy, the count at the start of its period less value
 * pods or value percent (rounded toward zero); selectPolicy Max takes the lowest, Min the highest; Disabled: current.
 */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now: number,
): number {
  if (scalingRules.selectPolicy === 'Disabled') return currentReplicas;
  const useMax = scalingRules.selectPolicy === 'Min';
  let result = useMax ? MIN_INT32 : MAX_INT32;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now);
    let proposed = 0;
    if (policy.type === 'Pods') proposed = start - policy.value;
    else if (policy.type === 'Percent') proposed = int32(start * (1 - policy.value / 100));
    result = useMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/**
 * horizontal.go convertDesiredReplicasWithBehaviorRate: a scale-up is held to min(maxReplicas, the scale-up limit,
 * never below current); a scale-down to max(minReplicas, the scale-down limit, never above current).
 */
export function convertDesiredReplicasWithBehaviorRate(
  args: NormalizationArg,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now: number,
): { replicas: number; reason: string; message: string } {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleUpBehavior,
      now,
    );
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    const [maximumAllowed, limit] = args.maxReplicas > scaleUpLimit ? [scaleUpLimit, SCALE_UP_LIMIT] : [args.maxReplicas, TOO_MANY];
    if (args.desiredReplicas > maximumAllowed) return limited(maximumAllowed, limit);
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleDownBehavior,
      now,
    );
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    const [minimumAllowed, limit] = args.minReplicas < scaleDownLimit ? [scaleDownLimit, SCALE_DOWN_LIMIT] : [args.minReplicas, TOO_FEW];
    if (args.desiredReplicas < minimumAllowed) return limited(minimumAllowed, limit);
  }
  return limited(args.desiredReplicas, WITHIN_RANGE);
}

/** The per-HPA memory of the behavior path: recommendation log and scale events. */
export interface BehaviorState {
  recommendations: readonly TimestampedRecommendation[];
  scaleUpEvents: readonly TimestampedScaleEvent[];
  scaleDownEvents: readonly TimestampedScaleEvent[];
}

/**
 * horizontal.go normalizeDesiredReplicasWithBehaviors (an HPA with spec.behavior): defaults the rules (an unset
 * scale-down window becomes downscaleStabilisationWindow, as maybeInitScaleDownStabilizationWindow), stabilizes
 * with stabilizeRecommendationWithBehaviors, then limits the rate with convertDesiredReplicasWithBehaviorRate.
 */
export function normalizeDesiredReplicasWithBehaviors(
  behavior: HorizontalPodAutoscalerBehavior,
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  state: BehaviorState,
  now: number,
  downscaleStabilisationWindow = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
  /** Updates state.recommendations itself rather than a copy (the controller's own log). */
  inPlace = false,
): NormalizedReplicas {
  const scaleDownBehavior = generateHPAScaleDownRules(behavior.scaleDown);
  if (scaleDownBehavior.stabilizationWindowSeconds === undefined) {
    scaleDownBehavior.stabilizationWindowSeconds = int32(downscaleStabilisationWindow / 1000);
  }
  const args: NormalizationArg = {
    scaleUpBehavior: generateHPAScaleUpRules(behavior.scaleUp),
    scaleDownBehavior,
    minReplicas,
    maxReplicas,
    currentReplicas,
    desiredReplicas: prenormalizedDesiredReplicas,
  };
  const stabilized = stabilizeRecommendationWithBehaviors(args, state.recommendations, now, inPlace);
  const able = stabilized.recommendation !== prenormalizedDesiredReplicas ? stabilized : READY_FOR_NEW_SCALE;
  args.desiredReplicas = stabilized.recommendation;
  const converted = convertDesiredReplicasWithBehaviorRate(args, state.scaleUpEvents, state.scaleDownEvents, now);
  return {
    desiredReplicas: converted.replicas,
    recommendations: stabilized.recommendations,
    ableToScale: { status: 'True', reason: able.reason, message: able.message },
    scalingLimited: {
      status: converted.replicas === stabilized.recommendation ? 'False' : 'True',
      reason: converted.reason,
      message: converted.message,
    },
  };
}

/** horizontal.go getLongestPolicyPeriod. */
export function getLongestPolicyPeriod(scalingRules: HPAScalingRules): number {
  let longest = 0;
  for (const p of scalingRules.policies ?? []) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/** horizontal.go markScaleEventsOutdated: events older than the longest policy period, as a new array. */
export function markScaleEventsOutdated(
  scaleEvents: readonly TimestampedScaleEvent[],
  longestPolicyPeriod: number,
  now: number,
): TimestampedScaleEvent[] {
  const cutoff = now - longestPolicyPeriod * 1000;
  return scaleEvents.map((e) => (e.timestamp < cutoff ? { ...e, outdated: true } : e));
}

function storeInto(
  events: readonly TimestampedScaleEvent[],
  rules: HPAScalingRules,
  replicaChange: number,
  now: number,
): TimestampedScaleEvent[] {
  const out = markScaleEventsOutdated(events, getLongestPolicyPeriod(rules), now);
  let oldIndex = -1;
  out.forEach((e, i) => {
    if (e.outdated) oldIndex = i;
  });
  const entry = { replicaChange, timestamp: now, outdated: false };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return out;
}

/**
 * horizontal.go storeScaleEvent, after a rescale: with a behavior, the change is recorded as a scale-up or
 * scale-down event in place of the last outdated one (or appended); without, nothing is kept.
 */
export function storeScaleEvent(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  prevReplicas: number,
  newReplicas: number,
  now: number,
): { scaleUpEvents: TimestampedScaleEvent[]; scaleDownEvents: TimestampedScaleEvent[] } {
  if (!behavior) return { scaleUpEvents: [...scaleUpEvents], scaleDownEvents: [...scaleDownEvents] };
  if (newReplicas > prevReplicas) {
    const rules = generateHPAScaleUpRules(behavior.scaleUp);
    return { scaleUpEvents: storeInto(scaleUpEvents, rules, newReplicas - prevReplicas, now), scaleDownEvents: [...scaleDownEvents] };
  }
  const rules = generateHPAScaleDownRules(behavior.scaleDown);
  return { scaleUpEvents: [...scaleUpEvents], scaleDownEvents: storeInto(scaleDownEvents, rules, prevReplicas - newReplicas, now) };
}
