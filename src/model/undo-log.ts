// The what-if undo log of ClusterState (fork … revert): the steps of the open what-ifs, newest last, in three
// columns rather than a closure each (the autoscaler's removal simulations log two steps per pod they move).
import type { Node } from './node.js';
import type { Pod } from './pod.js';

/** A step's code, when it is not the slot >= 0 that an assumed-removed pod left on its node. */
export const UNDO_BOUND = -1;
export const UNDO_NODE = -2;

export class UndoLog {
  /** The pod of each step (null for a node's), its node, and its code. */
  private readonly pods: (Pod | null)[] = [];
  private readonly nodes: Node[] = [];
  private readonly codes: number[] = [];

  get length(): number {
    return this.codes.length;
  }

  /** A step: the pod left `code` (a slot) of the node, or was assumed bound on it (UNDO_BOUND), or the node was added (UNDO_NODE). */
  push(pod: Pod | null, node: Node, code: number): void {
    this.pods.push(pod);
    this.nodes.push(node);
    this.codes.push(code);
  }

  /** Hands the steps after `mark` to `undo`, newest first, and forgets them. */
  unwind(mark: number, undo: (pod: Pod | null, node: Node, code: number) => void): void {
    while (this.codes.length > mark) {
      const code = this.codes.pop()!;
      const pod = this.pods.pop()!;
      undo(pod, this.nodes.pop()!, code);
    }
  }
}
