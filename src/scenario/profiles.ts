// Resolving scheduler profiles from the scenario: built-ins by name, and user-defined profiles in the
// shape of KubeSchedulerConfiguration (plugins enabled/disabled per extension point, pluginConfig).
import { CPU, MEMORY, type ResourceSpace } from '../model/resources.js';
import { BUILTIN_PROFILES, DEFAULT_PREEMPTION, type ProfileSpec } from '../scheduler/profiles.js';
import { ACCEPTED_NOT_MODELLED, REGISTRY } from '../scheduler/registry.js';
import { didYouMean } from './errors.js';
import { NOT_MODELLED_ARGS, PLUGIN_ARGS } from './plugin-args.js';
import { check } from './schema.js';
import type { PathSeg, YamlDoc } from './yaml-source.js';

interface PluginSet {
  enabled: { name: string; weight?: number }[];
  disabled: { name: string }[];
}

interface UserProfile {
  name: string;
  base: string;
  plugins: { filter?: PluginSet; score?: PluginSet; multiPoint?: PluginSet };
  pluginConfig: { name: string; args: Record<string, unknown> }[];
  percentageOfNodesToScore?: number;
}

const KNOWN = () => [...Object.keys(REGISTRY), ...ACCEPTED_NOT_MODELLED, DEFAULT_PREEMPTION];

function checkPlugin(name: string, doc: YamlDoc, path: PathSeg[]): void {
  if (name === '*' || KNOWN().includes(name)) return;
  const dym = didYouMean(name, KNOWN());
  throw doc.error(
    path,
    `unknown scheduler plugin "${name}"`,
    dym ? `did you mean "${dym}"?` : `known plugins: ${Object.keys(REGISTRY).join(', ')}`,
  );
}

function apply(list: string[], set: PluginSet | undefined, doc: YamlDoc, path: PathSeg[]): string[] {
  if (!set) return list;
  let out = [...list];
  set.disabled.forEach((d, i) => {
    checkPlugin(d.name, doc, [...path, 'disabled', i, 'name']);
    out = d.name === '*' ? [] : out.filter((n) => n !== d.name);
  });
  set.enabled.forEach((e, i) => {
    checkPlugin(e.name, doc, [...path, 'enabled', i, 'name']);
    if (!out.includes(e.name)) out.push(e.name);
  });
  return out;
}

function applyScores(spec: ProfileSpec, set: PluginSet | undefined, doc: YamlDoc, path: PathSeg[]): void {
  if (!set) return;
  set.disabled.forEach((d) => {
    spec.score = d.name === '*' ? [] : spec.score.filter((s) => s.name !== d.name);
  });
  set.enabled.forEach((e, i) => {
    checkPlugin(e.name, doc, [...path, 'enabled', i, 'name']);
    const existing = spec.score.find((s) => s.name === e.name);
    // config/v1 defaults: an enabled score plugin without a weight gets 1.
    const weight = e.weight ?? existing?.weight ?? 1;
    if (existing) existing.weight = weight;
    else spec.score.push({ name: e.name, weight });
  });
}

/** Validates plugin args that kubesim models, converting resource names to vector indices. */
export function translateArgs(space: ResourceSpace, doc: YamlDoc | null, path: PathSeg[]) {
  return (plugin: string, args: Record<string, unknown>): Record<string, unknown> => {
    const fail = (p: PathSeg[], msg: string): never => {
      if (doc) throw doc.error([...path, ...p], msg);
      throw new Error(msg);
    };
    const resources = (list: unknown, p: PathSeg[]) => {
      const l = (list ?? [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ]) as { name: string; weight?: number }[];
      if (!Array.isArray(l)) fail(p, 'expected a list of {name, weight}');
      return l.map((r, i) => {
        const index = space.indexOf(r.name);
        if (index === undefined) fail([...p, i, 'name'], `unknown resource "${r.name}" (not requested by any pod nor offered by any node)`);
        return { index: index ?? (r.name === 'cpu' ? CPU : MEMORY), weight: r.weight ?? 1 };
      });
    };
    if (plugin === 'NodeResourcesFit') {
      const ss = (args.scoringStrategy ?? {}) as Record<string, unknown>;
      const type = (ss.type as string) ?? 'LeastAllocated';
      if (!['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(type)) {
        fail(['scoringStrategy', 'type'], `expected LeastAllocated, MostAllocated or RequestedToCapacityRatio, got "${type}"`);
      }
      const shape = ((ss.requestedToCapacityRatio as Record<string, unknown> | undefined)?.shape ?? []) as {
        utilization: number;
        score: number;
      }[];
      if (type === 'RequestedToCapacityRatio') {
        if (!Array.isArray(shape) || shape.length === 0)
          fail(['scoringStrategy', 'requestedToCapacityRatio', 'shape'], 'expected a non-empty list of {utilization, score}');
        shape.forEach((pt, i) => {
          if (!(pt.utilization >= 0 && pt.utilization <= 100))
            fail(['scoringStrategy', 'requestedToCapacityRatio', 'shape', i, 'utilization'], 'expected 0..100');
          if (!(pt.score >= 0 && pt.score <= 10))
            fail(['scoringStrategy', 'requestedToCapacityRatio', 'shape', i, 'score'], 'expected 0..10');
          if (i > 0 && pt.utilization <= shape[i - 1]!.utilization)
            fail(['scoringStrategy', 'requestedToCapacityRatio', 'shape', i, 'utilization'], 'utilization values must increase');
        });
      }
      return { type, resources: resources(ss.resources, ['scoringStrategy', 'resources']), shape };
    }
    if (plugin === 'NodeResourcesBalancedAllocation') return { resources: resources(args.resources, ['resources']) };
    return args;
  };
}

/**
 * A pluginConfig entry's args, checked as the scenario is (PLUGIN_ARGS: types, ranges, unknown fields with
 * "did you mean"), then as the run will translate them (resource names, the RequestedToCapacityRatio shape);
 * arguments that are not modelled are refused unless left empty. Returns the args with defaults filled.
 */
function checkPluginArgs(name: string, args: unknown, doc: YamlDoc, space: ResourceSpace, path: PathSeg[]): Record<string, unknown> {
  const schema = PLUGIN_ARGS[name];
  if (!schema) return (args ?? {}) as Record<string, unknown>; // accepted but not modelled: its args do not matter
  const checked = check(args ?? {}, schema, { doc }, path) as Record<string, unknown>;
  for (const key of NOT_MODELLED_ARGS[name] ?? []) {
    const v = checked[key];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0))
      throw doc.error([...path, key], `${name} ${key} is not modelled yet`, 'remove it');
  }
  if (name === 'PodTopologySpread' && checked.defaultingType === 'List') {
    throw doc.error(
      [...path, 'defaultingType'],
      'List defaulting is not modelled yet; kubesim applies the System default constraints',
      'use System',
    );
  }
  translateArgs(space, doc, path)(name, checked);
  return checked;
}

/** All profiles a run may use: the user's, plus the chosen one (built-in or user-defined). */
export function resolveProfiles(
  chosen: string,
  user: Record<string, unknown>[],
  doc: YamlDoc,
  space: ResourceSpace,
): Map<string, ProfileSpec> {
  const out = new Map<string, ProfileSpec>();
  (user as unknown as UserProfile[]).forEach((u, i) => {
    const path: PathSeg[] = ['cluster', 'scheduler', 'profiles', i];
    if (out.has(u.name) || Object.hasOwn(BUILTIN_PROFILES, u.name))
      throw doc.error([...path, 'name'], `duplicate profile name "${u.name}"`);
    const base = Object.hasOwn(BUILTIN_PROFILES, u.base) ? BUILTIN_PROFILES[u.base] : undefined;
    if (!base) {
      const dym = didYouMean(u.base, Object.keys(BUILTIN_PROFILES));
      throw doc.error(
        [...path, 'base'],
        `unknown base profile "${u.base}"`,
        dym ? `did you mean "${dym}"?` : `expected one of ${Object.keys(BUILTIN_PROFILES).join(', ')}`,
      );
    }
    const spec = base();
    spec.name = u.name;
    spec.description = `user-defined, based on ${u.base}`;
    const pp = [...path, 'plugins'];
    spec.filter = apply(apply(spec.filter, u.plugins.multiPoint, doc, [...pp, 'multiPoint']), u.plugins.filter, doc, [...pp, 'filter']);
    applyScores(spec, u.plugins.multiPoint, doc, [...pp, 'multiPoint']);
    applyScores(spec, u.plugins.score, doc, [...pp, 'score']);
    const disabledAll = [u.plugins.multiPoint, u.plugins.filter].some((s) =>
      s?.disabled.some((d) => d.name === '*' || d.name === DEFAULT_PREEMPTION),
    );
    if (disabledAll && !spec.filter.includes(DEFAULT_PREEMPTION)) spec.preemption = false;
    u.pluginConfig.forEach((c, j) => {
      checkPlugin(c.name, doc, [...path, 'pluginConfig', j, 'name']);
      spec.pluginConfig[c.name] = checkPluginArgs(c.name, c.args, doc, space, [...path, 'pluginConfig', j, 'args']);
    });
    if (u.percentageOfNodesToScore !== undefined) spec.percentageOfNodesToScore = u.percentageOfNodesToScore;
    out.set(u.name, spec);
  });
  if (!out.has(chosen)) {
    const b = Object.hasOwn(BUILTIN_PROFILES, chosen) ? BUILTIN_PROFILES[chosen] : undefined;
    if (!b) {
      const names = [...Object.keys(BUILTIN_PROFILES), ...out.keys()];
      const dym = didYouMean(chosen, names);
      throw doc.error(
        ['cluster', 'scheduler', 'profile'],
        `unknown scheduler profile "${chosen}"`,
        dym ? `did you mean "${dym}"?` : `expected one of ${names.join(', ')}`,
      );
    }
    out.set(chosen, b());
  }
  return out;
}
