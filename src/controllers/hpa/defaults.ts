// Defaults of the HorizontalPodAutoscaler (v1.36): the controller's flags (config/v1alpha1/defaults.go of
// pkg/controller/podautoscaler, with horizontal.go's scale-up limit and pkg/apis/autoscaling's DefaultCPUUtilization),
// and the autoscaling/v2 behavior types with the defaults of pkg/apis/autoscaling/v2/defaults.go.

// --- Controller flags (pkg/controller/podautoscaler/config/v1alpha1/defaults.go) ---

/** --horizontal-pod-autoscaler-tolerance. */
export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-sync-period. */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS = 300_000;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 300_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const DEFAULT_INITIAL_READINESS_DELAY_MS = 30_000;
/** pkg/apis/autoscaling DefaultCPUUtilization: the target of an HPA without metrics. */
export const DEFAULT_CPU_UTILIZATION = 80;
/** horizontal.go scaleUpLimitFactor and scaleUpLimitMinimum (the path without spec.behavior). */
export const SCALE_UP_LIMIT_FACTOR = 2;
export const SCALE_UP_LIMIT_MINIMUM = 4;

// --- autoscaling/v2 behavior and its defaults (pkg/apis/autoscaling/v2/defaults.go) ---

export type HPAScalingPolicyType = 'Pods' | 'Percent';
export type ScalingPolicySelect = 'Max' | 'Min' | 'Disabled';

export interface HPAScalingPolicy {
  type: HPAScalingPolicyType;
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules; tolerance is the Quantity as a number (0.05 for "50m"). */
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: ScalingPolicySelect;
  policies?: readonly HPAScalingPolicy[];
  tolerance?: number;
}

/** autoscaling/v2 HorizontalPodAutoscalerBehavior. */
export interface HorizontalPodAutoscalerBehavior {
  scaleUp?: HPAScalingRules;
  scaleDown?: HPAScalingRules;
}

function copyHPAScalingRules(from: HPAScalingRules | undefined, to: HPAScalingRules): HPAScalingRules {
  if (!from) return to;
  const out = { ...to };
  if (from.selectPolicy !== undefined) out.selectPolicy = from.selectPolicy;
  if (from.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = from.stabilizationWindowSeconds;
  if (from.policies !== undefined) out.policies = from.policies;
  if (from.tolerance !== undefined) out.tolerance = from.tolerance;
  return out;
}

/** defaults.go GenerateHPAScaleUpRules: unset fields from stabilization 0, Max of 4 pods and 100% per 15 s. */
export function generateHPAScaleUpRules(rules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(rules, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  });
}

/**
 * defaults.go GenerateHPAScaleDownRules: unset fields from Max of 100% per 15 s. The stabilization window stays
 * unset; the controller fills it with its --horizontal-pod-autoscaler-downscale-stabilization (300 s).
 */
export function generateHPAScaleDownRules(rules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(rules, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
}

/**
 * defaults.go SetDefaults_HorizontalPodAutoscalerBehavior: a behavior that is set gets both directions filled in;
 * an unset behavior stays unset (the controller then takes the path without behavior).
 */
export function setDefaultsHorizontalPodAutoscalerBehavior(
  behavior: HorizontalPodAutoscalerBehavior | undefined,
): HorizontalPodAutoscalerBehavior | undefined {
  if (!behavior) return undefined;
  return { scaleUp: generateHPAScaleUpRules(behavior.scaleUp), scaleDown: generateHPAScaleDownRules(behavior.scaleDown) };
}
