// Loading a scenario: YAML with positions -> validated config -> typed Scenario (plain data). The steps, in
// order: the file and its overrides (--set, --seed), the schema check, node pools' and objects' resource names
// (pools.ts, objects.ts), workloads per entry (workload-entries.ts), traffic and autoscaling, rollouts, batch and
// trace streams (arrivals.ts), pools' sizes, faults, scheduler profiles; then limits and warnings.
import { dirname, resolve, basename, relative } from 'node:path';
import { stringify as yamlStringify, parse as yamlParse } from 'yaml';
import { ResourceSpace } from '../model/resources.js';
import { checkHPAMetrics, hpaTargetWarnings, readCpuLoad, readExternalMetrics } from './autoscaling.js';
import type { LoadSteps } from '../controllers/metrics-server/load-usage.js';
import { readTraffic } from '../traffic/spec.js';
import { matchSelector } from '../model/selectors.js';
import { readRollouts } from './rollouts.js';
import { ScenarioError } from './errors.js';
import { SCENARIO_SCHEMA, NOT_YET } from './format.js';
import { poolSizes, readClusterAutoscaler } from './cluster-autoscaler.js';
import { parseConstraint } from '../sweep/objective.js';
import { parseExpectation } from '../expect/expectation.js';
import { check, fillDefaults, type CheckContext } from './schema.js';
import { pathText, toPlain, type PathSeg, type YamlDoc } from './yaml-source.js';
import { resolveProfiles } from './profiles.js';
import { resolveKey } from './paths.js';
import { readStreams } from './arrivals.js';
import { fitWarnings, notSimulatedWarnings, streamFitWarnings } from './warnings.js';
import { readFaults } from './faults.js';
import { checkLimits, DEFAULT_LIMITS, type Limits } from './limits.js';
import type { Config } from './config.js';
import { parseScenario, readColumn, type ManifestCache } from './sources.js';
import { readObjects } from './objects.js';
import { EntrySpecs } from './workload-entries.js';
import { internPoolResources, poolSpecs } from './pools.js';

export type { NodePoolSpec, Scenario } from './types.js';
import type { Scenario } from './types.js';

export interface LoadOptions {
  /**
   * --seed: a number, or the text as typed. The command line may also pass what its parser made of a bad value
   * (NaN, or a list when the option was repeated); the loader refuses those with an error naming --seed.
   */
  seed?: number | string | readonly (number | string)[];
  /** --set path=value overrides, applied before validation. */
  set?: string[];
  /**
   * Parsed manifest files to reuse across loads (a sweep worker loads the same files for every run).
   * Keyed by path, size and modification time; the parsed documents are never modified.
   */
  manifestCache?: ManifestCache;
  /** Parsed scenario files to reuse across loads, keyed like manifestCache; each load works on a copy. */
  scenarioCache?: Map<string, YamlDoc[]>;
  /** Ceilings on the work asked for (--limit); DEFAULT_LIMITS when absent. */
  limits?: Limits;
}

/** Splits "key=value" (the value read as YAML). */
export function parseSet(expr: string): { key: string; value: unknown } {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new ScenarioError('--set', 0, 0, '', `expected path=value, got "${expr}"`);
  let value: unknown;
  try {
    value = yamlParse(expr.slice(eq + 1));
  } catch {
    value = expr.slice(eq + 1);
  }
  return { key: expr.slice(0, eq).trim(), value };
}

/** Checks a --seed value; errors name the option, not the scenario's `seed:` line. */
export function checkSeed(seed: NonNullable<LoadOptions['seed']>): number {
  const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
  if (Array.isArray(seed)) {
    if (seed.length !== 1)
      throw new ScenarioError(
        '--seed',
        0,
        0,
        '',
        `expected one integer, got ${seed.length} values: ${seed.map((v) => String(v)).join(', ')}`,
        'give --seed once',
      );
    return checkSeed(seed[0] as number | string);
  }
  const n = typeof seed === 'string' && /^\s*-?\d+\s*$/.test(seed) ? Number(seed) : seed;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ScenarioError(
      '--seed',
      0,
      0,
      '',
      `expected an integer, got ${Number.isNaN(n) ? 'something that is not a number' : shown(n)}`,
    );
  }
  if (n < 0) throw new ScenarioError('--seed', 0, 0, '', `expected a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(n))
    throw new ScenarioError('--seed', 0, 0, '', `expected an integer below 2^53 = 9007199254740992, got ${String(seed).trim()}`);
  return n;
}

/**
 * The comment atop scenario.resolved.yaml: where it came from and the command that repeats the run. Its
 * file paths (manifests, traces) stay relative to the original scenario's directory.
 */
function resolvedHeader(display: string, seed: number, sets: readonly string[]): string {
  const q = (x: string) => (/^[\w./:=@%+,-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`);
  const dir = dirname(display);
  return [
    `# Resolved from ${display}: defaults filled in, --set and --seed applied.`,
    `# Repeat the run with: kubesim run ${q(display)} --seed ${seed}${sets.map((x) => ` --set ${q(x)}`).join('')}`,
    `# (or run this file from a copy in ${dir === '.' ? 'the same directory' : `${dir}/`}: its file paths are relative to that directory)`,
    '',
  ].join('\n');
}

export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
  const display = relative(process.cwd(), file) || file;
  const docs = parseScenario(file, display, opts.scenarioCache);
  if (docs.length === 0 || docs[0]!.doc.contents === null) {
    throw new ScenarioError(display, 0, 0, '', 'the file is empty; expected a scenario with at least `cluster` and `workloads`');
  }
  if (docs.length > 1) throw docs[1]!.error([], 'a scenario file holds one YAML document; put manifests in their own files');
  const doc = docs[0]!;
  for (const s of opts.set ?? []) {
    const { key, value } = parseSet(s);
    doc.override(resolveKey(toPlain(doc), key, '--set'), value, `--set ${s}`);
  }
  if (opts.seed !== undefined) doc.override(['seed'], checkSeed(opts.seed), '--seed');
  const raw = toPlain(doc);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw doc.error([], 'expected a mapping with `cluster` and `workloads` at the top');
  refuseNotYet(raw, doc);
  if (Array.isArray((raw as { traffic?: unknown }).traffic))
    throw doc.error(
      ['traffic'],
      'expected a mapping with `entrypoints` (where requests enter, with their rate) and optionally `services`, `loadBalancing`, `endpointDelay`, `slo`; got a list',
      'put the list under traffic.entrypoints',
    );
  const dir = dirname(file);
  const sources = [resolve(file)];
  const ctx: CheckContext = {
    doc,
    readColumn: (f, col, at) => {
      sources.push(resolve(dir, f));
      return readColumn(resolve(dir, f), col, doc, at);
    },
  };
  const cfg = check(raw, SCENARIO_SCHEMA, ctx, []) as Config;
  const space = new ResourceSpace();
  // Node pools' resource names first, then the objects' (so every vector has the final size).
  internPoolResources(cfg, doc, space);
  const { objects, priorities, notSimulated } = readObjects(cfg, doc, dir, sources, space, opts.manifestCache);

  const entries = new EntrySpecs(cfg, space, priorities);
  entries.read(objects);
  const { workloads, services, hpas, budgets } = entries;
  const warnings: string[] = [];
  const traffic = cfg.traffic ? readTraffic(cfg.traffic, services, doc, dir, sources) : null;
  for (const svc of services) {
    if (!svc.selector) continue;
    const sel = svc.selector;
    if (!workloads.some((w) => w.namespace === svc.namespace && matchSelector(sel, w.template.labels)))
      warnings.push(
        `${svc.source.file}:${svc.source.line}: Service "${svc.name}" selects no pods of the workloads: it has no endpoints, and requests to it fail`,
      );
  }
  const externalMetrics = readExternalMetrics(cfg.externalMetrics, doc);
  const metricSources = { services: traffic ? [...traffic.serving.keys()] : [], externals: [...externalMetrics.keys()] };
  for (const h of hpas) checkHPAMetrics(h.spec, h.o, metricSources);
  warnings.push(...hpaTargetWarnings(hpas, workloads));
  const cpuLoads = new Map<string, LoadSteps>();
  cfg.workloads.forEach((w, i) => {
    if (w.cpuLoad === undefined) return;
    const steps = readCpuLoad(w.cpuLoad, ['workloads', i, 'cpuLoad'], doc);
    for (const { o, entry } of objects)
      if (entry === i && (o.kind === 'Deployment' || o.kind === 'StatefulSet')) cpuLoads.set(`${o.kind}/${o.namespace}/${o.name}`, steps);
  });
  const applied = objects.map(({ o, entry }) => ({ o, entry, at: cfg.workloads[entry]!.at }));
  workloads.push(...readRollouts(cfg.rollouts, applied, doc, entries.specOf));
  entries.checkTimings(raw, doc, display, warnings);
  const arrivals = readStreams(cfg, doc, dir, space, priorities, sources);

  const sizes = poolSizes(cfg.cluster.nodePools, cfg.cluster.autoscaler !== undefined, doc);
  const autoscaler = cfg.cluster.autoscaler ? readClusterAutoscaler(cfg.cluster.autoscaler, doc) : null;
  if (autoscaler && sizes.every((z) => z.maxCount === null))
    warnings.push(`${display}: cluster.autoscaler is set but no node pool has maxCount: it has nothing to resize`);
  const pools = poolSpecs(cfg, sizes, space);
  const faults = readFaults(
    cfg.faults,
    pools,
    doc,
    display,
    (f) => {
      const path = resolve(dir, f);
      sources.push(path);
      return path;
    },
    cfg.duration,
  );

  const sch = cfg.cluster.scheduler;
  const profiles = resolveProfiles(sch.profile, sch.profiles, doc, space);
  const scenario: Scenario = {
    file: display,
    name: cfg.name ?? basename(file).replace(/\.ya?ml$/, ''),
    seed: cfg.seed,
    durationMs: cfg.duration,
    metricsIntervalMs: cfg.metrics.interval,
    space,
    pools,
    scheduler: {
      profile: sch.profile,
      percentageOfNodesToScore: sch.percentageOfNodesToScore,
      latency: sch.latency,
      popFromBackoffQ: sch.popFromBackoffQ,
      profiles,
    },
    podStartup: cfg.cluster.podStartup,
    autoscaler,
    images: { serialize: cfg.cluster.serializeImagePulls },
    faults,
    workloads,
    budgets,
    arrivals,
    services,
    traffic,
    hpas: hpas.map(({ spec, at }) => ({ spec, at })),
    cpuLoads,
    externalMetrics,
    notSimulated,
    warnings: [],
    sources,
    raw,
    sweep: readSweep(cfg as unknown as { sweep?: RawSweep }, doc),
    expect: ((cfg as unknown as { expect?: string[] }).expect ?? []).map((text, i) => {
      const at = doc.locate(['expect', i]);
      const e = parseExpectation(text, { file: display, ...at, path: `expect[${i}]` });
      if ('error' in e) throw doc.error(['expect', i], e.error);
      return e;
    }),
    resolvedYaml: `${resolvedHeader(display, cfg.seed, opts.set ?? [])}${yamlStringify(fillDefaults(raw, SCENARIO_SCHEMA))}`,
  };
  if (scenario.metricsIntervalMs <= 0) throw doc.error(['metrics', 'interval'], 'expected a positive interval');
  if (scenario.durationMs <= 0) throw doc.error(['duration'], 'expected a positive duration');
  checkLimits(scenario, opts.limits ?? DEFAULT_LIMITS, (path) => ({ file: display, ...doc.locate(path), path: pathText(path) }));
  scenario.warnings = [
    ...fitWarnings(scenario),
    ...streamFitWarnings(scenario),
    ...notSimulatedWarnings(objects.map(({ o }) => o)),
    ...warnings,
  ];
  return scenario;
}

/**
 * Sections of the scenario format this version does not run are refused in one message that names every
 * one present with its line, in file order, so a user removes them in one edit.
 */
function refuseNotYet(raw: unknown, doc: YamlDoc): void {
  const found: PathSeg[][] = [];
  const walk = (v: unknown, segs: string[], path: PathSeg[]) => {
    if (segs.length === 0) {
      if (v !== undefined) found.push(path);
      return;
    }
    const [head, ...rest] = segs as [string, ...string[]];
    if (!v || typeof v !== 'object') return;
    const list = head.endsWith('[]');
    const key = list ? head.slice(0, -2) : head;
    const next = Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
    if (!list) return walk(next, rest, [...path, key]);
    if (Array.isArray(next)) next.forEach((item, i) => walk(item, rest, [...path, key, i]));
  };
  for (const key of NOT_YET) walk(raw, key.split('.'), []);
  if (found.length === 0) return;
  const at = found.map((p) => ({ p, ...doc.locate(p, true) })).sort((a, b) => a.line - b.line || a.column - b.column);
  const first = at[0]!;
  const names = at.map((x) => `${pathText(x.p)} (line ${x.line})`);
  if (at.length === 1)
    throw doc.error(
      first.p,
      `"${String(first.p.at(-1))}" is part of the scenario format but not supported yet by this version of kubesim`,
      'remove it to run the rest',
      true,
    );
  throw new ScenarioError(
    doc.file,
    first.line,
    first.column,
    '',
    `${names.join(', ')} are part of the scenario format but not supported yet by this version of kubesim`,
    'remove them to run the rest',
  );
}

interface RawSweep {
  grid: Record<string, unknown>;
  seeds: number;
  baseline?: string;
  objective?: { minimize: string; constraints: string[] };
}

/** The `sweep:` block, its objective's constraints parsed. */
function readSweep(cfg: { sweep?: RawSweep }, doc: YamlDoc): Scenario['sweep'] {
  const sw = cfg.sweep;
  if (!sw) return null;
  const o = sw.objective;
  const objective = o
    ? {
        minimize: o.minimize,
        constraints: o.constraints.map((text, i) => {
          const c = parseConstraint(text);
          if ('error' in c) throw doc.error(['sweep', 'objective', 'constraints', i], c.error);
          return c;
        }),
      }
    : null;
  return { grid: sw.grid, seeds: sw.seeds, ...(sw.baseline !== undefined ? { baseline: sw.baseline } : {}), objective };
}
