// The Deployment controller's bookkeeping of each ReplicaSet it owns (the annotations upstream keeps on the
// object: revision, desired-replicas, max-replicas) and the plain views of them that calc.ts reads.
import type { Workload } from '../../model/workloads.js';
import { DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE, type DeploymentView, type ReplicaSetView } from './calc.js';

/** A ReplicaSet owned by a Deployment, with its deployment.kubernetes.io annotations. */
export interface OwnedReplicaSet {
  readonly rs: Workload;
  /** deployment.kubernetes.io/revision. */
  revision: number;
  /** deployment.kubernetes.io/desired-replicas and max-replicas (undefined: not set). */
  desired: number | undefined;
  max: number | undefined;
}

/** apps/v1 defaults of a Deployment without a strategy (SetDefaults_Deployment). */
const DEFAULT_STRATEGY: DeploymentView['strategy'] = {
  type: 'RollingUpdate',
  maxSurge: DEFAULT_MAX_SURGE,
  maxUnavailable: DEFAULT_MAX_UNAVAILABLE,
};

// (The views are built field by field, without object spread: a Deployment's sync makes one of each per ReplicaSet.)
export function deploymentView(d: Workload): DeploymentView {
  const r = d.spec.rollout;
  const v: DeploymentView = {
    replicas: d.spec.replicas,
    strategy: r ? { type: r.type, maxSurge: r.maxSurge, maxUnavailable: r.maxUnavailable } : DEFAULT_STRATEGY,
    minReadySeconds: d.spec.minReadySeconds ?? 0,
    paused: r?.paused ?? false,
    generation: d.generation,
    statusReplicas: d.status.replicas,
  };
  if (r) {
    v.progressDeadlineSeconds = r.progressDeadlineSeconds;
    v.revisionHistoryLimit = r.revisionHistoryLimit;
  }
  return v;
}

export function replicaSetView(o: OwnedReplicaSet): ReplicaSetView {
  const rs = o.rs;
  const v: ReplicaSetView = {
    name: rs.name,
    replicas: rs.spec.replicas,
    statusReplicas: rs.status.replicas,
    availableReplicas: rs.status.availableReplicas,
    readyReplicas: rs.status.readyReplicas,
    createdAt: rs.createdAt,
    revision: o.revision,
    generation: rs.generation,
    observedGeneration: rs.status.observedGeneration,
    deleting: rs.deletedAt >= 0,
  };
  if (o.desired !== undefined) v.desiredReplicasAnnotation = o.desired;
  if (o.max !== undefined) v.maxReplicasAnnotation = o.max;
  return v;
}
