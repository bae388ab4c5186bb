// The priority expander (cluster-autoscaler 1.36, expander/priority/priority.go): the ConfigMap
// cluster-autoscaler-priority-expander maps integer priorities to lists of regular expressions over node group
// names; the options of the highest priority any of them matches are kept.
import { parse } from 'yaml';
import type { ExpansionOption } from './expanders.js';

/** priority.go PriorityConfigMapName and ConfigMapKey. */
export const PRIORITY_CONFIG_MAP_NAME = 'cluster-autoscaler-priority-expander';
export const PRIORITY_CONFIG_MAP_KEY = 'priorities';

/** priority.go priorities: priority to the patterns of node group names. */
export type Priorities = ReadonlyMap<number, readonly RegExp[]>;

/**
 * priority.go parsePrioritiesYAMLString: YAML of integer keys to lists of regular expressions. Errors in upstream's
 * words. JavaScript regular expressions stand in for Go's RE2; the simple patterns such configs use mean the same.
 */
export function parsePrioritiesYAMLString(prioritiesYAML: string): Priorities | { error: string } {
  if (prioritiesYAML === '') {
    return {
      error: `priority configuration in ${PRIORITY_CONFIG_MAP_NAME} configmap is empty; please provide valid configuration`,
    };
  }
  let config: unknown;
  try {
    config = parse(prioritiesYAML);
  } catch (e) {
    return { error: `Can't parse YAML with priorities in the configmap: ${(e as Error).message}` };
  }
  const cannotParse = (why: string) => ({ error: `Can't parse YAML with priorities in the configmap: ${why}` });
  if (config === null || config === undefined) return new Map();
  if (typeof config !== 'object' || Array.isArray(config)) return cannotParse('not a map of priorities');
  const out = new Map<number, RegExp[]>();
  for (const [key, list] of Object.entries(config as Record<string, unknown>)) {
    const prio = Number(key);
    if (!/^[+-]?\d+$/.test(key.trim()) || !Number.isSafeInteger(prio))
      return cannotParse(`priority ${JSON.stringify(key)} is not an integer`);
    if (list === null) continue;
    if (!Array.isArray(list) || list.some((re) => typeof re !== 'string')) return cannotParse(`priority ${prio} is not a list of strings`);
    for (const re of list as string[]) {
      try {
        const compiled = new RegExp(re);
        out.set(prio, [...(out.get(prio) ?? []), compiled]);
      } catch (e) {
        return { error: `Can't compile regexp rule for priority ${prio} and rule ${re}: ${(e as Error).message}` };
      }
    }
  }
  return out;
}

/** priority.go groupIDMatchesList: any pattern matches somewhere in the name (unanchored, as FindStringIndex). */
export function groupIDMatchesList(id: string, nameRegexpList: readonly RegExp[]): boolean {
  return nameRegexpList.some((re) => re.test(id));
}

/**
 * priority.go BestOptions: each option ranks at the highest priority one of whose patterns matches its node group;
 * the options at the highest rank are kept, in input order. If no option matches any priority, no option is
 * filtered out. (Priorities below 0 rank below the initial maxPrio of -1 and never win.)
 */
export function priorityBestOptions(options: readonly ExpansionOption[], priorities: Priorities): ExpansionOption[] {
  if (options.length === 0) return [];
  let maxPrio = -1;
  let best: ExpansionOption[] = [];
  for (const option of options) {
    for (const [prio, list] of priorities) {
      if (prio < maxPrio || !groupIDMatchesList(option.nodeGroup, list)) continue;
      if (prio > maxPrio) {
        maxPrio = prio;
        best = [];
      }
      if (best[best.length - 1] !== option) best.push(option);
    }
  }
  return best.length === 0 ? [...options] : best;
}
