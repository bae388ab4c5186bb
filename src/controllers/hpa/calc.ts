// The HorizontalPodAutoscaler controller's pure rules (pkg/controller/podautoscaler, v1.36), gathered so the
// controller and its tests import './calc.js' as the other controllers do. Each file follows one upstream idea:
// replica-calculator.ts (replica_calculator.go, metrics/utilization.go, tolerances, computeReplicasForMetrics),
// object-metrics.ts (replica_calculator.go's Object and External metrics), go.ts (Go's integer arithmetic),
// normalize.ts (horizontal.go's stabilization, rate limits and scale events, with and without spec.behavior),
// recommendation-log.ts (the log without spec.behavior in columns) and defaults.ts (the controller's flags and the
// autoscaling/v2 behavior defaults).
export * from './defaults.js';
export * from './replica-calculator.js';
export * from './object-metrics.js';
export * from './normalize.js';
export * from './recommendation-log.js';
