// The Deployment controller (pkg/controller/deployment, v1.36), reconciling the model's Deployments
// through ReplicaSets it owns: the ReplicaSet of the current template is named <deployment>-<pod-template-
// hash> (ComputeHash) and scaled to spec.replicas; ReplicaSets of older templates are scaled to zero.
// Status sums its ReplicaSets'. Rolling updates (maxSurge / maxUnavailable steps) come with the rollouts
// issue; until then a template change replaces the old pods at once, as docs/MODEL.md says.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Workload } from '../../model/workloads.js';
import { computeHash } from '../../workload/names.js';

/** apps/v1 DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

interface Managed {
  deployment: Workload;
  /** ReplicaSets it owns, in creation order. */
  replicaSets: Workload[];
}

export class DeploymentController {
  private readonly queue: SyncQueue<Managed>;
  /** computeHash per template object (templates are replaced, never changed). */
  private readonly hashes = new WeakMap<object, string>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'deployment.sync', (m) => this.sync(m));
    cluster.watch('deployment', {
      WorkloadAdded: (ev) => {
        const w = ev.workload;
        if (w.kind === 'Deployment') this.queue.add(w.index, { deployment: w, replicaSets: [] });
        else {
          const m = this.ownerOf(w);
          if (m) m.replicaSets.push(w);
        }
      },
      WorkloadSpecChanged: (ev) => {
        if (ev.workload.kind === 'Deployment') this.queue.queue(ev.workload.index);
      },
      // A ReplicaSet's status moves its Deployment's.
      WorkloadStatusChanged: (ev) => {
        const m = this.ownerOf(ev.workload);
        if (m) this.queue.queue(m.deployment.index);
      },
    });
  }

  /** The bookkeeping of the Deployment that owns this ReplicaSet, if w is one. */
  private ownerOf(w: Workload): Managed | undefined {
    const owner = w.owner;
    if (w.kind !== 'ReplicaSet' || !owner || owner.kind !== 'Deployment') return undefined;
    return this.queue.get(owner.index);
  }

  /** deployment_controller.go syncDeployment, without rollout steps: the current ReplicaSet at spec.replicas, the others at 0. */
  private sync(m: Managed): void {
    const d = m.deployment;
    const template = d.spec.template!;
    let hash = this.hashes.get(template);
    if (hash === undefined) this.hashes.set(template, (hash = computeHash(template)));
    let current = m.replicaSets.find((rs) => rs.templateHash === hash);
    for (const rs of m.replicaSets) if (rs !== current) this.cluster.scaleWorkload(rs, 0);
    if (!current) {
      // sync.go getNewReplicaSet: the new ReplicaSet carries the template with the pod-template-hash label.
      current = this.cluster.createWorkload({
        kind: 'ReplicaSet',
        name: `${d.name}-${hash}`,
        namespace: d.namespace,
        owner: d,
        templateHash: hash,
        spec: { ...d.spec, template: { ...template, labels: new Map([...template.labels, [POD_TEMPLATE_HASH_LABEL, hash]]) } },
      });
    } else this.cluster.scaleWorkload(current, d.spec.replicas);
    let replicas = 0;
    let ready = 0;
    let available = 0;
    for (const rs of m.replicaSets) {
      replicas += rs.status.replicas;
      ready += rs.status.readyReplicas;
      available += rs.status.availableReplicas;
    }
    this.cluster.setWorkloadStatus(d, {
      observedGeneration: d.generation,
      replicas,
      readyReplicas: ready,
      availableReplicas: available,
      updatedReplicas: current.status.replicas,
    });
  }
}
