// Pods nominated to nodes by preemption (pkg/scheduler/backend/queue nominator). While a pod is nominated,
// filtering a pod of equal or lower priority on that node counts the nominated pod as if it were there
// (schedule_one.go RunFilterPluginsWithNominatedPods), so the room preemption made is not taken by others.
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';

export class Nominator {
  private readonly byNode = new Map<Node, Pod[]>();

  nominate(pod: Pod, node: Node): void {
    this.remove(pod);
    pod.nominatedNode = node;
    let list = this.byNode.get(node);
    if (!list) this.byNode.set(node, (list = []));
    list.push(pod);
  }

  remove(pod: Pod): void {
    const node = pod.nominatedNode;
    if (!node) return;
    const list = this.byNode.get(node);
    if (list) {
      const i = list.indexOf(pod);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byNode.delete(node);
    }
    pod.nominatedNode = null;
  }

  /** Pods of lower priority than `priority` nominated to the node lose their nomination. */
  clearLowerPriority(node: Node, priority: number): void {
    const list = this.byNode.get(node);
    if (!list) return;
    for (const p of list.filter((x) => x.priority < priority)) this.remove(p);
  }

  /** Nominated pods on the node that the given pod must leave room for. */
  blocking(node: Node, pod: Pod): Pod[] | null {
    const list = this.byNode.get(node);
    if (!list) return null;
    const out = list.filter((p) => p !== pod && p.priority >= pod.priority);
    return out.length ? out : null;
  }

  get size(): number {
    return this.byNode.size;
  }
}
