// TaintToleration: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.36).
// Filter: every NoSchedule/NoExecute taint must be tolerated. Score: the number of PreferNoSchedule
// taints the pod does not tolerate (only tolerations with effect PreferNoSchedule or empty count),
// normalised in reverse so fewer intolerable taints score higher.
import type { Toleration } from '../../model/selectors.js';
import { tolerated } from '../../model/selectors.js';
import { Code, defaultNormalizeScore, MAX_NODE_SCORE, status, type Plugin } from '../framework.js';

export const TAINT_TOLERATION = 'TaintToleration';

/** v1.35+ wording (PR #134740); up to v1.34 it named the taint: "node(s) had untolerated taint {key: value}". */
const UNTOLERATED = status(Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint(s)', TAINT_TOLERATION);

export function taintToleration(): Plugin {
  return {
    name: TAINT_TOLERATION,
    events: ['NodeAdded', 'NodeChanged'],
    filter(_s, pod, node) {
      for (const t of node.taints) {
        if (t.effect === 'PreferNoSchedule') continue;
        if (tolerated(pod.template.tolerations, t)) continue;
        return UNTOLERATED;
      }
      return null;
    },
    preScore(state, pod) {
      const prefer: Toleration[] = pod.template.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
      state.write(TAINT_TOLERATION, prefer);
      return null;
    },
    score(state, _pod, node) {
      const prefer = state.read<Toleration[]>(TAINT_TOLERATION)!;
      let n = 0;
      for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(prefer, t)) n++;
      return n;
    },
    normalizeScore(_s, _pod, scores, n) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores, n);
    },
  };
}
