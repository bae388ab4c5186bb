// The live pods of each top-level workload (a Deployment's pods through its ReplicaSets), in creation order,
// kept from the model's events: what the HPA's pod lister and metrics-server read every sync and scrape,
// instead of a pass over every live pod of the cluster.
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import { Versions } from '../../model/arrays.js';

const NONE: ReadonlyMap<number, Pod> = new Map();

export class PodsByRoot {
  private readonly byRoot = new Map<number, Map<number, Pod>>();
  /** Per workload: bumped whenever a pod joins or leaves its list (readers may cache what they built from it). */
  private readonly versions = new Versions();

  constructor(private readonly cluster: ClusterState) {
    const gone = (pod: Pod | undefined) => {
      if (!pod || pod.workload < 0) return;
      const root = this.rootOf(pod);
      if (this.byRoot.get(root)?.delete(pod.id)) this.versions.bump(root);
      this.onGone?.(pod);
    };
    cluster.watch('metrics', {
      PodAdded: (ev) => {
        const pod = ev.pod!;
        if (pod.workload < 0) return;
        const root = this.rootOf(pod);
        let m = this.byRoot.get(root);
        if (!m) this.byRoot.set(root, (m = new Map()));
        m.set(pod.id, pod);
        this.versions.bump(root);
      },
      PodRunning: (ev) => {
        if (ev.pod && ev.pod.workload >= 0) this.onRunning?.(ev.pod, this.rootOf(ev.pod));
      },
      PodFinished: (ev) => gone(ev.pod),
      PodDeleted: (ev) => gone(ev.pod),
    });
  }

  /** Called when a pod of a workload starts running, and when a pod leaves its list. */
  onRunning: ((pod: Pod, root: number) => void) | null = null;
  onGone: ((pod: Pod) => void) | null = null;

  /** The workload's list's version (see versions). */
  versionOf(root: number): number {
    return this.versions.of(root);
  }

  rootOf(pod: Pod): number {
    return this.cluster.workloads[pod.workload]!.root.index;
  }

  /** The live pods whose top-level owner is the workload of this index, in creation order. */
  of(root: number): ReadonlyMap<number, Pod> {
    return this.byRoot.get(root) ?? NONE;
  }
}
