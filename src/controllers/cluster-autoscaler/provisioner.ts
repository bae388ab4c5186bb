// What the two node provisioners (the cluster autoscaler and the Karpenter-style one) share: their place in a run.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod, PodTemplate } from '../../model/pod.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import type { DisruptionController } from '../disruption/controller.js';
import type { NodePoolSpec } from '../../scenario/types.js';
import type { ClusterAutoscalerOptions, ProvisionerDeps, ProvisionerFigures } from './options.js';

export abstract class Provisioner {
  protected readonly sim: Simulation;
  protected readonly cluster: ClusterState;
  protected readonly scheduler: Scheduler;
  protected readonly unschedulable: () => Iterable<number>;
  protected readonly disruption: DisruptionController;
  protected readonly recorder: EventRecorder;
  protected readonly opts: ClusterAutoscalerOptions;
  protected readonly createNode: (pool: NodePoolSpec, index: number) => Node;

  constructor(d: ProvisionerDeps) {
    this.sim = d.sim;
    this.cluster = d.cluster;
    this.scheduler = d.scheduler;
    this.unschedulable = d.unschedulable;
    this.disruption = d.disruption;
    this.recorder = d.recorder;
    this.opts = d.opts;
    this.createNode = d.createNode;
  }

  /** summary.csv's autoscaler_* figures. */
  abstract figures(): ProvisionerFigures;

  /** The pods the scheduler could not place (PodScheduled=False) and still waiting: not nominated, not terminating. */
  protected pendingPods(): Pod[] {
    const out: Pod[] = [];
    for (const id of this.unschedulable()) {
      const pod = this.cluster.livePods.get(id);
      if (pod && !pod.node && !pod.nominatedNode && !pod.terminating) out.push(pod);
    }
    return out;
  }

  /** Pods of one workload and template are equivalent (estimator.PodEquivalenceGroup): the template's number. */
  private readonly templateIds = new WeakMap<PodTemplate, number>();
  private templateSeq = 0;

  /** The pod's equivalence group: its controller and its template. */
  protected equivalenceKey(pod: Pod): string {
    let id = this.templateIds.get(pod.template);
    if (id === undefined) this.templateIds.set(pod.template, (id = this.templateSeq++));
    return `${pod.workload}/${id}`;
  }
}
