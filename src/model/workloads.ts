// Workload objects as the API server holds them (DESIGN rule 3): a spec (what is wanted) and a status
// (what the owning controller last observed), with owner references. Controllers own none of it: an
// HPA or a scenario step changes a spec through ClusterState's operations, the owning controller
// reacts to WorkloadSpecChanged and reports through setWorkloadStatus.
import type { Distribution } from '../engine/distributions.js';
import type { PodTemplate } from './pod.js';
import type { PodFailurePolicyRule } from '../controllers/job/pod-failure-policy.js';

/**
 * Kubernetes workload kinds, plus the simulator's own pod sources: Batch (synthetic arrivals) and Trace
 * (replayed arrivals), which own pods but have no controller-managed spec.
 */
export type WorkloadKind = 'Pod' | 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Batch' | 'Trace';

/** batch/v1 defaults (pkg/apis/batch/v1/defaults.go): backoffLimit 6 (parallelism 1; completions 1 unless only parallelism is set). */
export const DEFAULT_BACKOFF_LIMIT = 6;

/** batch/v1 JobSpec, as far as it is simulated. */
export interface JobSpec {
  parallelism: number;
  /** null: work-queue mode (done when one pod succeeds and none is active). */
  completions: number | null;
  /**
   * The Job fails once more pods than this have failed. With backoffLimitPerIndex and no backoffLimit, batch/v1
   * defaults it to 2^31-1; kubesim stores completions × (backoffLimitPerIndex + 1) instead, the most failures such
   * a Job can count, so the outcome is the same (MODEL.md names the one exception) and the scenario's limits see
   * how many pods the Job may make.
   */
  backoffLimit: number;
  /** Indexed: one pod per completion index 0..completions-1 must succeed. */
  completionMode?: 'NonIndexed' | 'Indexed';
  /** activeDeadlineSeconds in ms: the Job fails this long after it started; null: no deadline. */
  activeDeadlineMs?: number | null;
  /** podFailurePolicy.rules; absent: every failure counts towards backoffLimit. */
  podFailurePolicy?: readonly PodFailurePolicyRule[];
  /** Indexed only: retries per index; an index fails at its (backoffLimitPerIndex + 1)th counted failure. */
  backoffLimitPerIndex?: number;
  /** With backoffLimitPerIndex: the Job fails once more indexes than this have failed; absent: all may fail. */
  maxFailedIndexes?: number;
  /** The TTL-after-finished controller deletes the Job this long after it finished; absent: never. */
  ttlSecondsAfterFinished?: number;
}

/**
 * Simulation inputs for the kubelet's container lifecycle, from the scenario's workloads entry (not Kubernetes fields).
 * The kubelet draws them from the workload's own random streams.
 */
export interface LifecycleTimings {
  /** How long each run of a regular init container lasts; null: 1 s. */
  readonly initRunTime: Distribution | null;
  /** Run times of particular init containers, by name (over initRunTime); null: none. */
  readonly initRunTimeByName: ReadonlyMap<string, Distribution> | null;
  /** The exit code of each init container run. */
  readonly initExitCode: number;
  /** How long a preStop hook other than a sleep takes; null: no time. */
  readonly preStop: Distribution | null;
  /** How long a container takes to exit after SIGTERM; null: it runs on until SIGKILL. */
  readonly shutdown: Distribution | null;
}

export interface WorkloadObjectSpec {
  /** Deployment, ReplicaSet, StatefulSet: spec.replicas. */
  readonly replicas: number;
  /** The pod template; null for Batch and Trace, whose pods each bring their own. */
  readonly template: PodTemplate | null;
  /** How long each pod runs once started (a simulation input, not a Kubernetes field); null runs until deleted. */
  readonly runTime: Distribution | null;
  /** The exit code of a container run that ends after its run time (a simulation input; default 0). */
  readonly exitCode?: number;
  /** How long a started container fails its probes (a simulation input, drawn per start); absent: at once. */
  readonly warmUp?: Distribution | null;
  /** Init container run times and exit code, preStop and shutdown times (simulation inputs); absent: defaults. */
  readonly lifecycle?: LifecycleTimings;
  /** Job only. */
  readonly job: JobSpec | null;
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet: spec.minReadySeconds (absent: 0). */
  readonly minReadySeconds?: number;
  /** Deployment only: its strategy and rollout fields, defaulted. */
  readonly rollout?: DeploymentRollout;
  /** StatefulSet only: each ordinal's volume binds to the zone of its first pod (volumeClaimTemplates). */
  readonly zonalVolumes?: boolean;
  /** StatefulSet only: spec.podManagementPolicy (default OrderedReady). */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** DaemonSet only: the template's spec.hostNetwork. */
  readonly hostNetwork?: boolean;
  /** StatefulSet, DaemonSet: spec.updateStrategy, defaulted; absent: RollingUpdate with the defaults. */
  readonly updateStrategy?: UpdateStrategy;
}

/**
 * A StatefulSet's or DaemonSet's spec.updateStrategy as the API server keeps it after defaulting
 * (pkg/apis/apps/v1/defaults.go): apps/v1 StatefulSetUpdateStrategy and DaemonSetUpdateStrategy share this shape.
 */
export interface UpdateStrategy {
  readonly type: 'RollingUpdate' | 'OnDelete';
  /** Unset (null) for OnDelete, and for a StatefulSet whose manifest names type RollingUpdate without rollingUpdate. */
  readonly rollingUpdate: {
    /** StatefulSet: pods with an ordinal at or above it are updated (default 0). */
    readonly partition?: number;
    /** StatefulSet: absent unless given; DaemonSet: default 1. */
    readonly maxUnavailable?: IntOrPercent;
    /** DaemonSet: default 0. */
    readonly maxSurge?: IntOrPercent;
  } | null;
}

/** An IntOrString of a rollout: a count, or a percentage such as "25%". */
export type IntOrPercent = number | string;

/** A Deployment's spec.strategy (defaulted), revisionHistoryLimit, paused and progressDeadlineSeconds. */
export interface DeploymentRollout {
  readonly type: 'RollingUpdate' | 'Recreate';
  readonly maxSurge: IntOrPercent;
  readonly maxUnavailable: IntOrPercent;
  readonly revisionHistoryLimit: number;
  readonly paused: boolean;
  readonly progressDeadlineSeconds: number;
}

/** The status fields controllers report (the subset of each kind's status that is simulated). */
export interface WorkloadStatus {
  /** metadata.generation the controller last acted on. */
  observedGeneration: number;
  /** Pods owned and not terminating (Deployment: over all its ReplicaSets). */
  replicas: number;
  /** Owned pods that are Running (Ready, until probes are simulated). */
  readyReplicas: number;
  availableReplicas: number;
  /** Deployment: pods of its current template. */
  updatedReplicas: number;
  /** Job. */
  active: number;
  succeeded: number;
  failed: number;
  /** Job: when it completed (virtual ms; its Complete condition's lastTransitionTime), or -1. */
  completionTime: number;
  /** Job: when its Failed condition was added (virtual ms), or -1. */
  failedTime: number;
  /** Indexed Job: status.completedIndexes, the indexes that succeeded ("0-2,5"). */
  completedIndexes: string;
  /** Indexed Job with backoffLimitPerIndex: status.failedIndexes, in the same form. */
  failedIndexes: string;
  /** StatefulSet: status.currentReplicas, pods at currentRevision. */
  currentReplicas?: number;
  /** StatefulSet: status.currentRevision and updateRevision (ControllerRevision names). */
  currentRevision?: string;
  updateRevision?: string;
  /** DaemonSet: status.updatedNumberScheduled, nodes whose daemon pod has the current template. */
  updatedNumberScheduled?: number;
}

export function emptyStatus(): WorkloadStatus {
  return {
    observedGeneration: 0,
    replicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    updatedReplicas: 0,
    active: 0,
    succeeded: 0,
    failed: 0,
    completionTime: -1,
    failedTime: -1,
    completedIndexes: '',
    failedIndexes: '',
    currentReplicas: 0,
    currentRevision: '',
    updateRevision: '',
    updatedNumberScheduled: 0,
  };
}

export class Workload {
  /** metadata.generation: bumped by every spec change. */
  generation = 1;
  /** Written only by ClusterState.setWorkloadStatus. */
  readonly status: WorkloadStatus = emptyStatus();
  /** Set when the object is deleted. */
  deletedAt = -1;

  constructor(
    /** Index in ClusterState.workloads. */
    readonly index: number,
    readonly kind: WorkloadKind,
    readonly name: string,
    readonly namespace: string,
    /** Replaced (never mutated) only by ClusterState's operations. */
    public spec: WorkloadObjectSpec,
    /** metadata.ownerReferences' controller (a ReplicaSet's Deployment), or null. */
    readonly owner: Workload | null,
    readonly createdAt: number,
    /** Label pod-template-hash (a Deployment's ReplicaSets), or ''. */
    readonly templateHash = '',
  ) {
    this.key = workloadKey(kind, namespace, name);
  }

  /**
   * "Deployment/default/frontend", made once: ClusterState's map is keyed by this very string, so a lookup with it
   * compares one pointer rather than the characters of a string built anew.
   */
  readonly key: string;

  /** The object at the top of the owner chain (a ReplicaSet's Deployment; itself when it has no owner). */
  get root(): Workload {
    return this.owner ? this.owner.root : this;
  }
}

export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
