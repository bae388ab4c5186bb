// The kubelet, minimally: a bound pod starts after its startup latency and, if it has a run time,
// finishes (Succeeded) after it. Probes, image pulls, restarts and failures come with the pod lifecycle.
import type { Simulation } from '../../engine/simulation.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';

export class KubeletController {
  private readonly kStart: number;
  private readonly kFinish: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly startup: Distribution,
  ) {
    this.kStart = sim.register('kubelet.start', (_a, p) => this.start(p as Pod));
    this.kFinish = sim.register('kubelet.finish', (_a, p) => this.finish(p as Pod));
    cluster.watch((ev) => {
      if (ev.type === 'PodBound' && ev.pod) {
        const delay = ev.pod.template.startupMs + sample(this.startup, sim.rng('kubelet.startup'));
        sim.schedule(Math.max(0, Math.round(delay)), this.kStart, 0, ev.pod);
      }
    });
  }

  private start(pod: Pod): void {
    // The pod may have been deleted (preempted, scaled down) while starting.
    if (pod.phase !== 'Pending' || !pod.node) return;
    this.cluster.startPod(pod);
    if (pod.runMs >= 0) this.sim.schedule(pod.runMs, this.kFinish, 0, pod);
  }

  private finish(pod: Pod): void {
    if (pod.phase !== 'Running' || !pod.node) return;
    this.cluster.finishPod(pod, 'Succeeded');
  }
}
