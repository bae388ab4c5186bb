// The scenario file as the schema check leaves it (format.ts's SCENARIO_SCHEMA, defaults filled in): the typed
// view that loading reads to build a Scenario.
import type { Distribution } from '../engine/distributions.js';
import type { Taint } from '../model/selectors.js';
import type { TrafficConfig } from '../traffic/spec.js';
import type { AutoscalerConfig } from './cluster-autoscaler.js';
import type { RolloutEntry } from './rollouts.js';

export interface Config {
  name?: string;
  seed: number;
  duration: number;
  metrics: { interval: number };
  cluster: {
    nodePools: {
      name: string;
      instanceType: string;
      zones: string[];
      count?: number;
      minCount?: number;
      maxCount?: number;
      allocatable: Record<string, number>;
      pricePerHour: number;
      imagePullBandwidth?: number;
      labels: Record<string, string>;
      taints: Taint[];
      failures?: { timeToFailure: Distribution; timeToRepair: Distribution };
      spot?: { interruptions: Distribution; notice: number; replacement: Distribution };
    }[];
    scheduler: {
      profile: string;
      percentageOfNodesToScore: number;
      latency: Distribution;
      popFromBackoffQ: boolean;
      profiles: Record<string, unknown>[];
    };
    podStartup: Distribution;
    imageSize: number;
    imageSizes: Record<string, number>;
    serializeImagePulls: boolean;
    autoscaler?: AutoscalerConfig;
  };
  workloads: WorkloadEntry[];
  rollouts: RolloutEntry[];
  traffic?: TrafficConfig;
  externalMetrics?: Record<string, unknown>;
  faults: Record<string, Record<string, unknown>>[];
}

export interface WorkloadEntry {
  manifests?: string[];
  objects?: unknown[];
  batch?: Record<string, unknown> & { requests: Record<string, unknown> };
  trace?: Record<string, unknown>;
  at: number;
  runTime?: Distribution;
  exitCode: number;
  warmUp?: Distribution;
  initRunTime?: Distribution;
  initRunTimeByName?: Record<string, Distribution>;
  initExitCode?: number;
  preStop?: Distribution;
  cpuLoad?: unknown;
  shutdown?: Distribution;
}
