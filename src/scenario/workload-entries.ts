// From a scenario's objects to what the run simulates, per `workloads` entry: Services, HorizontalPodAutoscalers
// and PodDisruptionBudgets are read as such, every other object as a workload whose pod template takes the
// entry's timings (runTime, exitCode, warmUp, init containers, preStop, shutdown). A timing that reaches no
// pod is a warning; an init container named but not there is an error.
import type { LifecycleTimings } from '../model/workloads.js';
import type { ResourceSpace } from '../model/resources.js';
import { systemDefaultConstraints } from '../scheduler/plugins/pod-topology-spread.js';
import type { BudgetSpec } from '../workload/budgets.js';
import { readPodDisruptionBudget } from '../workload/budgets.js';
import { readHPA, type HPASpec } from '../workload/hpa-spec.js';
import { toWorkload, type ManifestObject, type PriorityClassInfo } from '../workload/manifests.js';
import { imageName } from '../workload/pod-spec.js';
import { readService, type ServiceSpec } from '../workload/service-spec.js';
import type { WorkloadSpec } from '../workload/spec.js';
import type { Config, WorkloadEntry } from './config.js';
import { didYouMean } from './errors.js';
import type { EntryObject } from './objects.js';
import { withRestartedAt } from './rollouts.js';
import type { YamlDoc } from './yaml-source.js';

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

export class EntrySpecs {
  readonly workloads: WorkloadSpec[] = [];
  readonly services: ServiceSpec[] = [];
  readonly hpas: { spec: HPASpec; at: number; o: ManifestObject }[] = [];
  readonly budgets: BudgetSpec[] = [];
  /** Entries whose objects made workloads: their timings apply. */
  private readonly runTimeUsed = new Set<number>();
  /** Per entry: the names of its pods' init containers that run to completion (not sidecars). */
  private readonly initNames: Map<number, Set<string>>;
  private readonly imageSizes: Map<string, number>;

  constructor(
    private readonly cfg: Config,
    private readonly space: ResourceSpace,
    private readonly priorities: Map<string, PriorityClassInfo>,
  ) {
    this.initNames = new Map(cfg.workloads.map((_w, i) => [i, new Set<string>()]));
    this.imageSizes = new Map(Object.entries(cfg.cluster.imageSizes).map(([k, v]) => [imageName(k), v]));
  }

  /** The workload of object `o` applied by entry `entry` at time `at`, with the entry's timings; null for kinds that make no pods. */
  readonly specOf = (o: ManifestObject, entry: number, at: number): WorkloadSpec | null => {
    const w = this.cfg.workloads[entry]!;
    const spec = toWorkload(
      o,
      {
        space: this.space,
        at,
        runTime: w.runTime ?? null,
        exitCode: w.exitCode,
        warmUp: w.warmUp ?? null,
        lifecycle: lifecycleTimings(w),
        defaultImageSize: this.cfg.cluster.imageSize,
        imageSizes: this.imageSizes,
        systemDefaultSpread: systemDefaultConstraints,
      },
      this.priorities,
    );
    return spec && withRestartedAt(spec, o);
  };

  /** Reads every object at its entry's time, in order. */
  read(objects: readonly EntryObject[]): void {
    for (const { o, entry } of objects) {
      const w = this.cfg.workloads[entry]!;
      if (o.kind === 'Service') {
        this.services.push(readService(o));
        continue;
      }
      if (o.kind === 'HorizontalPodAutoscaler') {
        this.hpas.push({ spec: readHPA(o), at: w.at, o });
        continue;
      }
      if (o.kind === 'PodDisruptionBudget') {
        this.budgets.push(readPodDisruptionBudget(o, w.at));
        continue;
      }
      const spec = this.specOf(o, entry, w.at);
      if (!spec) continue;
      this.workloads.push(spec);
      this.runTimeUsed.add(entry);
      for (const c of spec.template.lifecycle?.initContainers ?? []) if (!c.restartable) this.initNames.get(entry)!.add(c.name);
    }
  }

  /**
   * initRunTimeByName must name init containers of the entry's pods that run to completion; an entry whose
   * objects made no workload gets a warning for each timing it gives (`raw`: the file as written).
   */
  checkTimings(raw: unknown, doc: YamlDoc, display: string, warnings: string[]): void {
    this.cfg.workloads.forEach((w, i) => {
      if (!w.initRunTimeByName || !this.runTimeUsed.has(i)) return;
      const names = [...this.initNames.get(i)!];
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
    this.cfg.workloads.forEach((_w, i) => {
      for (const key of ['runTime', 'exitCode', 'warmUp', ...LIFECYCLE_KEYS] as const)
        if ((raw as { workloads: Record<string, unknown>[] }).workloads[i]![key] !== undefined && !this.runTimeUsed.has(i))
          warnings.push(
            `${display}:${doc.locate(['workloads', i, key]).line}: workloads[${i}].${key} has no effect: it applies to the pods of the entry's manifests, and this entry creates none`,
          );
    });
  }
}
