// What the two node provisioners (the cluster autoscaler and the Karpenter-style one) share: their place in a run.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
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
}
