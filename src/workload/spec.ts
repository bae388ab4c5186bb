// Typed workload specs, made from Kubernetes manifests or synthetic arrivals by the scenario loader.
import type { Distribution } from '../engine/distributions.js';
import type { PodTemplate } from '../model/pod.js';
import type { DeploymentRollout, JobSpec, LifecycleTimings, UpdateStrategy } from '../model/workloads.js';

export type { JobSpec } from '../model/workloads.js';

export interface Source {
  file: string;
  line: number;
}

export type WorkloadKind = 'Pod' | 'ReplicaSet' | 'Deployment' | 'Job' | 'StatefulSet' | 'DaemonSet';

export interface WorkloadSpec {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  replicas: number;
  template: PodTemplate;
  /** When the object is applied (virtual ms). */
  at: number;
  /** How long each pod runs once started; null runs until deleted. */
  runTime: Distribution | null;
  /** The exit code of each container run that ends after runTime (default 0). */
  exitCode?: number;
  /** How long a started container fails its probes (a draw per start); null: it answers at once. */
  warmUp?: Distribution | null;
  /** The entry's init container, preStop and shutdown times; absent: their defaults. */
  lifecycle?: LifecycleTimings;
  job: JobSpec | null;
  /** StatefulSet: volumeClaimTemplates give each ordinal a volume bound to the zone of its first pod. */
  zonalVolumes?: boolean;
  /** StatefulSet: spec.podManagementPolicy. */
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** DaemonSet: the pod template's hostNetwork (its pods then also tolerate network-unavailable). */
  hostNetwork?: boolean;
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet: spec.minReadySeconds, when above 0. */
  minReadySeconds?: number;
  /** Deployment: its strategy and rollout fields. */
  rollout?: DeploymentRollout;
  /** StatefulSet, DaemonSet: spec.updateStrategy, when the manifest gives one. */
  updateStrategy?: UpdateStrategy;
  source: Source;
}

/** One synthetic or replayed pod arrival. */
export interface Arrival {
  at: number;
  template: PodTemplate;
  runMs: number;
}

/** A stream of pod arrivals: Poisson (sampled as the run goes) or a replayed trace (listed up front). */
export interface ArrivalSpec {
  name: string;
  /** Sampled stream: inter-arrival distribution and per-pod samplers. */
  interarrival: Distribution | null;
  start: number;
  stop: number;
  limit: number;
  /** Builds the template and run time of the n-th sampled arrival from the stream's named random streams. */
  makePod: ((draw: (stream: string, d: Distribution) => number) => { template: PodTemplate; runMs: number }) | null;
  /** Replayed arrivals, sorted by time (file order for ties). */
  trace: Arrival[] | null;
  /** Trace rows not replayed, by reason. */
  skipped?: Map<string, number>;
  source: Source;
}

/** Kinds the simulator accepts in manifests but does not simulate (listed in the summary). */
export const NOT_SIMULATED_KINDS = new Set([
  'Service',
  'ConfigMap',
  'Secret',
  'Ingress',
  'IngressClass',
  'Namespace',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'NetworkPolicy',
  'LimitRange',
  'ResourceQuota',
  'Endpoints',
  'EndpointSlice',
  'CustomResourceDefinition',
  'HorizontalPodAutoscaler',
  'CronJob',
  'ReplicationController',
  'VerticalPodAutoscaler',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'Lease',
  'Event',
  'RuntimeClass',
  'CSIDriver',
  'VolumeAttachment',
  'ControllerRevision',
  'PodTemplate',
  'CertificateSigningRequest',
  'PriorityLevelConfiguration',
  'FlowSchema',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ResourceClaim',
  'ResourceSlice',
  'DeviceClass',
]);
