// Defaults for a PodTemplate, shared by the manifest loader, batch arrivals and tests.
import type { PodTemplate } from './pod.js';
import { CPU, MEMORY, type ResourceSpace } from './resources.js';
import { NO_LABELS } from './selectors.js';

/** pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest and DefaultMemoryRequest, used for scoring only. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Fills the non-zero scoring requests from the real ones. */
export function nonZero(requests: Float64Array): { nonZeroCpu: number; nonZeroMemory: number } {
  return {
    nonZeroCpu: requests[CPU]! > 0 ? requests[CPU]! : DEFAULT_MILLI_CPU_REQUEST,
    nonZeroMemory: requests[MEMORY]! > 0 ? requests[MEMORY]! : DEFAULT_MEMORY_REQUEST,
  };
}

/** core/v1 defaults (pkg/apis/core/v1/defaults.go SetDefaults_PodSpec): terminationGracePeriodSeconds 30. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_MS = 30_000;

export function makeTemplate(space: ResourceSpace, fields: Partial<PodTemplate> = {}): PodTemplate {
  const requests = fields.requests ?? space.vector();
  if (requests[3] === 0) requests[3] = 1; // every pod takes one of the node's pod slots
  return {
    owner: '',
    namespace: 'default',
    labels: NO_LABELS,
    limits: space.vector(),
    priority: 0,
    priorityClassName: '',
    preemptionPolicy: 'PreemptLowerPriority',
    nodeName: '',
    nodeSelector: NO_LABELS,
    requiredNodeAffinity: null,
    preferredNodeAffinity: [],
    tolerations: [],
    topologySpread: [],
    topologySpreadDefaulted: false,
    podAffinity: [],
    podAntiAffinity: [],
    preferredPodAffinity: [],
    preferredPodAntiAffinity: [],
    images: [],
    schedulerName: 'default-scheduler',
    startupMs: 0,
    terminationGracePeriodMs: DEFAULT_TERMINATION_GRACE_PERIOD_MS,
    restartPolicy: 'Always',
    ...nonZero(requests),
    ...fields,
    requests,
  };
}
