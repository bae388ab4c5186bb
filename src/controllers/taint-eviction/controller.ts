// The taint eviction controller (pkg/controller/tainteviction/taint_eviction.go): a pod on a node with
// NoExecute taints is deleted at once if it does not tolerate one of them, or when the shortest
// tolerationSeconds of the tolerations it uses runs out; a taint removed in time cancels the eviction.
// Pods get the DefaultTolerationSeconds admission plugin's tolerations (not-ready and unreachable, 300 s)
// unless they tolerate those taints themselves, as every pod created through the API server does.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { admitDefaultTolerationSeconds, processPodOnNode, type ScheduledEviction } from '../node-lifecycle/rules.js';

export class TaintEvictionController {
  private readonly kEvict: number;
  /** Scheduled evictions by pod id, with a token that voids a cancelled one's timer. */
  private readonly scheduled = new Map<number, ScheduledEviction & { token: number }>();
  private tokens = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly recorder: EventRecorder | null,
  ) {
    this.kEvict = sim.register('tainteviction.evict', (tok, p) => this.evict(p as Pod, tok));
    cluster.watch('taint-eviction', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'NodeTaintsChanged':
        // handleNodeUpdate: every pod of the node, again.
        for (const p of ev.node.pods) this.process(p, ev.node);
        return;
      case 'PodBound':
        if (ev.node.taints.length > 0) this.process(ev.pod, ev.node);
        return;
      case 'PodDeleted':
      case 'PodFinished':
        this.scheduled.delete(ev.pod.id);
        return;
      default:
    }
  }

  private process(pod: Pod, node: Node): void {
    if (pod.terminating) return;
    const prev = this.scheduled.get(pod.id) ?? null;
    const d = processPodOnNode(node.taints, admitDefaultTolerationSeconds(pod.template.tolerations), this.sim.now, prev);
    if (d.kind === 'keep') return;
    if (d.kind === 'never') {
      this.scheduled.delete(pod.id);
      return;
    }
    const token = ++this.tokens;
    this.scheduled.set(pod.id, { createdAt: d.createdAt, fireAt: d.fireAt, token });
    this.sim.scheduleAt(Math.max(d.fireAt, this.sim.now), this.kEvict, token, pod);
  }

  private evict(pod: Pod, token: number): void {
    const s = this.scheduled.get(pod.id);
    if (!s || s.token !== token) return;
    this.scheduled.delete(pod.id);
    if (!pod.node || pod.terminating || !this.cluster.livePods.has(pod.id)) return;
    this.recorder?.event('Normal', 'TaintManagerEviction', pod, `Marking for deletion Pod ${pod.namespace}/${pod.name}`);
    // A graceful deletion: on an unreachable node nobody confirms it, so the pod stays Terminating (and
    // its controller replaces it) until the node is back or gone.
    this.cluster.deletePod(pod, 'TaintManagerEviction', pod.template.terminationGracePeriodMs);
  }
}
