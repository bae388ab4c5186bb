// NodeAffinity: pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go (v1.36).
// Filter: spec.nodeSelector (every label) AND required node affinity (terms ORed, expressions ANDed).
// Score: sum of the weights of matching preferred terms, normalised by DefaultNormalizeScore.
import { grown } from '../../model/arrays.js';
import type { Node } from '../../model/node.js';
import { requiredNodeSelectorMatches, type PodTemplate } from '../../model/pod.js';
import { matchNodeSelectorTerm } from '../../model/selectors.js';
import { Code, defaultNormalizeScore, MAX_NODE_SCORE, SKIP, status, type Handle, type Plugin, type Status } from '../framework.js';

export const NODE_AFFINITY = 'NodeAffinity';
const MISMATCH = status(Code.UnschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector", NODE_AFFINITY);
/** node_affinity.go errReasonConflict: the terms name nodes by metadata.name, and no node is in every one of a term's requirements. */
const CONFLICT = status(Code.UnschedulableAndUnresolvable, 'pod affinity terms conflict', NODE_AFFINITY);

/** Per node index: 0 not known yet, 1 matches, 2 does not. */
interface Answers {
  v: Uint8Array<ArrayBuffer>;
}

const matches = (t: PodTemplate, node: Node): boolean => requiredNodeSelectorMatches(t, node.name, node.labels);

export function nodeAffinity(handle?: Handle): Plugin {
  // A node's labels never change, so whether a selector and affinity match it is known once asked. Answers are
  // kept per distinct (nodeSelector, required affinity), shared by the templates that have them, except for
  // affinities naming nodes by field (a DaemonSet pod's, one node each: cheap to check, many of them). Only
  // real nodes' answers are kept: a hypothetical node's index is taken again once its what-if is over.
  const byKey = new Map<string, Answers>();
  const byTemplate = new WeakMap<PodTemplate, Answers | null>();
  const answersOf = (t: PodTemplate): Answers | null => {
    let a = byTemplate.get(t);
    if (a !== undefined) return a;
    a = null;
    if (handle && !(t.requiredNodeAffinity ?? []).some((term) => term.matchFields.length > 0)) {
      const key = JSON.stringify([[...t.nodeSelector].sort(), t.requiredNodeAffinity]);
      a = byKey.get(key) ?? null;
      if (!a) byKey.set(key, (a = { v: new Uint8Array(64) }));
    }
    byTemplate.set(t, a);
    return a;
  };
  const answer = (t: PodTemplate, node: Node, a = answersOf(t)): Status | null => {
    if (!a) return matches(t, node) ? null : MISMATCH;
    const i = node.index;
    const known = i < a.v.length ? a.v[i]! : 0;
    if (known !== 0) return known === 1 ? null : MISMATCH;
    const ok = matches(t, node);
    if (!handle!.cluster.inWhatIf) {
      a.v = grown(a.v, i);
      a.v[i] = ok ? 1 : 2;
    }
    return ok ? null : MISMATCH;
  };
  // node_affinity.go PreFilter: the nodes required affinity names by metadata.name, per template.
  const named = new WeakMap<PodTemplate, readonly string[] | null>();
  const namedNodes = (t: PodTemplate): readonly string[] | null => {
    let r = named.get(t);
    if (r !== undefined) return r;
    r = null;
    const terms = t.requiredNodeAffinity;
    if (terms && terms.length > 0) {
      let union: string[] | null = [];
      for (const term of terms) {
        let names: string[] | null = null;
        for (const f of term.matchFields) {
          if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
          // The requirements of a term are ANDed: the intersection of their names.
          names = names === null ? [...new Set(f.values)] : names.filter((x) => f.values.includes(x));
        }
        // A term without a metadata.name requirement lets every node through (terms are ORed).
        if (names === null) {
          union = null;
          break;
        }
        for (const x of names) if (!union.includes(x)) union.push(x);
      }
      r = union;
    }
    named.set(t, r);
    return r;
  };
  return {
    name: NODE_AFFINITY,
    events: ['NodeAdded'],
    preFilter(_s, pod) {
      const t = pod.template;
      if (t.nodeSelector.size === 0 && t.requiredNodeAffinity === null) return SKIP;
      const names = namedNodes(t);
      return names !== null && names.length === 0 ? CONFLICT : null;
    },
    preFilterNodes(pod) {
      return namedNodes(pod.template);
    },
    filter(_s, pod, node) {
      return answer(pod.template, node);
    },
    filterBatch(_s, pod, nodes, cand, count, status) {
      const t = pod.template;
      const a = answersOf(t);
      let out = 0;
      for (let j = 0; j < count; j++) {
        const idx = cand[j]!;
        // A known answer is read by the node's index alone (reading each node's object costs a cache miss).
        const known = a !== null && idx < a.v.length ? a.v[idx]! : 0;
        const st = known === 1 ? null : known === 2 ? MISMATCH : answer(t, nodes[idx]!, a);
        if (st === null) cand[out++] = idx;
        else status[idx] = st;
      }
      return out;
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
