// The kubelet's rules in Kubernetes v1.36 with default feature gates, as pure functions under their upstream
// names: container restart backoff, restart decisions and pod phase, probe defaults and the prober worker,
// and the grace period of a kill (the image pull policy rules are in image-rules.ts, exported from here too).
// Times are integer ms; upstream seconds are × SECOND.
import { SECOND } from '../../engine/time.js';

export { parseImageName, setDefaultsContainerImagePullPolicy, shouldPullImage, type ImageName, type PullPolicy } from './image-rules.js';

// ---------------------------------------------------------------------------------------------------------
// CrashLoopBackOff (staging/src/k8s.io/client-go/util/flowcontrol/backoff.go, pkg/kubelet/kubelet.go)

/** flowcontrol.Backoff's parameters. An entry has expired (starts over) when eventTime − lastUpdate > expireAfterMs. */
export interface BackoffConfig {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly expireAfterMs: number;
}

/** flowcontrol backoffEntry: one key's current delay and the time Next last ran for it. */
export interface BackoffEntry {
  readonly backoffMs: number;
  readonly lastUpdateMs: number;
}

/** kubelet.go initialCrashLoopBackOff and MaxCrashLoopBackOff (= config/v1beta1 MaxContainerBackOff). */
export const INITIAL_CRASH_LOOP_BACKOFF_MS = 10 * SECOND;
export const MAX_CRASH_LOOP_BACKOFF_MS = 300 * SECOND;
/** kubelet.go reducedInitialCrashLoopBackOff / reducedMaxCrashLoopBackOff (gate ReduceDefaultCrashLoopBackOffDecay). */
export const REDUCED_INITIAL_CRASH_LOOP_BACKOFF_MS = 1 * SECOND;
export const REDUCED_MAX_CRASH_LOOP_BACKOFF_MS = 60 * SECOND;
/** kubelet.go NewMainKubelet: crashLoopBackOff.HasExpiredFunc is `eventTime.Sub(lastUpdate) > 600*time.Second`. */
export const CRASH_LOOP_BACKOFF_RESET_MS = 600 * SECOND;

/** flowcontrol.NewBackOff: no jitter, and the default hasExpired of 2 × max. */
export function newBackOff(initialMs: number, maxMs: number): BackoffConfig {
  return { initialMs, maxMs, expireAfterMs: 2 * maxMs };
}

/** The kubelet's feature gates and configuration that shape the crash-loop backoff; omitted = v1.36 default. */
export interface CrashLoopBackOffOptions {
  /** Alpha since v1.33, off by default in v1.36. */
  readonly reduceDefaultCrashLoopBackOffDecay?: boolean;
  /** Alpha in v1.32, beta and on by default since v1.35. */
  readonly kubeletCrashLoopBackOffMax?: boolean;
  /** crashLoopBackOff.maxContainerRestartPeriod; the kubelet config defaults it to 300 s when that gate is on. */
  readonly maxContainerRestartPeriodMs?: number;
}

/** kubelet.go newCrashLoopBackOff, plus the fixed 600 s reset that NewMainKubelet installs as HasExpiredFunc. */
export function newCrashLoopBackOff(o: CrashLoopBackOffOptions = {}): BackoffConfig {
  let maxMs = MAX_CRASH_LOOP_BACKOFF_MS;
  let initialMs = INITIAL_CRASH_LOOP_BACKOFF_MS;
  if (o.reduceDefaultCrashLoopBackOffDecay) {
    maxMs = REDUCED_MAX_CRASH_LOOP_BACKOFF_MS;
    initialMs = REDUCED_INITIAL_CRASH_LOOP_BACKOFF_MS;
  }
  if (o.kubeletCrashLoopBackOffMax ?? true) {
    maxMs = o.maxContainerRestartPeriodMs ?? MAX_CRASH_LOOP_BACKOFF_MS;
    if (maxMs < initialMs) initialMs = maxMs;
  }
  return { initialMs, maxMs, expireAfterMs: CRASH_LOOP_BACKOFF_RESET_MS };
}

/** backoff.go hasExpired: strictly more than expireAfterMs from the entry's last update to the event. */
export function hasExpired(cfg: BackoffConfig, eventTimeMs: number, lastUpdateMs: number): boolean {
  return eventTimeMs - lastUpdateMs > cfg.expireAfterMs;
}

/** backoff.go Get: the current delay, 0 without an entry. */
export function backoffGet(entry: BackoffEntry | null): number {
  return entry?.backoffMs ?? 0;
}

/** backoff.go Next: a missing or expired entry starts at initial; otherwise the delay doubles up to max. lastUpdate = now. */
export function backoffNext(cfg: BackoffConfig, entry: BackoffEntry | null, eventTimeMs: number, nowMs: number): BackoffEntry {
  if (entry === null || hasExpired(cfg, eventTimeMs, entry.lastUpdateMs)) return { backoffMs: cfg.initialMs, lastUpdateMs: nowMs };
  return { backoffMs: Math.min(entry.backoffMs * 2, cfg.maxMs), lastUpdateMs: nowMs };
}

/** backoff.go IsInBackOffSince: now − eventTime < the current delay (never for a missing or expired entry). */
export function isInBackOffSince(cfg: BackoffConfig, entry: BackoffEntry | null, eventTimeMs: number, nowMs: number): boolean {
  if (entry === null || hasExpired(cfg, eventTimeMs, entry.lastUpdateMs)) return false;
  return nowMs - eventTimeMs < entry.backoffMs;
}

/** backoff.go IsInBackOffSinceUpdate: eventTime − lastUpdate < the current delay. */
export function isInBackOffSinceUpdate(cfg: BackoffConfig, entry: BackoffEntry | null, eventTimeMs: number): boolean {
  if (entry === null || hasExpired(cfg, eventTimeMs, entry.lastUpdateMs)) return false;
  return eventTimeMs - entry.lastUpdateMs < entry.backoffMs;
}

/** backoff.go GC: drops an entry that has expired as of now. */
export function backoffGC(cfg: BackoffConfig, entry: BackoffEntry | null, nowMs: number): BackoffEntry | null {
  return entry !== null && hasExpired(cfg, nowMs, entry.lastUpdateMs) ? null : entry;
}

export interface DoBackOffResult {
  readonly inBackOff: boolean;
  readonly entry: BackoffEntry | null;
  /** When the container may start: now when not in backoff, else the end of the window. */
  readonly restartAtMs: number;
}

/**
 * kuberuntime_manager.go doBackOff, run when SyncPod is about to start a container. finishedAtMs is the exit of
 * its latest instance (null: it never ran, no backoff). In backoff: IsInBackOffSince(FinishedAt). Otherwise:
 * Next(FinishedAt), which stamps lastUpdate with the start time, and the container starts now.
 */
export function doBackOff(cfg: BackoffConfig, entry: BackoffEntry | null, finishedAtMs: number | null, nowMs: number): DoBackOffResult {
  if (finishedAtMs === null) return { inBackOff: false, entry, restartAtMs: nowMs };
  if (entry !== null && isInBackOffSince(cfg, entry, finishedAtMs, nowMs)) {
    return { inBackOff: true, entry, restartAtMs: finishedAtMs + entry.backoffMs };
  }
  return { inBackOff: false, entry: backoffNext(cfg, entry, finishedAtMs, nowMs), restartAtMs: nowMs };
}

// ---------------------------------------------------------------------------------------------------------
// Restart decisions and pod phase

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** A container-level restartPolicy and restartPolicyRules (ContainerRestartRules: alpha v1.34, beta and on since v1.35). */
export interface ContainerRestartSpec {
  readonly restartPolicy?: RestartPolicy;
  readonly restartPolicyRules?: readonly {
    readonly action: 'Restart';
    readonly exitCodes?: { operator: 'In' | 'NotIn'; values: readonly number[] };
  }[];
}

/** pkg/api/v1/pod/util.go ContainerShouldRestart: matching rule, else container policy, else the pod's policy. */
export function containerShouldRestart(container: ContainerRestartSpec, podRestartPolicy: RestartPolicy, exitCode: number): boolean {
  if (container.restartPolicy !== undefined) {
    for (const rule of container.restartPolicyRules ?? []) {
      if (!rule.exitCodes) continue;
      // findMatchingContainerRestartRule: the first rule whose exit codes match decides.
      if ((rule.exitCodes.operator === 'In') === rule.exitCodes.values.includes(exitCode)) return true;
    }
    return policyRestarts(container.restartPolicy, exitCode);
  }
  return policyRestarts(podRestartPolicy, exitCode);
}

function policyRestarts(policy: RestartPolicy, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** The runtime's view of a container's latest instance (kubecontainer.Status); null when it never ran. */
export type RuntimeContainerStatus =
  { readonly state: 'running' } | { readonly state: 'exited'; readonly exitCode: number } | { readonly state: 'unknown' };

/**
 * pkg/kubelet/container/helpers.go ShouldContainerBeRestarted: never for a deleted pod; a container that never
 * ran (or was garbage-collected) or is in an unknown state starts; a running one does not; an exited one
 * follows its restart policy.
 */
export function shouldContainerBeRestarted(
  podRestartPolicy: RestartPolicy,
  status: RuntimeContainerStatus | null,
  deleting = false,
  container: ContainerRestartSpec = {},
): boolean {
  if (deleting) return false;
  if (status === null || status.state === 'unknown') return true;
  if (status.state === 'running') return false;
  return containerShouldRestart(container, podRestartPolicy, status.exitCode);
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** An app container's API status as getPhase reads it; null = no status yet. A waiting container that ran before has lastExitCode. */
export type ContainerStatusForPhase =
  | { readonly state: 'waiting'; readonly lastExitCode?: number }
  | { readonly state: 'running' }
  | { readonly state: 'terminated'; readonly exitCode: number };

/**
 * pkg/kubelet/kubelet_pods.go getPhase, for the app containers of a non-static pod without init containers.
 * podIsTerminal: the pod worker is terminating the pod (deleted, evicted), so nothing restarts whatever the policy.
 */
export function getPhase(
  restartPolicy: RestartPolicy,
  statuses: readonly (ContainerStatusForPhase | null)[],
  podIsTerminal = false,
): PodPhase {
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s === null) unknown++;
    else if (s.state === 'running') running++;
    else if (s.state === 'terminated') {
      stopped++;
      if (s.exitCode === 0) succeeded++;
    } else if (s.lastExitCode !== undefined) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

// ---------------------------------------------------------------------------------------------------------
// Probes (pkg/apis/core/v1/defaults.go, pkg/kubelet/prober/worker.go)

export interface Probe {
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
  /** Probe-level override of the pod's grace period when this probe kills the container. */
  readonly terminationGracePeriodSeconds?: number;
}

/** defaults.go SetDefaults_Probe: a zero (or absent) field gets its default; initialDelaySeconds stays 0. */
export function setDefaultsProbe(p: Partial<Probe> = {}): Probe {
  return {
    ...p,
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    timeoutSeconds: p.timeoutSeconds || 1,
    periodSeconds: p.periodSeconds || 10,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
  };
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';
/** prober/results Result. Go's zero value is Success, which is why a new worker's lastResult is Success. */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

/** The worker's state: result is what the results manager holds for the current container (null before one). */
export interface ProbeWorkerState {
  readonly result: ProbeResult | null;
  readonly lastResult: ProbeResult;
  readonly resultRun: number;
  readonly onHold: boolean;
}

/** worker.go newWorker: the value a new container starts with. Not ready, alive, and not yet known to have started. */
export function initialValue(type: ProbeType): ProbeResult {
  return type === 'readiness' ? 'Failure' : type === 'liveness' ? 'Success' : 'Unknown';
}

/** worker.go newWorker. */
export function newWorker(): ProbeWorkerState {
  return { result: null, lastResult: 'Success', resultRun: 0, onHold: false };
}

/** doProbe on a new container ID: the result resets to the initial value and a hold is lifted; the run count carries over. */
export function observeNewContainer(type: ProbeType, state: ProbeWorkerState): ProbeWorkerState {
  return { ...state, result: initialValue(type), onHold: false };
}

/** What doProbe sees of the container. started: its startup probe succeeded, or it has none. */
export interface ProbeContext {
  readonly running: boolean;
  readonly sinceStartMs: number;
  readonly started: boolean;
  readonly deleting?: boolean;
}

export interface DoProbeOutcome {
  readonly state: ProbeWorkerState;
  /** The probe ran (and `success` was used). */
  readonly probed: boolean;
  /** The results manager's value changed: Ready flips, or a liveness/startup Failure that kills the container. */
  readonly changed: boolean;
}

/**
 * worker.go doProbe, one period tick for the current container. Order as upstream: on hold → skip; not running →
 * Failure; deleting → liveness/startup Success; within initialDelaySeconds (whole seconds since start) → skip;
 * startup probes only until started, the others only after; then count runs against the thresholds. A published
 * liveness Failure or any published startup result puts the worker on hold with resultRun 0 until a new container.
 */
export function doProbe(probe: Probe, type: ProbeType, state: ProbeWorkerState, ctx: ProbeContext, success: boolean): DoProbeOutcome {
  const publish = (s: ProbeWorkerState, result: ProbeResult, probed: boolean): DoProbeOutcome => ({
    state: { ...s, result },
    probed,
    changed: s.result !== result,
  });
  if (state.onHold) return { state, probed: false, changed: false };
  if (!ctx.running) return publish(state, 'Failure', false);
  if (ctx.deleting && type !== 'readiness') return publish(state, 'Success', false);
  if (Math.trunc(ctx.sinceStartMs / SECOND) < probe.initialDelaySeconds) return { state, probed: false, changed: false };
  if (ctx.started ? type === 'startup' : type !== 'startup') return { state, probed: false, changed: false };

  const result: ProbeResult = success ? 'Success' : 'Failure';
  const resultRun = state.lastResult === result ? state.resultRun + 1 : 1;
  const counted: ProbeWorkerState = { ...state, lastResult: result, resultRun };
  const threshold = result === 'Failure' ? probe.failureThreshold : probe.successThreshold;
  if (resultRun < threshold) return { state: counted, probed: true, changed: false };
  const out = publish(counted, result, true);
  if ((type === 'liveness' && result === 'Failure') || type === 'startup')
    return { ...out, state: { ...out.state, onHold: true, resultRun: 0 } };
  return out;
}

export interface ContainerProbes {
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
}

/** Each probe's outcome as a function of the time since the container started; an absent one always succeeds. */
export type ProbeOutcomes = Partial<Record<ProbeType, (sinceStartMs: number) => boolean>>;

export interface ProbeTimeline {
  /** When the startup probe passed (0 without one); null if it never did. */
  readonly startedAtMs: number | null;
  /** When the container first became Ready: started, and readiness Success (or no readiness probe). */
  readonly readyAtMs: number | null;
  /** When a liveness or startup failure made the kubelet kill the container; null within the horizon. */
  readonly restartAtMs: number | null;
  readonly restartReason: 'liveness' | 'startup' | null;
}

/**
 * prober/worker.go run and prober_manager.go UpdatePodStatus: replays the prober workers of one container from
 * its start (time 0) to horizonMs, one doProbe per tick.
 * Liveness and startup workers tick every periodSeconds from their offset (upstream: wherever the worker's ticker,
 * started when the pod was first synced, falls; kubesim: tickOffsetMs, default 0, so ticks at start + k·period).
 * The readiness worker is run at once when the container is started (the kubelet's status sync triggers it while
 * not ready) and its ticker restarts from there. Upstream's random start delay, applied only to workers created
 * within one period of a kubelet restart, is not modelled: kubesim is deterministic.
 */
export function probeTimeline(
  probes: ContainerProbes,
  outcomes: ProbeOutcomes,
  horizonMs: number,
  tickOffsetMs: Partial<Record<'liveness' | 'startup', number>> = {},
): ProbeTimeline {
  const { startupProbe: sp, readinessProbe: rp, livenessProbe: lp } = probes;
  const period = (p: Probe): number => {
    if (!(p.periodSeconds >= 1)) throw new Error(`probe periodSeconds must be >= 1, got ${p.periodSeconds}`);
    return p.periodSeconds * SECOND;
  };
  const firstTick = (p: Probe | undefined, offset = 0): number => {
    if (!p) return Infinity;
    if (offset < 0 || offset >= period(p)) throw new Error(`tick offset ${offset} ms is outside [0, period)`);
    return offset;
  };
  const result = (type: ProbeType, t: number): boolean => outcomes[type]?.(t) ?? true;
  let su = observeNewContainer('startup', newWorker());
  let rd = observeNewContainer('readiness', newWorker());
  let lv = observeNewContainer('liveness', newWorker());
  let startedAt: number | null = sp ? null : 0;
  let readyAt: number | null = startedAt !== null && !rp ? 0 : null;
  let nextStartup = firstTick(sp, tickOffsetMs.startup);
  let nextLiveness = firstTick(lp, tickOffsetMs.liveness);
  let nextReadiness = startedAt !== null && rp ? 0 : Infinity;
  const restart = (t: number, reason: 'liveness' | 'startup'): ProbeTimeline => ({
    startedAtMs: startedAt,
    readyAtMs: readyAt,
    restartAtMs: t,
    restartReason: reason,
  });

  for (;;) {
    const t = Math.min(nextStartup, nextReadiness, nextLiveness);
    if (t > horizonMs) break;
    const ctx = (started: boolean): ProbeContext => ({ running: true, sinceStartMs: t, started });
    if (t === nextStartup) {
      su = doProbe(sp!, 'startup', su, ctx(startedAt !== null), result('startup', t)).state;
      nextStartup = su.onHold ? Infinity : t + period(sp!);
      if (su.result === 'Failure') return restart(t, 'startup');
      if (su.result === 'Success' && startedAt === null) {
        startedAt = t;
        if (rp) nextReadiness = t;
        else readyAt = t;
      }
    } else if (t === nextReadiness) {
      rd = doProbe(rp!, 'readiness', rd, ctx(true), result('readiness', t)).state;
      nextReadiness = t + period(rp!);
      if (rd.result === 'Success') {
        readyAt = t;
        nextReadiness = Infinity;
      }
    } else {
      lv = doProbe(lp!, 'liveness', lv, ctx(startedAt !== null), result('liveness', t)).state;
      nextLiveness = t + period(lp!);
      if (lv.result === 'Failure') return restart(t, 'liveness');
    }
  }
  return { startedAtMs: startedAt, readyAtMs: readyAt, restartAtMs: null, restartReason: null };
}

// ---------------------------------------------------------------------------------------------------------
// Termination (pkg/registry/core/pod/strategy.go, pkg/kubelet/pod_workers.go, kuberuntime_container.go)

/** v1.DefaultTerminationGracePeriodSeconds, set by defaults.go SetDefaults_PodSpec. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** kuberuntime_manager.go minimumGracePeriodInSeconds: the shortest SIGTERM-to-SIGKILL window a container gets. */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

/**
 * pod strategy.go CheckGracefulDelete: the deletion's gracePeriodSeconds, else the pod's terminationGracePeriodSeconds;
 * 0 for a pod not yet scheduled or already Succeeded/Failed; a negative value becomes 1. 0 removes the object at once.
 */
export function checkGracefulDelete(o: {
  readonly gracePeriodSeconds?: number;
  readonly terminationGracePeriodSeconds?: number;
  readonly scheduled: boolean;
  readonly terminal: boolean;
}): number {
  let period = o.gracePeriodSeconds ?? o.terminationGracePeriodSeconds ?? 0;
  if (!o.scheduled || o.terminal) period = 0;
  return period < 0 ? 1 : period;
}

/**
 * pod_workers.go calculateEffectiveGracePeriod: a terminating pod's grace period can only shrink. The API's
 * deletionGracePeriodSeconds, then a kubelet override (eviction), each apply when shorter (or when none is set yet);
 * still 0 → the pod's terminationGracePeriodSeconds; never below 1 s. currentSeconds is the value so far (0 = none).
 */
export function calculateEffectiveGracePeriod(o: {
  readonly currentSeconds: number;
  readonly deletionGracePeriodSeconds?: number;
  readonly overrideSeconds?: number;
  readonly terminationGracePeriodSeconds?: number;
}): { gracePeriodSeconds: number; shortened: boolean } {
  let grace = o.currentSeconds;
  for (const override of [o.deletionGracePeriodSeconds, o.overrideSeconds]) {
    if (override !== undefined && (grace === 0 || override < grace)) grace = override;
  }
  if (grace === 0 && o.terminationGracePeriodSeconds !== undefined) grace = o.terminationGracePeriodSeconds;
  if (grace < 1) grace = 1;
  return { gracePeriodSeconds: grace, shortened: o.currentSeconds !== 0 && o.currentSeconds !== grace };
}

export type ContainerKillReason = 'startupProbe' | 'livenessProbe' | 'other';

/**
 * kuberuntime_container.go setTerminationGracePeriod, for a kill without an override: the pod's
 * deletionGracePeriodSeconds, else the failing probe's terminationGracePeriodSeconds, else the pod's (2 s if none).
 */
export function setTerminationGracePeriod(o: {
  readonly deletionGracePeriodSeconds?: number;
  readonly terminationGracePeriodSeconds?: number;
  readonly probeTerminationGracePeriodSeconds?: number;
  readonly reason: ContainerKillReason;
}): number {
  if (o.deletionGracePeriodSeconds !== undefined) return o.deletionGracePeriodSeconds;
  if (o.terminationGracePeriodSeconds === undefined) return MINIMUM_GRACE_PERIOD_SECONDS;
  if (o.reason !== 'other' && o.probeTerminationGracePeriodSeconds !== undefined) return o.probeTerminationGracePeriodSeconds;
  return o.terminationGracePeriodSeconds;
}

/**
 * kuberuntime_container.go killContainer with executePreStopHook, from the moment the kill starts: the preStop hook
 * runs for up to the grace period, its whole seconds come off the grace period, and the runtime's StopContainer
 * sends SIGTERM and then SIGKILL after the rest, never less than MINIMUM_GRACE_PERIOD_SECONDS.
 * With a termination ordering (a sidecar, kuberuntime_termination_order.go waitForTurn), the container then waits
 * until turnAtMs, when the containers it follows have exited, for at most the rest of the grace period; the
 * whole seconds waited come off too.
 */
export function killContainer(
  gracePeriodSeconds: number,
  preStopMs = 0,
  turnAtMs?: number,
): { sigtermAtMs: number; sigkillAtMs: number; stopTimeoutSeconds: number } {
  let grace = gracePeriodSeconds;
  let sigtermAtMs = 0;
  if (preStopMs > 0 && grace > 0) {
    sigtermAtMs = Math.min(preStopMs, grace * SECOND);
    grace -= Math.trunc(sigtermAtMs / SECOND);
  }
  if (turnAtMs !== undefined && grace > 0) {
    const waited = Math.min(Math.max(0, turnAtMs - sigtermAtMs), grace * SECOND);
    sigtermAtMs += waited;
    grace -= Math.trunc(waited / SECOND);
  }
  if (grace < MINIMUM_GRACE_PERIOD_SECONDS) grace = MINIMUM_GRACE_PERIOD_SECONDS;
  return { sigtermAtMs, sigkillAtMs: sigtermAtMs + grace * SECOND, stopTimeoutSeconds: grace };
}
