// The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go, v1.36): each HPA is synced
// every 15 s (--horizontal-pod-autoscaler-sync-period) from when it is applied. A sync reads the target's scale
// (spec.replicas), clamps it to [min, max] when outside, otherwise asks the replica calculator for each metric
// (CPU from metrics-server's latest samples) and normalizes the highest proposal, with spec.behavior or without
// it (the legacy path), then scales the target. Every rescale goes to events.csv with its inputs.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { Workload, WorkloadKind } from '../../model/workloads.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import type { HPASpec } from '../../workload/hpa-spec.js';
import type { MetricsServer } from '../metrics-server/controller.js';
import type { LoadSteps } from '../metrics-server/load-usage.js';
import {
  computeReplicasForMetrics,
  DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
  DEFAULT_INITIAL_READINESS_DELAY_MS,
  DEFAULT_SYNC_PERIOD_MS,
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  isReplicaCalcError,
  normalizeDesiredReplicasOnLog,
  normalizeDesiredReplicasWithBehaviors,
  recordInitialRecommendation,
  storeScaleEvent,
  tolerancesForHpa,
  type BehaviorState,
  type HPAPodView,
  type MetricProposal,
  type NormalizedReplicas,
  RecommendationLog,
  type PodMetric,
  type Tolerances,
} from './calc.js';
import { getResourceReplicasFromColumns, PodColumns } from './columns.js';
import { metricsByName, PodView, type PodLists } from './pod-views.js';

/** An HPA as the controller keeps it: its spec and the state horizontal.go keeps per HPA. */
interface Managed {
  readonly spec: HPASpec;
  state: BehaviorState;
  /** The reason of the last FailedGetScale or FailedComputeMetricsReplicas event, so each is recorded once in a row. */
  failing: string;
  /** The target as last found (looked up again once it is deleted: a workload's key is not reused while it lives). */
  target: Workload | undefined;
  /** The spec's tolerances (tolerancesForHpa), made at the first sync. */
  tolerances?: Tolerances;
  /** Without spec.behavior: the recommendation log (state.recommendations holds only the first entry then). */
  log?: RecommendationLog;
}

/** Kinds an HPA may scale (their scale subresource), in API group apps. */
const SCALABLE: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

/** What a decision was based on, for events.csv and the tests. */
export interface HPADecision {
  readonly hpa: string;
  readonly time: number;
  readonly current: number;
  readonly desired: number;
  readonly metric: string;
  readonly reason: string;
}

export class HPAController {
  /** Tests set this: every sync checks each pod view against its pod. */
  static checkViews = false;

  private readonly kSync: number;
  private readonly hpas: Managed[] = [];
  readonly decisions: HPADecision[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly metrics: MetricsServer,
    private readonly recorder: EventRecorder | null,
    /** External metrics by name: their values over time (milli-units). */
    private readonly externals: ReadonlyMap<string, LoadSteps> = new Map(),
    private readonly syncPeriodMs = DEFAULT_SYNC_PERIOD_MS,
  ) {
    this.kSync = sim.register('hpa.sync', (i) => {
      this.sync(this.hpas[i]!);
      sim.post(this.syncPeriodMs, this.kSync, i);
    });
    const kAdd = sim.register('hpa.add', (i) => sim.post(0, this.kSync, i));
    this.kAdd = kAdd;
    // A pod view holds the pod fields the replica calculator reads, refreshed at each change of them.
    const refresh = (ev: { pod: Pod }) => (ev.pod.hpaView as PodView | null)?.refresh();
    cluster.watch('hpa', { PodRunning: refresh, PodReadyChanged: refresh, PodTerminating: refresh, PodFinished: refresh });
  }

  private readonly kAdd: number;

  /** Applies an HPA at `at` (its workloads entry's time); its first sync follows at once. */
  add(spec: HPASpec, at: number): void {
    if (spec.metrics.some((m) => m.type === 'Pods')) this.metrics.wantRequestRates();
    this.hpas.push({ spec, state: { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] }, failing: '', target: undefined });
    this.sim.scheduleAt(Math.max(at, this.sim.now), this.kAdd, this.hpas.length - 1);
  }

  private object(h: HPASpec): string {
    return `horizontalpodautoscaler/${h.namespace}/${h.name}`;
  }

  private fail(m: Managed, reason: string, message: string): void {
    if (m.failing === message) return;
    m.failing = message;
    this.recorder?.event('Warning', reason, this.object(m.spec), message);
  }

  /** The pods of the target: live pods whose top-level owner it is, as views for the replica calculator. */
  private pods(target: Workload): PodLists {
    // The lists hold views and samples that read the current state: they are made again when a pod comes or goes,
    // and their samples are read again when a pod gains or loses one.
    const cached = this.lists.get(target.index);
    const pv = this.metrics.pods.versionOf(target.index);
    const sv = this.metrics.samplesVersionOf(target.index);
    if (cached && cached.podsVersion === pv) {
      if (cached.samplesVersion !== sv) this.refreshSamples(cached, sv);
      return cached;
    }
    cached?.columns.release();
    const views: HPAPodView[] = [];
    const samples: (PodMetric | undefined)[] = [];
    const pods = this.metrics.pods.of(target.index);
    const columns = new PodColumns(pods.size);
    let sampled = 0;
    for (const p of pods.values()) {
      const v = this.view(p);
      v.attach(columns, views.length);
      const s = this.metrics.cpu(p);
      if (s) {
        columns.slot[views.length] = p.metricsSlot;
        sampled++;
      }
      views.push(v);
      samples.push(s);
    }
    const lists: PodLists = { views, samples, sampled, byName: null, columns, podsVersion: pv, samplesVersion: sv };
    this.lists.set(target.index, lists);
    return lists;
  }

  private readonly lists = new Map<number, PodLists>();

  /**
   * The same pods, some of which gained or lost a sample: each pod's sample is read again, and a pod whose sample
   * is another (or none) than the one the list holds takes its slot afresh (a settled one unsettles first).
   */
  private refreshSamples(lists: PodLists, samplesVersion: number): void {
    const { views, samples, columns } = lists;
    let sampled = 0;
    for (let i = 0; i < views.length; i++) {
      const p = (views[i] as PodView).pod;
      const s = this.metrics.cpu(p);
      if (s !== samples[i]) {
        columns.setSlot(i, s ? p.metricsSlot : -1);
        samples[i] = s;
      }
      if (s) sampled++;
    }
    lists.sampled = sampled;
    lists.byName = null;
    lists.samplesVersion = samplesVersion;
  }

  /** Each pod's view, made once and kept on the pod (Pod.hpaView): it reads the pod's current state. */
  private view(p: Pod): PodView {
    return (p.hpaView ??= new PodView(p)) as PodView;
  }

  /** An external metric's value now (milli-units), or undefined when the scenario does not define it. */
  private external(name: string, now: number): number | undefined {
    const steps = this.externals.get(name);
    if (!steps) return undefined;
    let v: number | undefined;
    for (const st of steps) if (st.atMs <= now) v = st.milli;
    return v ?? 0;
  }

  /** The proposals of a sync, reused from sync to sync. */
  private readonly proposalList: MetricProposal[] = [];
  /** What the last metric computed found, for the message of a rescale (set by proposal()). */
  private readonly said: Said = { kind: NOTHING, metric: '', name: '', usage: 0, target: 0, perPod: false };

  /** The message of the last metric computed ('' when none was). */
  private describe(): string {
    const s = this.said;
    switch (s.kind) {
      case PODS:
        return `pods metric ${s.metric}: ${fmtMilli(s.usage)} per pod, target ${fmtMilli(s.target)}`;
      case OBJECT:
        return `${s.name}: ${fmtMilli(s.usage)}${s.perPod ? ' per pod' : ''}, target ${fmtMilli(s.target)}`;
      case UTILIZATION:
        return `${s.name}: ${s.usage}% of request, target ${s.target}%`;
      case RAW:
        return `cpu resource: ${Math.round(s.usage)}m per pod, target ${Math.round(s.target)}m`;
      default:
        return '';
    }
  }

  private say(kind: number, metric: string, name: string, usage: number, target: number, perPod: boolean): void {
    const s = this.said;
    s.kind = kind;
    s.metric = metric;
    s.name = name;
    s.usage = usage;
    s.target = target;
    s.perPod = perPod;
  }

  /** One metric's proposal (horizontal.go computeReplicasForMetric). */
  private proposal(
    h: HPASpec,
    mt: HPASpec['metrics'][number],
    target: Workload,
    lists: PodLists,
    current: number,
    now: number,
    tolerances: Tolerances,
  ): MetricProposal {
    const { views, samples, columns } = lists;
    const perPod = mt.target.type === 'AverageValue';
    if (mt.type === 'Pods') {
      // A custom metrics adapter's per-pod rate (metrics-server's scrape stands in for it).
      const rates = new Map<string, PodMetric>();
      for (const v of views) {
        const r = this.metrics.requestRate((v as PodView).pod);
        if (r) rates.set(v.name, r);
      }
      const r = getMetricReplicas(calcOf(views, now), current, targetMilli(mt.target), tolerances, rates);
      if (isReplicaCalcError(r)) return r;
      this.say(PODS, mt.metric, '', r.usage, targetMilli(mt.target), false);
      return { replicas: r.replicas, metric: `pods metric ${mt.metric}` };
    }
    if (mt.type === 'Object' || mt.type === 'External') {
      const usage = mt.type === 'Object' ? this.metrics.serviceRate(`${h.namespace}/${mt.object.name}`) : this.external(mt.metric, now);
      const name =
        mt.type === 'Object' ? `${mt.metric} on ${mt.object.kind.toLowerCase()}/${mt.object.name}` : `external metric ${mt.metric}`;
      if (usage === undefined) return { error: `unable to get metric ${mt.metric}: no sample yet` };
      const r = perPod
        ? mt.type === 'Object'
          ? getObjectPerPodMetricReplicas(target.status.replicas, targetMilli(mt.target), tolerances, usage)
          : getExternalPerPodMetricReplicas(target.status.replicas, targetMilli(mt.target), tolerances, [usage])
        : mt.type === 'Object'
          ? getObjectMetricReplicas(calcOf(views, now), current, targetMilli(mt.target), tolerances, usage)
          : getExternalMetricReplicas(calcOf(views, now), current, targetMilli(mt.target), tolerances, [usage]);
      if (isReplicaCalcError(r)) return r;
      this.say(OBJECT, mt.metric, name, r.usage, targetMilli(mt.target), perPod);
      return { replicas: r.replicas, metric: name };
    }
    const name = 'cpu resource utilization (percentage of request)';
    if (mt.target.type === 'Utilization') {
      const r = getResourceReplicasFromColumns(
        columns,
        this.metrics.sampleColumns(),
        lists.sampled,
        now,
        DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
        DEFAULT_INITIAL_READINESS_DELAY_MS,
        current,
        mt.target.averageUtilization,
        tolerances,
      );
      if (HPAController.checkViews) {
        const o = getResourceReplicas(
          { ...calcOf(views, now), samples },
          current,
          mt.target.averageUtilization,
          'cpu',
          tolerances,
          (lists.byName ??= metricsByName(views, samples)),
        );
        if (JSON.stringify(o) !== JSON.stringify(r))
          throw new Error(`bug: HPA ${h.name}: the pod columns give ${JSON.stringify(r)}, the views ${JSON.stringify(o)}`);
      }
      if (isReplicaCalcError(r)) return r;
      this.say(UTILIZATION, '', name, r.utilization, mt.target.averageUtilization, false);
      return { replicas: r.replicas, metric: name };
    }
    const milli = targetMilli(mt.target);
    const r = getRawResourceReplicas(
      calcOf(views, now),
      current,
      milli,
      'cpu',
      tolerances,
      (lists.byName ??= metricsByName(views, samples)),
    );
    if (isReplicaCalcError(r)) return r;
    this.say(RAW, '', '', r.usage, milli, false);
    return { replicas: r.replicas, metric: 'cpu resource' };
  }

  /** horizontal.go reconcileAutoscaler. */
  private sync(m: Managed): void {
    const h = m.spec;
    const now = this.sim.now;
    let target = m.target;
    if (!target || target.deletedAt >= 0)
      target = m.target =
        SCALABLE.includes(h.target.kind as WorkloadKind) && h.target.apiGroup === 'apps'
          ? this.cluster.findWorkload(h.target.kind as WorkloadKind, h.namespace, h.target.name)
          : undefined;
    if (!target || target.deletedAt >= 0) {
      const resource = `${h.target.kind.toLowerCase()}s${h.target.apiGroup ? `.${h.target.apiGroup}` : ''}`;
      return this.fail(m, 'FailedGetScale', `${resource} "${h.target.name}" not found`);
    }
    this.metrics.watch(target.index);
    const current = target.spec.replicas;
    if (m.state.recommendations.length === 0) m.state.recommendations = recordInitialRecommendation(current, undefined, now);
    // Without behavior, the log lives in columns from here on (the same entries: RecommendationLog).
    if (!h.behavior) m.log ??= new RecommendationLog(m.state.recommendations);
    let desired: number;
    let reason: string;
    this.said.kind = NOTHING;
    if (current === 0 && h.minReplicas !== 0) return; // scaling is disabled since the replica count of the target is zero
    if (current > h.maxReplicas) {
      desired = h.maxReplicas;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < h.minReplicas) {
      desired = h.minReplicas;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const lists = this.pods(target);
      const { views, columns } = lists;
      if (HPAController.checkViews) {
        views.forEach((v, i) => {
          if (columns.differs(i, v)) throw new Error(`bug: HPA ${h.name}: the pod columns at ${i} are not ${v.name}'s view`);
          (v as PodView).verify();
        });
        const sampleColumns = this.metrics.sampleColumns();
        columns.verifySettled((slot) => sampleColumns.value(slot));
      }
      const tolerances = (m.tolerances ??= tolerancesForHpa(h.behavior ?? undefined));
      // (One proposal per metric, each made by proposal(), which says what it found in this.said.)
      const proposals = this.proposalList;
      proposals.length = 0;
      for (const mt of h.metrics) proposals.push(this.proposal(h, mt, target, lists, current, now, tolerances));
      const best = computeReplicasForMetrics(current, proposals);
      if (best.replicas < 0) return this.fail(m, 'FailedComputeMetricsReplicas', best.error ?? 'no metric');
      m.failing = '';
      // (The controller's recommendation log is updated in place: its entries live for the stabilization window.)
      let normalized: Omit<NormalizedReplicas, 'recommendations'>;
      if (h.behavior) {
        const n = normalizeDesiredReplicasWithBehaviors(
          h.behavior,
          current,
          best.replicas,
          h.minReplicas,
          h.maxReplicas,
          m.state,
          now,
          undefined,
          true,
        );
        m.state.recommendations = n.recommendations;
        normalized = n;
      } else normalized = normalizeDesiredReplicasOnLog(current, best.replicas, h.minReplicas, h.maxReplicas, m.log!, now);
      desired = normalized.desiredReplicas;
      if (desired === current) return;
      reason = desired < current ? 'All metrics below target' : `${best.metric} above target`;
      if (normalized.scalingLimited.status === 'True') reason += `; limited: ${normalized.scalingLimited.reason}`;
    }
    if (desired === current) return;
    // The last metric's description, made only for a rescale (events.csv, decisions).
    const metric = this.describe();
    if (h.behavior)
      m.state = { ...m.state, ...storeScaleEvent(h.behavior, m.state.scaleUpEvents, m.state.scaleDownEvents, current, desired, now) };
    this.cluster.scaleWorkload(target, desired);
    this.decisions.push({ hpa: `${h.namespace}/${h.name}`, time: now, current, desired, metric, reason });
    this.recorder?.event(
      'Normal',
      'SuccessfulRescale',
      this.object(h),
      `New size: ${desired}; reason: ${reason}${metric ? ` (${metric}; ${current} replicas)` : ''}`,
    );
  }
}

/** What a sync's last metric found (HPAController.said): NOTHING, or the kind of metric, for the rescale's message. */
const NOTHING = 0;
const PODS = 1;
const OBJECT = 2;
const UTILIZATION = 3;
const RAW = 4;

interface Said {
  kind: number;
  metric: string;
  name: string;
  usage: number;
  target: number;
  perPod: boolean;
}

/** A metric target's value or averageValue in milli-units. */
function targetMilli(t: HPASpec['metrics'][number]['target']): number {
  return ('averageValue' in t ? t.averageValue : 'value' in t ? t.value : 0) * 1000;
}

/** The replica calculator's view of the target's pods at `now`, with the controller's default periods. */
function calcOf(views: HPAPodView[], now: number) {
  return {
    pods: views,
    now,
    cpuInitializationPeriod: DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
    delayOfInitialReadinessStatus: DEFAULT_INITIAL_READINESS_DELAY_MS,
  };
}

/** A milli-unit value as a quantity: "1500m" -> "1.5", "250m" kept. */
function fmtMilli(m: number): string {
  if (!Number.isFinite(m)) return 'unknown';
  const r = Math.round(m);
  return r % 1000 === 0 ? String(r / 1000) : `${r}m`;
}
