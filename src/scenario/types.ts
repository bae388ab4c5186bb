// The typed scenario: what scenario/load.ts makes of a scenario file, and all a run needs.
import type { ClusterAutoscalerOptions } from '../controllers/cluster-autoscaler/options.js';
import type { SpotSpec } from '../faults/spot.js';
import type { ObjectiveSpec } from '../sweep/objective.js';
import type { Expectation } from '../expect/expectation.js';
import type { ServiceSpec } from '../workload/service-spec.js';
import type { TrafficSpec } from '../traffic/spec.js';
import type { HPASpec } from '../workload/hpa-spec.js';
import type { LoadSteps } from '../controllers/metrics-server/load-usage.js';
import type { Distribution } from '../engine/distributions.js';
import type { ResourceSpace } from '../model/resources.js';
import type { Taint } from '../model/selectors.js';
import type { ProfileSpec } from '../scheduler/profiles.js';
import type { ArrivalSpec, WorkloadSpec } from '../workload/spec.js';
import type { BudgetSpec } from '../workload/budgets.js';
import type { NodeChange } from '../faults/machine-events.js';

export interface NodePoolSpec {
  name: string;
  instanceType: string;
  zones: string[];
  /** Nodes at the start. */
  count: number;
  /** The cluster autoscaler's limits for the pool; null: not autoscaled. */
  minCount: number | null;
  maxCount: number | null;
  allocatable: Float64Array;
  pricePerHour: number;
  /** Bytes per second its nodes pull images at; null: pulls take no time. */
  imagePullBandwidth: number | null;
  labels: Map<string, string>;
  taints: Taint[];
  /** Random failures of each node: time to failure, then time to repair, drawn per node. */
  failures: { timeToFailure: Distribution; timeToRepair: Distribution } | null;
  /** Spot capacity: interruptions with notice; null: on-demand. */
  spot: SpotSpec | null;
}

/** A fault the scenario injects at a time. */
export interface FaultSpec {
  /**
   * Down: the machine stops (containers die, heartbeats stop). Partition: heartbeats stop, containers run
   * on (a network partition, or a stopped kubelet). Drain: cordon and drain one node at a time.
   */
  kind: 'Down' | 'Partition' | 'Drain' | 'Trace';
  /** As written: nodeFailure, zoneOutage, networkPartition, kubeletStop, drain or machineEvents. */
  name: string;
  target: { zone?: string; pool?: string; node?: string; count?: number };
  at: number;
  /** How long it lasts (Drain: each node's downtime once drained); null: to the end of the run. */
  forMs: number | null;
  source: { file: string; line: number };
  /** Trace: the nodes' changes, mapped from a machine_events table, in time order. */
  timeline?: NodeChange[];
}

export interface Scenario {
  file: string;
  name: string;
  seed: number;
  durationMs: number;
  metricsIntervalMs: number;
  space: ResourceSpace;
  pools: NodePoolSpec[];
  scheduler: {
    profile: string;
    percentageOfNodesToScore: number;
    latency: Distribution;
    popFromBackoffQ: boolean;
    /** Every profile the run may use, by name (the chosen one and user-defined ones). */
    profiles: Map<string, ProfileSpec>;
  };
  podStartup: Distribution;
  /** The cluster autoscaler's options; null: off. */
  autoscaler: ClusterAutoscalerOptions | null;
  /** The kubelet's serializeImagePulls (default true). */
  images: { serialize: boolean };
  faults: FaultSpec[];
  workloads: WorkloadSpec[];
  /** PodDisruptionBudgets from the manifests. */
  budgets: BudgetSpec[];
  arrivals: ArrivalSpec[];
  /** Services from the manifests. */
  services: ServiceSpec[];
  /** The `traffic:` section, or null without one. */
  traffic: TrafficSpec | null;
  /** HorizontalPodAutoscalers from the manifests, with their entries' times. */
  hpas: { spec: HPASpec; at: number }[];
  /** Workloads' total CPU load (workloads entries' cpuLoad), by workload key. */
  cpuLoads: Map<string, LoadSteps>;
  /** External metrics for HPAs (externalMetrics): values over time, milli-units, by name. */
  externalMetrics: ReadonlyMap<string, LoadSteps>;
  /** Kind -> count of objects accepted but not simulated. */
  notSimulated: Map<string, number>;
  warnings: string[];
  /** The scenario with defaults filled, as YAML, for the output directory. */
  resolvedYaml: string;
  /** Every file the scenario read (itself, manifests, traces, CSV columns), absolute paths, in order. */
  sources: string[];
  /** The validated `sweep:` block. */
  /** The expect: block's expectations (kubesim run checks them). */
  expect: Expectation[];
  sweep: { grid: Record<string, unknown>; seeds: number; baseline?: string; objective: ObjectiveSpec | null } | null;
  /** The scenario as plain data after --set, before validation (for resolving grid keys). */
  raw: unknown;
}
