// Services' endpoints as kube-proxy sees them: the EndpointSlice controller lists a Service's pods that match
// its selector and are Ready and not terminating (endpointslice reconciler: a terminating pod is no longer
// ready); kube-proxy programs the change on every node a little later. kubesim models that lag as one delay
// (`traffic.endpointDelay`) from the pod's change to the moment requests stop or start going to it.
import type { Simulation } from '../engine/simulation.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { Pod, PodTemplate } from '../model/pod.js';
import { matchSelector } from '../model/selectors.js';
import type { ServiceSpec } from '../workload/service-spec.js';

/** One Service's endpoints, in the order they were added (kube-proxy's list; removal keeps the order). */
export interface Endpoints {
  readonly service: ServiceSpec;
  readonly pods: Pod[];
  /** Bumped at every change of the list. */
  version: number;
}

/** Whether the EndpointSlice controller lists the pod as a ready endpoint. */
export function isReadyEndpoint(pod: Pod): boolean {
  return pod.phase === 'Running' && pod.ready && !pod.terminating;
}

/**
 * Whether the pod's app containers answer a request at `now`: running on a live machine, warmed up, and not yet
 * sent SIGTERM. Request and fluid modes both ask this of the pods kube-proxy sends to; a change of any field read
 * here logs the pod in ClusterState.servingLog.
 */
export function podAnswers(pod: Pod, now: number): boolean {
  if (pod.phase !== 'Running' || pod.containersDown || pod.node?.up === false) return false;
  if (pod.answersFrom < 0 || now < pod.answersFrom) return false;
  return !(pod.sigtermAt >= 0 && now >= pod.sigtermAt);
}

export class EndpointsTracker {
  readonly endpoints: Endpoints[];
  private readonly kApply: number;
  /**
   * Per pod template: the indices of the Services selecting its pods (computed once: a pod's labels and namespace are
   * its template's).
   */
  private readonly selecting = new WeakMap<PodTemplate, number[]>();
  /** Per pod id, for each Service selecting it: the state last asked for (listed or not), so a change is scheduled once. */
  private readonly wanted = new Map<number, Uint8Array>();
  /** Called when a pod joins or leaves a Service's endpoints, with its index in the list (before it left). */
  onChange: ((service: number, pod: Pod, added: boolean, index: number) => void) | null = null;

  constructor(
    private readonly sim: Simulation,
    cluster: ClusterState,
    services: readonly ServiceSpec[],
    private readonly delayMs: number,
  ) {
    this.endpoints = services.map((service) => ({ service, pods: [], version: 0 }));
    this.kApply = sim.register('endpoints.apply', (code, pod) => this.apply(pod as Pod, code >> 1, (code & 1) === 1));
    const check = (pod: Pod) => this.check(pod);
    cluster.watch('endpoints', {
      PodRunning: (ev) => check(ev.pod),
      PodReadyChanged: (ev) => check(ev.pod),
      PodTerminating: (ev) => check(ev.pod),
      PodFinished: (ev) => check(ev.pod),
      PodDeleted: (ev) => check(ev.pod),
    });
  }

  /** The indices of the Services whose selector matches the pod (computed once per pod). */
  servicesOf(pod: Pod): readonly number[] {
    let list = this.selecting.get(pod.template);
    if (list === undefined) {
      list = [];
      const ns = pod.template.namespace;
      this.endpoints.forEach((e, i) => {
        const sel = e.service.selector;
        if (sel && e.service.namespace === ns && matchSelector(sel, pod.labels)) list!.push(i);
      });
      this.selecting.set(pod.template, list);
    }
    return list;
  }

  /** The first Service (by index) whose endpoints list the pod now, or -1: only Services selecting it can. */
  firstListing(pod: Pod): number {
    const list = this.servicesOf(pod);
    for (let j = 0; j < list.length; j++) if (this.endpoints[list[j]!]!.pods.includes(pod)) return list[j]!;
    return -1;
  }

  /** A pod changed: each Service selecting it lists it (or not) after the delay. */
  private check(pod: Pod): void {
    const list = this.servicesOf(pod);
    if (list.length === 0) return;
    let w = this.wanted.get(pod.id);
    if (w === undefined) this.wanted.set(pod.id, (w = new Uint8Array(list.length)));
    const ready = isReadyEndpoint(pod) ? 1 : 0;
    for (let j = 0; j < list.length; j++) {
      if (w[j] === ready) continue;
      w[j] = ready;
      this.sim.post(this.delayMs, this.kApply, (list[j]! << 1) | ready, pod);
    }
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed' || pod.finishedAt >= 0) {
      // Gone for good: forget it once the removals are applied.
      if (ready === 0 && w.every((x) => x === 0)) this.wanted.delete(pod.id);
    }
  }

  private apply(pod: Pod, service: number, add: boolean): void {
    const pods = this.endpoints[service]!.pods;
    const at = pods.indexOf(pod);
    if (add && at < 0) pods.push(pod);
    else if (!add && at >= 0) pods.splice(at, 1);
    else return;
    this.endpoints[service]!.version++;
    this.onChange?.(service, pod, add, add ? pods.length - 1 : at);
  }
}
