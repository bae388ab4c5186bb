// The kubelet, minimally: a bound pod starts after its startup latency and, if it has a run time,
// finishes (Succeeded) after it; a terminating pod is stopped after its grace period and its object
// deleted. A node that is not Ready has no working kubelet: its pods neither start, finish nor stop
// until it is Ready again. Probes, image pulls, restarts and failures come with the pod lifecycle.
import type { Simulation } from '../../engine/simulation.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';

export class KubeletController {
  private readonly kStart: number;
  private readonly kFinish: number;
  private readonly kStop: number;
  /** Pods whose next step came due while their node was not Ready, per node index. */
  private readonly waiting = new Map<number, Pod[]>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly startup: Distribution,
  ) {
    this.kStart = sim.register('kubelet.start', (_a, p) => this.start(p as Pod));
    this.kFinish = sim.register('kubelet.finish', (_a, p) => this.finish(p as Pod));
    this.kStop = sim.register('kubelet.stop', (_a, p) => this.stop(p as Pod));
    cluster.watch('kubelet', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'PodBound': {
        const delay = ev.pod.template.startupMs + sample(this.startup, this.sim.rng('kubelet.startup'));
        this.sim.schedule(Math.max(0, Math.round(delay)), this.kStart, 0, ev.pod);
        return;
      }
      case 'PodTerminating':
        // SIGTERM, then SIGKILL at the end of the grace period (preStop hooks come with the pod lifecycle);
        // a pod whose containers never started has nothing to stop.
        this.sim.schedule(ev.pod.startedAt >= 0 ? ev.pod.deletionGraceMs : 0, this.kStop, 0, ev.pod);
        return;
      case 'NodeReadyChanged':
        if (ev.node.ready) this.resume(ev.node);
        return;
      case 'NodeRemoved':
        // Its pods were deleted with it: nothing left to resume.
        this.waiting.delete(ev.node.index);
        return;
      default:
    }
  }

  /** The node's kubelet works again: what came due meanwhile happens now, in the order it came due. */
  private resume(node: Node): void {
    const pods = this.waiting.get(node.index);
    if (!pods) return;
    this.waiting.delete(node.index);
    for (const p of pods) {
      if (p.terminating) this.sim.schedule(0, this.kStop, 0, p);
      else if (p.phase === 'Pending') this.sim.schedule(0, this.kStart, 0, p);
      else this.sim.schedule(0, this.kFinish, 0, p);
    }
  }

  /** Whether the pod's node can act now; if not, the pod waits for the node to be Ready. */
  private nodeWorks(pod: Pod): boolean {
    const node = pod.node!;
    if (node.ready) return true;
    const list = this.waiting.get(node.index);
    if (list) list.push(pod);
    else this.waiting.set(node.index, [pod]);
    return false;
  }

  private start(pod: Pod): void {
    // The pod may have been deleted (preempted, scaled down) or begun terminating while starting.
    if (pod.phase !== 'Pending' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    this.cluster.startPod(pod);
    if (pod.runMs >= 0) this.sim.schedule(pod.runMs, this.kFinish, 0, pod);
  }

  private finish(pod: Pod): void {
    if (pod.phase !== 'Running' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    this.cluster.finishPod(pod, 'Succeeded');
  }

  private stop(pod: Pod): void {
    if (!pod.node || !this.cluster.livePods.has(pod.id)) return;
    if (!this.nodeWorks(pod)) return;
    this.cluster.deletePod(pod, pod.outcome);
  }
}
