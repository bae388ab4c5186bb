// NodeUnschedulable: pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go (v1.36).
// A cordoned node rejects pods unless they tolerate node.kubernetes.io/unschedulable:NoSchedule.
import { tolerated, type Taint } from '../../model/selectors.js';
import { Code, SKIP, status, type Handle, type Plugin } from '../framework.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
const TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };
const CORDONED = status(Code.UnschedulableAndUnresolvable, 'node(s) were unschedulable', NODE_UNSCHEDULABLE);

export function nodeUnschedulable(handle: Handle): Plugin {
  return {
    name: NODE_UNSCHEDULABLE,
    events: ['NodeAdded', 'NodeTaintsChanged', 'NodeUnschedulableChanged'],
    rejectsRestrictedOnly: true,
    // No cordoned node: nothing to reject (upstream filters every node and passes them all).
    preFilter() {
      return handle.cluster.unschedulableNodes === 0 ? SKIP : null;
    },
    filter(_s, pod, node) {
      if (!node.unschedulable) return null;
      return tolerated(pod.template.tolerations, TAINT) ? null : CORDONED;
    },
    filterBatch(_s, pod, nodes, cand, count, status) {
      let out = 0;
      for (let j = 0; j < count; j++) {
        const idx = cand[j]!;
        if (!nodes[idx]!.unschedulable || tolerated(pod.template.tolerations, TAINT)) cand[out++] = idx;
        else status[idx] = CORDONED;
      }
      return out;
    },
  };
}
