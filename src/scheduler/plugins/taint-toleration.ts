// TaintToleration: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.36).
// Filter: every NoSchedule/NoExecute taint must be tolerated. Score: the number of PreferNoSchedule
// taints the pod does not tolerate (only tolerations with effect PreferNoSchedule or empty count),
// normalised in reverse so fewer intolerable taints score higher.
import type { Toleration } from '../../model/selectors.js';
import { tolerated } from '../../model/selectors.js';
import { Code, defaultNormalizeScore, MAX_NODE_SCORE, status, type Plugin, type Status } from '../framework.js';

export const TAINT_TOLERATION = 'TaintToleration';

export function taintToleration(): Plugin {
  const reasons = new Map<string, Status>();
  return {
    name: TAINT_TOLERATION,
    events: ['NodeAdded', 'NodeChanged'],
    filter(_s, pod, node) {
      for (const t of node.taints) {
        if (t.effect === 'PreferNoSchedule') continue;
        if (tolerated(pod.template.tolerations, t)) continue;
        const reason = `node(s) had untolerated taint {${t.key}: ${t.value}}`;
        let st = reasons.get(reason);
        if (!st) reasons.set(reason, (st = status(Code.UnschedulableAndUnresolvable, reason, TAINT_TOLERATION)));
        return st;
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
