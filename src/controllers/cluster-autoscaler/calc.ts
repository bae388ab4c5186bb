// The cluster autoscaler's pure rules (kubernetes/autoscaler cluster-autoscaler 1.36), gathered so a controller
// and its tests import './calc.js' as the other controllers do. Each file follows one upstream idea: defaults.ts
// (config/flags/flags.go, config/const.go), pod.ts (utils/pod, utils/drain), utilization.ts
// (simulator/utilization/info.go), eligibility.ts (core/scaledown/eligibility, unneeded, static_autoscaler.go),
// drain.ts (simulator/drainability), pods-to-move.ts (simulator/drain.go, core/scaledown/pdb), estimator.ts
// (estimator/binpacking_estimator.go, decreasing_pod_orderer.go), hints.ts (simulator/scheduling: hints.go,
// hinting_simulator.go), and expanders.ts, priority.ts, price.ts and chain.ts (expander/*).
export * from './defaults.js';
export * from './pod.js';
export * from './utilization.js';
export * from './eligibility.js';
export * from './drain.js';
export * from './pods-to-move.js';
export * from './expanders.js';
export * from './priority.js';
export * from './price.js';
export * from './chain.js';
export * from './estimator.js';
export * from './hints.js';
