// Pods that can never fit anywhere: a warning with the reason, not an error (the run still shows what happens).
import { formatBytes, formatMilli } from '../model/quantity.js';
import { CPU, MEMORY, PODS } from '../model/resources.js';
import { matchNodeSelectorTerms, tolerated } from '../model/selectors.js';
import type { PodTemplate } from '../model/pod.js';
import type { NodePoolSpec, Scenario } from './types.js';
import { poolLabels } from '../model/node.js';

/** Why the template cannot run on an empty node of the pool, or null if it can. */
export function whyNot(t: PodTemplate, p: NodePoolSpec, names: readonly string[]): string | null {
  for (let i = 0; i < t.requests.length; i++) {
    if (i === PODS) continue;
    const want = t.requests[i]!;
    const have = p.allocatable[i] ?? 0;
    if (want > have) {
      const fmt = i === CPU ? formatMilli : i === MEMORY ? formatBytes : String;
      return `requests ${names[i]} ${fmt(want)} but nodes have ${fmt(have)}`;
    }
  }
  for (const zone of p.zones) {
    const labels = poolLabels(p, zone, `${p.name}-0`);
    const sel = [...t.nodeSelector].every(([k, v]) => labels.get(k) === v);
    const aff = !t.requiredNodeAffinity || matchNodeSelectorTerms(t.requiredNodeAffinity, `${p.name}-0`, labels);
    if (sel && aff) {
      const bad = p.taints.find((x) => x.effect !== 'PreferNoSchedule' && !tolerated(t.tolerations, x));
      return bad ? `does not tolerate taint ${bad.key}=${bad.value}:${bad.effect}` : null;
    }
  }
  return "matches no node's labels (nodeSelector / node affinity)";
}

export function fitWarnings(s: Scenario): string[] {
  const out: string[] = [];
  const check = (what: string, t: PodTemplate) => {
    if (t.nodeName || s.pools.length === 0) return;
    const reasons = s.pools.map((p) => whyNot(t, p, s.space.names));
    if (reasons.every((r) => r !== null)) {
      out.push(`${what} can never be scheduled: ${s.pools.map((p, i) => `pool ${p.name} ${reasons[i]}`).join('; ')}`);
    }
  };
  for (const w of s.workloads) check(`${w.kind} ${w.namespace}/${w.name} (${w.source.file}:${w.source.line})`, w.template);
  return out;
}
