// The scenario's client: applies each workload object of the scenario at its time, as `kubectl apply`
// does: it creates the object, or replaces the spec of the one already there (the owning controller
// reacts to WorkloadSpecChanged). A bare Pod is created once and never replaced.
import type { Simulation } from '../../engine/simulation.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { WorkloadObjectSpec } from '../../model/workloads.js';
import type { WorkloadSpec } from '../../workload/spec.js';

export class ApplyController {
  private readonly objects: WorkloadSpec[] = [];
  private readonly kApply: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.kApply = sim.register('apply', (i) => this.apply(this.objects[i]!));
  }

  /** Applies the object at its time (now, if that has passed). */
  add(spec: WorkloadSpec): void {
    this.objects.push(spec);
    this.sim.scheduleAt(Math.max(spec.at, this.sim.now), this.kApply, this.objects.length - 1);
  }

  private apply(w: WorkloadSpec): void {
    if (w.kind === 'Pod') {
      const runMs = w.runTime ? Math.round(sample(w.runTime, this.sim.rng(`workload:${w.namespace}/${w.name}`))) : -1;
      // A name taken by a live pod (a StatefulSet's db-0) is refused, as the API server answers AlreadyExists.
      if (!this.cluster.podNamed(w.namespace, w.name))
        this.cluster.createPod(w.template, w.name, runMs, null, w.exitCode ?? 0, w.lifecycle ?? null);
      return;
    }
    const spec: WorkloadObjectSpec = {
      replicas: w.replicas,
      template: w.template,
      runTime: w.runTime,
      exitCode: w.exitCode ?? 0,
      warmUp: w.warmUp ?? null,
      ...(w.lifecycle ? { lifecycle: w.lifecycle } : {}),
      job: w.job,
      podManagementPolicy: w.podManagementPolicy,
      ...(w.zonalVolumes ? { zonalVolumes: true } : {}),
      hostNetwork: w.hostNetwork,
      ...(w.minReadySeconds ? { minReadySeconds: w.minReadySeconds } : {}),
      ...(w.rollout ? { rollout: w.rollout } : {}),
      ...(w.updateStrategy ? { updateStrategy: w.updateStrategy } : {}),
    };
    const existing = this.cluster.findWorkload(w.kind, w.namespace, w.name);
    if (existing) this.cluster.updateWorkloadSpec(existing, spec);
    else this.cluster.createWorkload({ kind: w.kind, name: w.name, namespace: w.namespace, spec });
  }
}
