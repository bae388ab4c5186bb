// The scenario's `rollouts:` section: changes to a Deployment at given times, as `kubectl set image`,
// `kubectl set resources`, `kubectl patch --type merge`, `kubectl scale`, `kubectl rollout pause | resume |
// undo | restart` make them. Each step edits the Deployment object as last applied (by a workloads entry or
// an earlier step), and the edited object is read like a manifest: the apply controller applies it at the
// step's time and the Deployment controller rolls it out. Mistakes are found here, before anything runs.
import type { YamlDoc } from './yaml-source.js';
import { didYouMean, ScenarioError } from './errors.js';
import { readObject, type ManifestObject } from '../workload/manifests.js';
import type { WorkloadSpec } from '../workload/spec.js';

/** One entry of `rollouts:`, as the schema checked it. */
export interface RolloutEntry {
  at: number;
  deployment: string;
  namespace: string;
  container?: string;
  set?: {
    image?: string;
    requests?: Record<string, string>;
    limits?: Record<string, string>;
    readinessProbe?: Record<string, unknown> | null;
    livenessProbe?: Record<string, unknown> | null;
    startupProbe?: Record<string, unknown> | null;
  };
  patch?: Record<string, unknown>;
  scale?: number;
  pause?: boolean;
  resume?: boolean;
  undo?: boolean;
  restart?: boolean;
}

export const ROLLOUT_ACTIONS = ['set', 'patch', 'scale', 'pause', 'resume', 'undo', 'restart'] as const;

/** The annotation `kubectl rollout restart` sets on the pod template (a new template, so a new ReplicaSet). */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/**
 * The template's restartedAt annotation carried onto the pod template, so that `kubectl rollout restart` makes
 * a new template (and ReplicaSet) although nothing else of it changed.
 */
export function withRestartedAt(w: WorkloadSpec, o: ManifestObject): WorkloadSpec {
  const template = ((o.reader.value as Json).spec as Json | undefined)?.template as Json | undefined;
  const annotations = (template?.metadata as Json | undefined)?.annotations as Json | undefined;
  const v = annotations?.[RESTARTED_AT_ANNOTATION];
  return typeof v === 'string' ? { ...w, template: { ...w.template, restartedAt: v } } : w;
}

/** A Deployment object applied by a workloads entry. */
export interface AppliedObject {
  o: ManifestObject;
  entry: number;
  at: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch (what `kubectl patch --type merge` applies): null deletes, objects merge, the rest replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** "15h" for messages. */
function at(ms: number): string {
  return `${ms / 1000}s`;
}

/**
 * The workload specs the rollout steps apply, in time order. `toSpec` reads an edited Deployment object as the
 * workloads entry that applied it would (its run time, warm-up and lifecycle settings).
 */
export function readRollouts(
  entries: readonly RolloutEntry[],
  applied: readonly AppliedObject[],
  doc: YamlDoc,
  toSpec: (o: ManifestObject, entry: number, at: number) => WorkloadSpec | null,
): WorkloadSpec[] {
  const deployments = applied.filter((a) => a.o.kind === 'Deployment');
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.at - entries[b]!.at || a - b);
  /** Per Deployment: the object as last applied, with its entry, and its templates in revision order. */
  const state = new Map<string, { value: Json; base: AppliedObject; revisions: string[] }>();
  const out: WorkloadSpec[] = [];
  const revise = (s: { revisions: string[] }, value: Json) => {
    const t = JSON.stringify((value.spec as Json | undefined)?.template ?? null);
    const i = s.revisions.indexOf(t);
    if (i >= 0 && i === s.revisions.length - 1) return;
    if (i >= 0) s.revisions.splice(i, 1);
    s.revisions.push(t);
  };
  let next = 0;
  const applyUpTo = (t: number) => {
    // Objects applied by workloads entries up to time t (in time order; at a tie, before the rollout step).
    const byTime = deployments.slice().sort((a, b) => a.at - b.at);
    for (; next < byTime.length && byTime[next]!.at <= t; next++) {
      const a = byTime[next]!;
      const key = `${a.o.namespace}/${a.o.name}`;
      const value = structuredClone(a.o.reader.value) as Json;
      const s = state.get(key) ?? { value, base: a, revisions: [] };
      s.value = value;
      s.base = a;
      revise(s, value);
      state.set(key, s);
    }
  };
  for (const i of order) {
    const r = entries[i]!;
    const path = ['rollouts', i];
    applyUpTo(r.at);
    const actions = ROLLOUT_ACTIONS.filter((k) => r[k] !== undefined);
    if (actions.length !== 1)
      throw doc.error(
        path,
        actions.length === 0
          ? `expected one of ${ROLLOUT_ACTIONS.join(', ')}`
          : `expected only one of ${ROLLOUT_ACTIONS.join(', ')}, got ${actions.join(' and ')}`,
        actions.length === 0 ? undefined : 'make each change its own entry (they may share a time)',
      );
    const action = actions[0]!;
    if (action !== 'set' && action !== 'patch' && action !== 'scale' && r[action] !== true)
      throw doc.error([...path, action], `expected true`, `leave the entry out rather than setting ${action}: false`);
    const key = `${r.namespace}/${r.deployment}`;
    const s = state.get(key);
    if (!s) {
      const later = deployments.find((a) => a.o.name === r.deployment && a.o.namespace === r.namespace);
      if (later)
        throw doc.error(
          [...path, 'at'],
          `Deployment "${r.deployment}" is applied at ${at(later.at)}; a rollout step at ${at(r.at)} comes before it exists`,
        );
      const dym = didYouMean(
        r.deployment,
        deployments.filter((a) => a.o.namespace === r.namespace).map((a) => a.o.name),
      );
      throw doc.error(
        [...path, 'deployment'],
        `no Deployment "${r.deployment}" in namespace "${r.namespace}" among the workloads`,
        dym ? `did you mean "${dym}"?` : undefined,
      );
    }
    const value = structuredClone(s.value);
    const spec = (value.spec ??= {}) as Json;
    if (action === 'scale') spec.replicas = r.scale;
    else if (action === 'pause') spec.paused = true;
    else if (action === 'resume') spec.paused = false;
    else if (action === 'patch') Object.assign(value, mergePatch(value, r.patch));
    else if (action === 'undo') {
      // kubectl rollout undo: the template of the revision before the current one.
      if (s.revisions.length < 2)
        throw doc.error([...path, 'undo'], `Deployment "${r.deployment}" has no earlier revision to go back to at ${at(r.at)}`);
      spec.template = JSON.parse(s.revisions[s.revisions.length - 2]!);
    } else if (action === 'restart') {
      const meta = ((spec.template as Json).metadata ??= {}) as Json;
      meta.annotations = { ...((meta.annotations as Json | undefined) ?? {}), [RESTARTED_AT_ANNOTATION]: at(r.at) };
    } else setFields(value, r, path, doc);
    const o = readObject(s.base.o.doc, value);
    let w: WorkloadSpec | null;
    try {
      w = o && toSpec(o, s.base.entry, r.at);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      const where = doc.locate([...path, action]);
      throw new ScenarioError(
        doc.file,
        where.line,
        where.column,
        `rollouts[${i}].${action}`,
        `the Deployment "${r.deployment}" it makes is not valid: ${e.path ? `${e.path}: ` : ''}${e.problem}`,
        e.hint,
      );
    }
    if (w) out.push(w);
    s.value = value;
    revise(s, value);
  }
  return out;
}

/** `set`: image, resources and probes of one container (`container`, or the only one). */
function setFields(value: Json, r: RolloutEntry, path: (string | number)[], doc: YamlDoc): void {
  const podSpec = (((value.spec as Json).template as Json | undefined)?.spec ?? {}) as Json;
  const containers = (Array.isArray(podSpec.containers) ? podSpec.containers : []) as Json[];
  const names = containers.map((c) => String(c.name));
  let c: Json | undefined;
  if (r.container !== undefined) {
    c = containers.find((x) => x.name === r.container);
    if (!c) {
      const dym = didYouMean(r.container, names);
      throw doc.error(
        [...path, 'container'],
        `no container "${r.container}" in Deployment "${r.deployment}"; it has ${names.join(', ')}`,
        dym ? `did you mean "${dym}"?` : undefined,
      );
    }
  } else if (containers.length === 1) c = containers[0];
  else
    throw doc.error(
      [...path, 'set'],
      `Deployment "${r.deployment}" has ${containers.length} containers (${names.join(', ')}); name one with container:`,
    );
  const set = r.set!;
  if (set.image !== undefined) c!.image = set.image;
  for (const k of ['requests', 'limits'] as const) {
    if (set[k] === undefined) continue;
    const res = (c!.resources ??= {}) as Json;
    res[k] = { ...((res[k] as Json | undefined) ?? {}), ...set[k] };
  }
  for (const k of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    if (set[k] === undefined) continue;
    if (set[k] === null) delete c![k];
    else c![k] = mergePatch(c![k], set[k]);
  }
}
