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
  backoffLimit: number;
  /** Indexed: one pod per completion index 0..completions-1 must succeed. */
  completionMode?: 'NonIndexed' | 'Indexed';
  /** activeDeadlineSeconds in ms: the Job fails this long after it started; null: no deadline. */
  activeDeadlineMs?: number | null;
  /** podFailurePolicy.rules; absent: every failure counts towards backoffLimit. */
  podFailurePolicy?: readonly PodFailurePolicyRule[];
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
  /** Job only. */
  readonly job: JobSpec | null;
  /** StatefulSet only: each ordinal's volume binds to the zone of its first pod (volumeClaimTemplates). */
  readonly zonalVolumes?: boolean;
  /** StatefulSet only: spec.podManagementPolicy (default OrderedReady). */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** DaemonSet only: the template's spec.hostNetwork. */
  readonly hostNetwork?: boolean;
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
  /** Job: when it completed (virtual ms), or -1. */
  completionTime: number;
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
  ) {}

  /** "Deployment/default/frontend". */
  get key(): string {
    return workloadKey(this.kind, this.namespace, this.name);
  }

  /** The object at the top of the owner chain (a ReplicaSet's Deployment; itself when it has no owner). */
  get root(): Workload {
    return this.owner ? this.owner.root : this;
  }
}

export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
