// NodeName: pkg/scheduler/framework/plugins/nodename/node_name.go (v1.36).
import { Code, SKIP, status, type Plugin } from '../framework.js';

export const NODE_NAME = 'NodeName';
const MISMATCH = status(Code.UnschedulableAndUnresolvable, "node(s) didn't match the requested node name", NODE_NAME);

export function nodeName(): Plugin {
  return {
    name: NODE_NAME,
    events: ['NodeAdded'],
    // Upstream has no PreFilter here; skipping pods without spec.nodeName changes nothing but the cost.
    preFilter(_s, pod) {
      return pod.template.nodeName === '' ? SKIP : null;
    },
    filter(_s, pod, node) {
      const want = pod.template.nodeName;
      return want === '' || want === node.name ? null : MISMATCH;
    },
  };
}
