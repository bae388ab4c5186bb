// TaintToleration: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.36).
// Filter: every NoSchedule/NoExecute taint must be tolerated. Score: the number of PreferNoSchedule
// taints the pod does not tolerate (only tolerations with effect PreferNoSchedule or empty count),
// normalised in reverse so fewer intolerable taints score higher.
import type { Taint, Toleration } from '../../model/selectors.js';
import { tolerated } from '../../model/selectors.js';
import { Code, defaultNormalizeScore, MAX_NODE_SCORE, SKIP, status, type Handle, type Plugin } from '../framework.js';
import { NO_SCHEDULE, PREFER } from '../../model/cluster-state.js';

export const TAINT_TOLERATION = 'TaintToleration';

/** v1.35+ wording (PR #134740); up to v1.34 it named the taint: "node(s) had untolerated taint {key: value}". */
const UNTOLERATED = status(Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint(s)', TAINT_TOLERATION);

/** Does any NoSchedule or NoExecute taint go untolerated? */
function untolerated(taints: readonly Taint[], tolerations: readonly Toleration[]): boolean {
  for (const t of taints) {
    if (t.effect === 'PreferNoSchedule') continue;
    if (!tolerated(tolerations, t)) return true;
  }
  return false;
}

function intolerable(taints: readonly Taint[], prefer: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerated(prefer, t)) n++;
  return n;
}

export function taintToleration(handle: Handle): Plugin {
  // PreScore's result for the current cycle (the scheduler runs one cycle at a time).
  let prefer: readonly Toleration[] = [];
  return {
    name: TAINT_TOLERATION,
    events: ['NodeAdded', 'NodeTaintsChanged', 'NodeUnschedulableChanged'],
    rejectsRestrictedOnly: true,
    // No NoSchedule or NoExecute taint anywhere: nothing to reject (upstream checks every node and passes them all).
    preFilter() {
      return handle.cluster.noScheduleNodes === 0 ? SKIP : null;
    },
    filter(_s, pod, node) {
      return untolerated(node.taints, pod.template.tolerations) ? UNTOLERATED : null;
    },
    filterBatch(_s, pod, nodes, cand, count, status) {
      const tolerations = pod.template.tolerations;
      // Nodes without a NoSchedule or NoExecute taint pass without reading their taints.
      const bits = handle.cluster.columns.taintBits;
      let out = 0;
      for (let j = 0; j < count; j++) {
        const idx = cand[j]!;
        if ((bits[idx]! & NO_SCHEDULE) === 0 || !untolerated(nodes[idx]!.taints, tolerations)) cand[out++] = idx;
        else status[idx] = UNTOLERATED;
      }
      return out;
    },
    preScore(_s, pod) {
      // With no PreferNoSchedule taint anywhere every node scores 100 after normalisation: the ranking
      // is the same without this plugin, so it is skipped (upstream computes the constant).
      if (handle.cluster.preferNoScheduleNodes === 0) return SKIP;
      const all = pod.template.tolerations;
      prefer = all.length === 0 ? all : all.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
      return null;
    },
    score(_s, _pod, node) {
      return intolerable(node.taints, prefer);
    },
    scoreAll(_s, _pod, nodes, n, out) {
      const bits = handle.cluster.columns.taintBits;
      for (let i = 0; i < n; i++) {
        const node = nodes[i]!;
        out[i] = (bits[node.index]! & PREFER) === 0 ? 0 : intolerable(node.taints, prefer);
      }
    },
    normalizeScore(_s, _pod, scores, n) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores, n);
    },
  };
}
