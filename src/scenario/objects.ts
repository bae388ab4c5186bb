// The Kubernetes objects of a scenario's `workloads` entries, read before anything is built from them: every
// resource name they use is interned (so that every resource vector has its final size), PriorityClasses are
// collected (pods need them), an object named twice is refused or applied again as an update, and the kinds
// kubesim does not simulate are counted for a warning.
import { ResourceSpace, isValidResourceName } from '../model/resources.js';
import {
  readObject,
  readPriorityClass,
  SYSTEM_PRIORITY_CLASSES,
  type ManifestObject,
  type PriorityClassInfo,
} from '../workload/manifests.js';
import type { Config } from './config.js';
import { manifestDocs, type ManifestCache } from './sources.js';
import type { YamlDoc } from './yaml-source.js';

/** An object and the index of the `workloads` entry that applies it. */
export interface EntryObject {
  o: ManifestObject;
  entry: number;
}

export interface ScenarioObjects {
  /** Every object, in the order of the entries and of their files. */
  objects: EntryObject[];
  /** PriorityClasses by name: the system's two and the scenario's. */
  priorities: Map<string, PriorityClassInfo>;
  /** Objects of kinds not simulated, counted by kind. */
  notSimulated: Map<string, number>;
}

/** Kinds that make pods or act on them, and PriorityClass: the rest are counted as not simulated. */
const SIMULATED = [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'Job',
  'StatefulSet',
  'DaemonSet',
  'PodDisruptionBudget',
  'Service',
  'HorizontalPodAutoscaler',
];

/**
 * Reads the objects of every entry (its manifest files, or its inline objects) and interns the resource names
 * of batch streams' requests, then of every object's requests, limits and overhead, in that order.
 */
export function readObjects(
  cfg: Config,
  doc: YamlDoc,
  dir: string,
  sources: string[],
  space: ResourceSpace,
  cache: ManifestCache | undefined,
): ScenarioObjects {
  const objects: EntryObject[] = [];
  cfg.workloads.forEach((w, i) => {
    const kinds = ['manifests', 'objects', 'batch', 'trace'].filter((k) => (w as unknown as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      throw doc.error(
        ['workloads', i],
        kinds.length === 0
          ? 'expected one of manifests, objects, batch or trace'
          : `expected only one of manifests, objects, batch or trace, got ${kinds.join(' and ')}`,
      );
    }
    for (const y of manifestDocs(w, i, dir, doc, sources, cache)) {
      const o = readObject(y.doc, y.value);
      if (o) objects.push({ o, entry: i });
    }
    if (w.batch) {
      for (const k of Object.keys(w.batch.requests)) {
        if (k === 'cpu' || k === 'memory') continue;
        // As for a container's requests (pod-spec.ts): extended resources must be domain-qualified.
        if (!isValidResourceName(k) || k === 'pods') {
          throw doc.error(
            ['workloads', i, 'batch', 'requests', k],
            `unknown resource name "${k}"; expected cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource such as nvidia.com/gpu`,
          );
        }
        space.intern(k);
      }
    }
  });
  for (const { o } of objects) internResourceNames(o.reader.value, space);

  const priorities = new Map<string, PriorityClassInfo>(Object.entries(SYSTEM_PRIORITY_CLASSES));
  const notSimulated = new Map<string, number>();
  const seen = new Map<string, EntryObject>();
  for (const { o, entry } of objects) {
    const key = `${o.kind}/${o.namespace}/${o.name}`;
    const prev = seen.get(key);
    if (prev) checkReapply(o, entry, prev.o, prev.entry);
    seen.set(key, { o, entry });
    if (o.kind === 'PriorityClass') {
      const pc = readPriorityClass(o);
      // The API server's priority admission: "only one default can exist".
      const other = pc.globalDefault ? [...priorities].find(([n, p]) => p.globalDefault && n !== o.name) : undefined;
      if (other)
        throw o.reader.error(
          'globalDefault',
          `PriorityClass "${o.name}" is marked globalDefault, but "${other[0]}" already is; only one default can exist`,
        );
      priorities.set(o.name, pc);
    } else if (!SIMULATED.includes(o.kind)) notSimulated.set(o.kind, (notSimulated.get(o.kind) ?? 0) + 1);
  }
  return { objects, priorities, notSimulated };
}

/** Kinds a later `workloads` entry may apply again, as `kubectl apply` updates an object's spec. */
const REAPPLICABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/**
 * An object named twice: within one `workloads` entry it is a mistake; from a later entry it is applied
 * again (a spec update at that entry's time), for the kinds whose spec may change, as long as the
 * fields the API server keeps immutable (apps/v1 spec.selector) are unchanged.
 */
function checkReapply(o: ManifestObject, entry: number, prev: ManifestObject, prevEntry: number): void {
  const where = `${prev.doc.file}:${prev.doc.locate(['metadata', 'name']).line}`;
  const what = `${o.kind} "${o.name}" in namespace "${o.namespace || '(cluster)'}"`;
  if (entry === prevEntry || !REAPPLICABLE.has(o.kind)) {
    const why =
      entry === prevEntry
        ? ''
        : '; only Deployments, ReplicaSets, StatefulSets and DaemonSets may be applied again by a later entry, as an update';
    throw o.doc.error(['metadata', 'name'], `duplicate ${what} (first defined at ${where}${why})`);
  }
  const sel = (m: ManifestObject) => JSON.stringify((m.reader.value as { spec?: { selector?: unknown } }).spec?.selector ?? null);
  if (sel(o) !== sel(prev))
    throw o.doc.error(['spec', 'selector'], `field is immutable: ${what} was applied with another selector at ${where}`);
}

/** Interns every resource name used in requests or limits anywhere in an object. */
function internResourceNames(v: unknown, space: ResourceSpace): void {
  if (!v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) internResourceNames(x, space);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    if ((k === 'requests' || k === 'limits' || k === 'overhead') && x && typeof x === 'object' && !Array.isArray(x)) {
      for (const name of Object.keys(x)) if (isValidResourceName(name)) space.intern(name);
    } else internResourceNames(x, space);
  }
}
