// NodeAffinity: pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go (v1.36).
// Filter: spec.nodeSelector (every label) AND required node affinity (terms ORed, expressions ANDed).
// Score: sum of the weights of matching preferred terms, normalised by DefaultNormalizeScore.
import { matchNodeSelectorTerm, matchNodeSelectorTerms } from '../../model/selectors.js';
import { Code, defaultNormalizeScore, MAX_NODE_SCORE, SKIP, status, type Plugin } from '../framework.js';

export const NODE_AFFINITY = 'NodeAffinity';
const MISMATCH = status(Code.UnschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector", NODE_AFFINITY);

export function nodeAffinity(): Plugin {
  return {
    name: NODE_AFFINITY,
    events: ['NodeAdded'],
    preFilter(_s, pod) {
      const t = pod.template;
      return t.nodeSelector.size === 0 && t.requiredNodeAffinity === null ? SKIP : null;
    },
    filter(_s, pod, node) {
      const t = pod.template;
      for (const [k, v] of t.nodeSelector) if (node.labels.get(k) !== v) return MISMATCH;
      if (t.requiredNodeAffinity && !matchNodeSelectorTerms(t.requiredNodeAffinity, node.name, node.labels)) return MISMATCH;
      return null;
    },
    preScore(_s, pod) {
      return pod.template.preferredNodeAffinity.length === 0 ? SKIP : null;
    },
    score(_s, pod, node) {
      let sum = 0;
      for (const p of pod.template.preferredNodeAffinity) if (matchNodeSelectorTerm(p.term, node.name, node.labels)) sum += p.weight;
      return sum;
    },
    normalizeScore(_s, _pod, scores, n) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores, n);
    },
  };
}
