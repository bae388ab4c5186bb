// Loading a scenario: YAML with positions -> validated config -> typed Scenario (plain data).
import { dirname, resolve, basename, relative } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { stringify as yamlStringify, parse as yamlParse } from 'yaml';
import type { Distribution } from '../engine/distributions.js';
import { ResourceSpace, isValidResourceName } from '../model/resources.js';
import { systemDefaultConstraints } from '../scheduler/plugins/pod-topology-spread.js';
import { readService, type ServiceSpec } from '../workload/service-spec.js';
import { readHPA, type HPASpec } from '../workload/hpa-spec.js';
import { checkHPAMetrics, hpaTargetWarnings, readCpuLoad, readExternalMetrics } from './autoscaling.js';
import type { LoadSteps } from '../controllers/metrics-server/load-usage.js';
import { readTraffic, type TrafficConfig } from '../traffic/spec.js';
import { matchSelector } from '../model/selectors.js';
import { readRollouts, withRestartedAt, type RolloutEntry } from './rollouts.js';
import {
  readObject,
  readPriorityClass,
  SYSTEM_PRIORITY_CLASSES,
  toWorkload,
  type ManifestObject,
  type PriorityClassInfo,
} from '../workload/manifests.js';
import type { ArrivalSpec, WorkloadSpec } from '../workload/spec.js';
import { ScenarioError, didYouMean } from './errors.js';
import { SCENARIO_SCHEMA, NOT_YET } from './format.js';
import { poolSizes, readClusterAutoscaler, type AutoscalerConfig } from './cluster-autoscaler.js';
import { parseConstraint } from '../sweep/objective.js';
import { parseExpectation } from '../expect/expectation.js';
import { check, fillDefaults, type CheckContext } from './schema.js';
import { parseYaml, pathText, readText, toPlain, type PathSeg, type YamlDoc } from './yaml-source.js';
import { resolveProfiles } from './profiles.js';
import { resolveKey } from './paths.js';
import { batchSpec, traceSpec } from './arrivals.js';
import { fitWarnings, notSimulatedWarnings, streamFitWarnings } from './warnings.js';
import { readFaults } from './faults.js';
import { imageName } from '../workload/pod-spec.js';
import { readPodDisruptionBudget, type BudgetSpec } from '../workload/budgets.js';
import { checkLimits, DEFAULT_LIMITS, type Limits } from './limits.js';

export type { NodePoolSpec, Scenario } from './types.js';
import type { NodePoolSpec, Scenario } from './types.js';
import type { Taint } from '../model/selectors.js';
import type { LifecycleTimings } from '../model/workloads.js';

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
  manifestCache?: Map<string, { doc: YamlDoc; value: unknown }[]>;
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

  // Node pools (extended resources first, so every vector has the final size).
  const poolNames = new Set<string>();
  cfg.cluster.nodePools.forEach((p, i) => {
    if (poolNames.has(p.name)) throw doc.error(['cluster', 'nodePools', i, 'name'], `duplicate node pool name "${p.name}"`);
    poolNames.add(p.name);
    for (const k of Object.keys(p.allocatable)) {
      if (!isValidResourceName(k))
        throw doc.error(
          ['cluster', 'nodePools', i, 'allocatable', k],
          `unknown resource name "${k}"`,
          'extended resources are domain-qualified, e.g. nvidia.com/gpu',
          true,
        );
      space.intern(k);
    }
  });

  // Manifests: read every object first (PriorityClasses and resource names are needed before pods).
  const objects: { o: ManifestObject; entry: number }[] = [];
  const notSimulated = new Map<string, number>();
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
    for (const y of manifestDocs(w, i, dir, doc, sources, opts.manifestCache)) {
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
  const seen = new Map<string, { o: ManifestObject; entry: number }>();
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
    } else if (
      ![
        'Pod',
        'Deployment',
        'ReplicaSet',
        'Job',
        'StatefulSet',
        'DaemonSet',
        'PodDisruptionBudget',
        'Service',
        'HorizontalPodAutoscaler',
      ].includes(o.kind)
    )
      notSimulated.set(o.kind, (notSimulated.get(o.kind) ?? 0) + 1);
  }

  const imageSizes = new Map(Object.entries(cfg.cluster.imageSizes).map(([k, v]) => [imageName(k), v]));
  const workloads: WorkloadSpec[] = [];
  const budgets: BudgetSpec[] = [];
  const warnings: string[] = [];
  const runTimeUsed = new Set<number>();
  /** Per entry: the names of its pods' init containers that run to completion (not sidecars). */
  const initNames = new Map(cfg.workloads.map((_w, i) => [i, new Set<string>()]));
  const specOf = (o: ManifestObject, entry: number, at: number) => {
    const w = cfg.workloads[entry]!;
    const spec = toWorkload(
      o,
      {
        space,
        at,
        runTime: w.runTime ?? null,
        exitCode: w.exitCode,
        warmUp: w.warmUp ?? null,
        lifecycle: lifecycleTimings(w),
        defaultImageSize: cfg.cluster.imageSize,
        imageSizes,
        systemDefaultSpread: systemDefaultConstraints,
      },
      priorities,
    );
    return spec && withRestartedAt(spec, o);
  };
  const services: ServiceSpec[] = [];
  const hpas: { spec: HPASpec; at: number; o: ManifestObject }[] = [];
  for (const { o, entry } of objects) {
    const w = cfg.workloads[entry]!;
    if (o.kind === 'Service') {
      services.push(readService(o));
      continue;
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      hpas.push({ spec: readHPA(o), at: w.at, o });
      continue;
    }
    if (o.kind === 'PodDisruptionBudget') {
      budgets.push(readPodDisruptionBudget(o, w.at));
      continue;
    }
    const spec = specOf(o, entry, w.at);
    if (!spec) continue;
    workloads.push(spec);
    runTimeUsed.add(entry);
    for (const c of spec.template.lifecycle?.initContainers ?? []) if (!c.restartable) initNames.get(entry)!.add(c.name);
  }
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
  workloads.push(...readRollouts(cfg.rollouts, applied, doc, specOf));
  // initRunTimeByName names init containers of the entry's pods that run to completion: another name is a mistake.
  cfg.workloads.forEach((w, i) => {
    if (!w.initRunTimeByName || !runTimeUsed.has(i)) return;
    const names = [...initNames.get(i)!];
    for (const name of Object.keys(w.initRunTimeByName)) {
      if (names.includes(name)) continue;
      const dym = didYouMean(name, names);
      throw doc.error(
        ['workloads', i, 'initRunTimeByName', name],
        `no init container named "${name}" runs to completion in the entry's pods; ${names.length ? `they have: ${names.join(', ')}` : 'they have none'}`,
        dym ? `did you mean "${dym}"?` : undefined,
        true,
      );
    }
  });
  // runTime and exitCode time the pods of the entry's manifests; an entry without any would ignore them.
  cfg.workloads.forEach((w, i) => {
    for (const key of ['runTime', 'exitCode', 'warmUp', ...LIFECYCLE_KEYS] as const)
      if ((raw as { workloads: Record<string, unknown>[] }).workloads[i]![key] !== undefined && !runTimeUsed.has(i))
        warnings.push(
          `${display}:${doc.locate(['workloads', i, key]).line}: workloads[${i}].${key} has no effect: it applies to the pods of the entry's manifests, and this entry creates none`,
        );
  });

  const arrivals: ArrivalSpec[] = [];
  const streamNames = new Set<string>();
  cfg.workloads.forEach((w, i) => {
    const a = w.batch
      ? batchSpec(w.batch, ['workloads', i, 'batch'], doc, space, priorities, cfg.duration)
      : w.trace
        ? traceSpec(w.trace, ['workloads', i, 'trace'], doc, dir, space, priorities)
        : null;
    if (w.trace) sources.push(resolve(dir, w.trace.file as string));
    if (!a) return;
    // `at` shifts the whole stream: a trace's arrivals, or a batch stream's start.
    if (a.trace) for (const t of a.trace) t.at += w.at;
    else a.start += w.at;
    if (streamNames.has(a.name))
      throw doc.error(['workloads', i, w.batch ? 'batch' : 'trace', 'name'], `duplicate stream name "${a.name}"`);
    streamNames.add(a.name);
    arrivals.push(a);
  });

  const sizes = poolSizes(cfg.cluster.nodePools, cfg.cluster.autoscaler !== undefined, doc);
  const autoscaler = cfg.cluster.autoscaler ? readClusterAutoscaler(cfg.cluster.autoscaler, doc) : null;
  if (autoscaler && sizes.every((z) => z.maxCount === null))
    warnings.push(`${display}: cluster.autoscaler is set but no node pool has maxCount: it has nothing to resize`);
  const pools: NodePoolSpec[] = cfg.cluster.nodePools.map((p, i) => {
    const alloc = space.vector();
    for (const [k, v] of Object.entries(p.allocatable)) alloc[space.indexOf(k)!] = v as number;
    return {
      name: p.name,
      instanceType: p.instanceType,
      zones: p.zones,
      count: sizes[i]!.count,
      minCount: sizes[i]!.minCount,
      maxCount: sizes[i]!.maxCount,
      allocatable: alloc,
      pricePerHour: p.pricePerHour,
      imagePullBandwidth: p.imagePullBandwidth ?? null,
      labels: new Map(Object.entries(p.labels)),
      taints: p.taints,
      failures: p.failures ?? null,
      spot: p.spot ? { interruptions: p.spot.interruptions, noticeMs: p.spot.notice, replacement: p.spot.replacement } : null,
    };
  });
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

interface Config {
  name?: string;
  seed: number;
  duration: number;
  metrics: { interval: number };
  cluster: {
    nodePools: {
      name: string;
      instanceType: string;
      zones: string[];
      count?: number;
      minCount?: number;
      maxCount?: number;
      allocatable: Record<string, number>;
      pricePerHour: number;
      imagePullBandwidth?: number;
      labels: Record<string, string>;
      taints: Taint[];
      failures?: { timeToFailure: Distribution; timeToRepair: Distribution };
      spot?: { interruptions: Distribution; notice: number; replacement: Distribution };
    }[];
    scheduler: {
      profile: string;
      percentageOfNodesToScore: number;
      latency: Distribution;
      popFromBackoffQ: boolean;
      profiles: Record<string, unknown>[];
    };
    podStartup: Distribution;
    imageSize: number;
    imageSizes: Record<string, number>;
    serializeImagePulls: boolean;
    autoscaler?: AutoscalerConfig;
  };
  workloads: WorkloadEntry[];
  rollouts: RolloutEntry[];
  traffic?: TrafficConfig;
  externalMetrics?: Record<string, unknown>;
  faults: Record<string, Record<string, unknown>>[];
}

export interface WorkloadEntry {
  manifests?: string[];
  objects?: unknown[];
  batch?: Record<string, unknown> & { requests: Record<string, unknown> };
  trace?: Record<string, unknown>;
  at: number;
  runTime?: Distribution;
  exitCode: number;
  warmUp?: Distribution;
  initRunTime?: Distribution;
  initRunTimeByName?: Record<string, Distribution>;
  initExitCode?: number;
  preStop?: Distribution;
  cpuLoad?: unknown;
  shutdown?: Distribution;
}

const LIFECYCLE_KEYS = ['initRunTime', 'initRunTimeByName', 'initExitCode', 'preStop', 'shutdown'] as const;

/** The entry's init container, preStop and shutdown times; null when it gives none of them (every default). */
function lifecycleTimings(w: WorkloadEntry): LifecycleTimings | null {
  if (LIFECYCLE_KEYS.every((k) => w[k] === undefined)) return null;
  return {
    initRunTime: w.initRunTime ?? null,
    initRunTimeByName: w.initRunTimeByName ? new Map(Object.entries(w.initRunTimeByName)) : null,
    initExitCode: w.initExitCode ?? 0,
    preStop: w.preStop ?? null,
    shutdown: w.shutdown ?? null,
  };
}

/** The scenario file's documents: parsed, or copies of those parsed before (`--set` changes them). */
function parseScenario(file: string, display: string, cache?: Map<string, YamlDoc[]>): YamlDoc[] {
  // A file that is not there is left to readText, which says so.
  if (!cache || !existsSync(file)) return parseYaml(readText(file, display), display);
  const key = cacheKey(file);
  let docs = cache.get(key);
  if (!docs) cache.set(key, (docs = parseYaml(readText(file, display), display)));
  return docs.map((d) => d.clone());
}

/** A parsed file is reused while its path, size and modification time are the same. */
function cacheKey(f: string): string {
  const st = statSync(f);
  return `${f}\u0000${st.size}\u0000${st.mtimeMs}`;
}

function manifestDocs(
  w: WorkloadEntry,
  i: number,
  dir: string,
  doc: YamlDoc,
  sources: string[],
  cache?: LoadOptions['manifestCache'],
): { doc: YamlDoc; value: unknown }[] {
  const out: { doc: YamlDoc; value: unknown }[] = [];
  if (w.objects) {
    w.objects.forEach((_o, j) => {
      // Inline objects keep the scenario's positions: wrap them in a view of the scenario document.
      out.push({ doc: new SubDoc(doc, ['workloads', i, 'objects', j]) as unknown as YamlDoc, value: w.objects![j] });
    });
  }
  for (const [j, m] of (w.manifests ?? []).entries()) {
    const path = resolve(dir, m);
    let files: string[];
    try {
      files = statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => /\.ya?ml$/.test(f))
            .sort()
            .map((f) => resolve(path, f))
        : [path];
    } catch {
      throw doc.error(
        ['workloads', i, 'manifests', ...(w.manifests!.length > 1 ? [j] : [])],
        `manifest file not found: ${m}`,
        `paths are relative to ${relative(process.cwd(), dir) || '.'}`,
      );
    }
    for (const f of files) {
      sources.push(f);
      const name = relative(process.cwd(), f) || f;
      const key = cache ? cacheKey(f) : '';
      let docs = cache?.get(key);
      if (!docs) {
        docs = parseYaml(readText(f, name), name).map((y) => ({ doc: y, value: toPlain(y) }));
        cache?.set(key, docs);
      }
      out.push(...docs);
    }
  }
  return out;
}

/** A view of part of a document, so errors in inline objects point into the scenario file. */
class SubDoc {
  constructor(
    private readonly parent: YamlDoc,
    private readonly prefix: PathSeg[],
  ) {}
  get file(): string {
    return this.parent.file;
  }
  locate(path: readonly PathSeg[], key = false) {
    return this.parent.locate([...this.prefix, ...path], key);
  }
  error(path: readonly PathSeg[], problem: string, hint?: string, key = false) {
    return this.parent.error([...this.prefix, ...path], problem, hint, key);
  }
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

function readColumn(file: string, column: string, doc: YamlDoc, at: PathSeg[]): number[] {
  const display = relative(process.cwd(), file) || file;
  const text = readText(file, display);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const idx = header.indexOf(column);
  if (idx < 0) {
    const dym = didYouMean(column, header);
    throw doc.error(
      [...at, 'column'],
      `no column "${column}" in ${display} (columns: ${header.join(', ')})`,
      dym ? `did you mean "${dym}"?` : undefined,
    );
  }
  if (lines.length < 2) throw doc.error([...at, 'file'], `${display} holds no values below its header; expected at least one row`);
  return lines.slice(1).map((l) => {
    const cell = l.split(',')[idx]?.trim() ?? '';
    const n = Number(cell);
    return cell !== '' && Number.isFinite(n) ? n : cell;
  }) as number[];
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
