// Pods that can never fit anywhere: a warning with the reason, not an error (the run still shows what happens).
import { formatBytes, formatMilli } from '../model/quantity.js';
import { CPU, MEMORY, PODS } from '../model/resources.js';
import { matchNodeSelectorTerms, tolerated } from '../model/selectors.js';
import type { PodTemplate } from '../model/pod.js';
import type { Distribution } from '../engine/distributions.js';
import type { NodePoolSpec, Scenario } from './types.js';
import { HOSTNAME_LABEL, poolLabels } from '../model/node.js';

/**
 * Why the template cannot run on an empty node of the pool, or null if it can: a phrase whose subject is
 * the pod ("the pod requests cpu 20 but nodes have 4"), shown after the pool's name.
 */
export function whyNot(t: PodTemplate, p: NodePoolSpec, names: readonly string[]): string | null {
  for (let i = 0; i < t.requests.length; i++) {
    if (i === PODS) continue;
    const want = t.requests[i]!;
    const have = p.allocatable[i] ?? 0;
    if (want > have) {
      const fmt = i === CPU ? formatMilli : i === MEMORY ? formatBytes : String;
      return `the pod requests ${names[i]} ${fmt(want)} but nodes have ${fmt(have)}`;
    }
  }
  let selAny = false;
  let affAny = false;
  for (const [name, zone] of candidateNodes(t, p)) {
    const labels = poolLabels(p, zone, name);
    const sel = [...t.nodeSelector].every(([k, v]) => labels.get(k) === v);
    const aff = !t.requiredNodeAffinity || matchNodeSelectorTerms(t.requiredNodeAffinity, name, labels);
    if (sel && aff) {
      const bad = p.taints.find((x) => x.effect !== 'PreferNoSchedule' && !tolerated(t.tolerations, x));
      return bad ? `the pod does not tolerate the nodes' taint ${bad.key}${bad.value ? `=${bad.value}` : ''}:${bad.effect}` : null;
    }
    selAny ||= sel;
    affAny ||= aff;
  }
  const what =
    !selAny && !affAny
      ? 'nodeSelector and required node affinity match'
      : !selAny
        ? 'nodeSelector matches'
        : !affAny
          ? 'required node affinity matches'
          : 'nodeSelector and required node affinity together match';
  return `the pod's ${what} no node in the pool`;
}

/**
 * Nodes of the pool that stand for all its nodes, as [name, zone]: one per zone (nodes differ only in their name,
 * hostname label and zone), and each node the pod names (a kubernetes.io/hostname in its nodeSelector, a hostname
 * or metadata.name value in its required node affinity) that the pool has or may have: <pool>-<n>, in zone n of
 * its zones in turn, below its count, or any n for a pool an autoscaler grows.
 */
function candidateNodes(t: PodTemplate, p: NodePoolSpec): [string, string][] {
  const out: [string, string][] = p.zones.map((zone, i) => [`${p.name}-${i}`, zone]);
  const named = new Set<string>();
  const host = t.nodeSelector.get(HOSTNAME_LABEL);
  if (host !== undefined) named.add(host);
  for (const term of t.requiredNodeAffinity ?? [])
    for (const r of [...term.matchExpressions.filter((x) => x.key === HOSTNAME_LABEL), ...term.matchFields])
      if (r.operator === 'In') for (const v of r.values) named.add(v);
  for (const name of named) {
    const m = /^(.*)-(0|[1-9][0-9]*)$/.exec(name);
    if (!m || m[1] !== p.name) continue;
    const i = Number(m[2]);
    if (i < p.count || p.maxCount !== null) out.push([name, p.zones[i % p.zones.length]!]);
  }
  return out;
}

export function fitWarnings(s: Scenario): string[] {
  const out: string[] = [];
  const check = (what: string, t: PodTemplate) => {
    if (t.nodeName || s.pools.length === 0) return;
    const reasons = s.pools.map((p) => whyNot(t, p, s.space.names));
    if (reasons.every((r) => r !== null)) {
      out.push(`${what} can never be scheduled: ${s.pools.map((p, i) => `pool ${p.name}: ${reasons[i]}`).join('; ')}`);
    }
  };
  for (const w of s.workloads) check(`${w.kind} ${w.namespace}/${w.name} (${w.source.file}:${w.source.line})`, w.template);
  return out;
}

/**
 * Trace and batch streams whose pods can never fit: for a trace, the tasks that fit no pool (counted,
 * with the first as an example); for a batch stream, when even its smallest possible requests fit no pool.
 */
export function streamFitWarnings(s: Scenario): string[] {
  const out: string[] = [];
  if (s.pools.length === 0) return out;
  const never = (t: PodTemplate) => {
    const reasons = s.pools.map((p) => whyNot(t, p, s.space.names));
    return reasons.every((r) => r !== null) ? s.pools.map((p, i) => `pool ${p.name}: ${reasons[i]}`).join('; ') : null;
  };
  for (const a of s.arrivals) {
    const where = `${a.source.file}:${a.source.line}`;
    if (a.trace) {
      let count = 0;
      let example = '';
      for (const x of a.trace) {
        const why = never(x.template);
        if (why === null) continue;
        if (count++ === 0) example = `the first at ${x.at / 1000} s: ${why}`;
      }
      if (count > 0)
        out.push(
          `trace ${a.name} (${where}): ${count.toLocaleString('en-US')} of ${a.trace.length.toLocaleString('en-US')} tasks can never be scheduled (${example})`,
        );
    } else if (a.makePod) {
      const { template } = a.makePod((_stream, d) => smallest(d));
      const why = never(template);
      if (why !== null) out.push(`batch stream ${a.name} (${where}): its pods can never be scheduled: ${why}`);
    }
  }
  return out;
}

/** The smallest value a distribution can give (0 where it is unbounded below or may give 0). */
function smallest(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return d.min;
    case 'normal':
      return d.min ?? 0;
    case 'empirical':
      return d.values.length ? Math.min(...d.values) : 0;
    default:
      return 0;
  }
}

/** What a run leaves out when a scenario holds objects of a kind that is accepted but not simulated. */
const LEFT_OUT: Record<string, string> = {
  VerticalPodAutoscaler: 'requests stay as the manifests set them',
  LimitRange: 'no default requests or limits are applied: pods request exactly what their containers say',
  ResourceQuota: 'quotas are not enforced: every pod is created',
  PersistentVolumeClaim: 'volumes are not simulated: no volume binds a pod to a zone or node',
  PersistentVolume: 'volumes are not simulated: no volume binds a pod to a zone or node',
  StorageClass: 'volumes are not simulated: no volume binds a pod to a zone or node',
  CronJob: 'no Jobs are created from it',
  ReplicationController: 'it makes no pods (use a Deployment or ReplicaSet)',
  RuntimeClass: 'pod overhead from it is not added to requests',
};

/** One warning per kind of object that is accepted but not simulated and that changes results, naming the objects. */
export function notSimulatedWarnings(objects: readonly { kind: string; namespace: string; name: string }[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const o of objects) {
    if (!Object.hasOwn(LEFT_OUT, o.kind)) continue;
    const names = byKind.get(o.kind) ?? [];
    names.push(o.namespace ? `${o.namespace}/${o.name}` : o.name);
    byKind.set(o.kind, names);
  }
  return [...byKind].map(([kind, names]) => {
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
    return `${names.length} ${kind} not simulated (${shown}): ${LEFT_OUT[kind]}`;
  });
}
