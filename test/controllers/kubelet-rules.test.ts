import { describe, expect, it } from 'vitest';
import {
  backoffGC,
  backoffGet,
  backoffNext,
  calculateEffectiveGracePeriod,
  checkGracefulDelete,
  containerShouldRestart,
  CRASH_LOOP_BACKOFF_RESET_MS,
  DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
  doBackOff,
  doProbe,
  getPhase,
  isInBackOffSince,
  isInBackOffSinceUpdate,
  killContainer,
  newBackOff,
  newCrashLoopBackOff,
  newWorker,
  observeNewContainer,
  parseImageName,
  probeTimeline,
  setDefaultsContainerImagePullPolicy,
  setDefaultsProbe,
  setTerminationGracePeriod,
  shouldContainerBeRestarted,
  shouldPullImage,
  type BackoffConfig,
  type BackoffEntry,
  type ContainerProbes,
  type ContainerRestartSpec,
  type ContainerStatusForPhase,
  type PodPhase,
  type ProbeContext,
  type ProbeOutcomes,
  type ProbeResult,
  type ProbeTimeline,
  type ProbeType,
  type ProbeWorkerState,
  type PullPolicy,
  type RestartPolicy,
  type RuntimeContainerStatus,
} from '../../src/controllers/kubelet/rules.js';

const S = 1000;

describe('newCrashLoopBackOff (kubelet.go, v1.36 gates)', () => {
  it.each<[string, Parameters<typeof newCrashLoopBackOff>[0], number, number]>([
    ['v1.36 defaults: 10 s doubling to 300 s', {}, 10 * S, 300 * S],
    ['KubeletCrashLoopBackOffMax off (before v1.35)', { kubeletCrashLoopBackOffMax: false }, 10 * S, 300 * S],
    ['maxContainerRestartPeriod 100 s', { maxContainerRestartPeriodMs: 100 * S }, 10 * S, 100 * S],
    ['maxContainerRestartPeriod 5 s lowers the initial delay too', { maxContainerRestartPeriodMs: 5 * S }, 5 * S, 5 * S],
    [
      'ReduceDefaultCrashLoopBackOffDecay alone',
      { reduceDefaultCrashLoopBackOffDecay: true, kubeletCrashLoopBackOffMax: false },
      1 * S,
      60 * S,
    ],
    ['both gates, node max 30 s', { reduceDefaultCrashLoopBackOffDecay: true, maxContainerRestartPeriodMs: 30 * S }, 1 * S, 30 * S],
  ])('%s', (_name, options, initialMs, maxMs) => {
    expect(newCrashLoopBackOff(options)).toEqual({ initialMs, maxMs, expireAfterMs: 600 * S });
  });
  it('the reset window is a fixed 600 s, not 2 × max', () => {
    expect(newCrashLoopBackOff({ maxContainerRestartPeriodMs: 30 * S }).expireAfterMs).toBe(CRASH_LOOP_BACKOFF_RESET_MS);
    expect(newBackOff(S, 30 * S).expireAfterMs).toBe(60 * S);
  });
});

// backoff_test.go, with a fake clock that steps one second at a time.
describe('flowcontrol.Backoff', () => {
  it('TestSlowBackoff: 0, 1, 2, 4, 8, 16, 32, 50, 50, 50', () => {
    const cfg = newBackOff(S, 50 * S);
    let entry: BackoffEntry | null = null;
    const got: number[] = [];
    for (let now = S; got.length < 10; now += S) {
      got.push(backoffGet(entry) / S);
      entry = backoffNext(cfg, entry, now, now);
    }
    expect(got).toEqual([0, 1, 2, 4, 8, 16, 32, 50, 50, 50]);
  });

  const capped = (cfg: BackoffConfig): { entry: BackoffEntry; now: number } => {
    let entry: BackoffEntry | null = null;
    let now = 0;
    for (let i = 0; i <= cfg.maxMs / S; i++) {
      now += S;
      entry = backoffNext(cfg, entry, now, now);
    }
    return { entry: entry!, now };
  };

  it('TestBackoffReset: in backoff at the cap, reset once more than 2 × max has passed', () => {
    const cfg = newBackOff(S, 5 * S);
    const { entry, now } = capped(cfg);
    expect(isInBackOffSince(cfg, entry, now, now)).toBe(true);
    expect(isInBackOffSince(cfg, entry, now, now + 11 * S)).toBe(false);
  });

  it('TestBackoffHightWaterMark: max + 1 s later the delay stays at the cap', () => {
    const cfg = newBackOff(S, 5 * S);
    const { entry, now } = capped(cfg);
    expect(backoffNext(cfg, entry, now + 6 * S, now + 6 * S).backoffMs).toBe(5 * S);
  });

  it('TestBackoffGC: kept after max + 1 s, dropped after 2 × (max + 1 s)', () => {
    const cfg = newBackOff(S, 5 * S);
    const { entry, now } = capped(cfg);
    expect(backoffGC(cfg, entry, now + 6 * S)).toBe(entry);
    expect(backoffGC(cfg, entry, now + 12 * S)).toBeNull();
  });

  it('TestIsInBackOffSinceUpdate', () => {
    const cfg = newBackOff(S, 10 * S);
    const cases: [number, boolean, number][] = [
      [0, false, 0],
      [1, false, 1],
      [2, true, 2],
      [3, false, 2],
      [4, true, 4],
      [5, true, 4],
      [6, true, 4],
      [7, false, 4],
      [8, true, 8],
      [14, true, 8],
      [15, false, 8],
      [16, true, 10],
      [24, true, 10],
      [25, false, 10],
      [26, true, 10],
      [34, true, 10],
      [35, false, 10],
      [56, false, 0],
      [57, false, 1],
    ];
    let entry: BackoffEntry | null = null;
    for (const [tick, inBackOff, value] of cases) {
      const now = tick * S;
      expect([tick, isInBackOffSinceUpdate(cfg, entry, now)]).toEqual([tick, inBackOff]);
      if (inBackOff) expect(backoffGet(entry)).toBe(value * S);
      else entry = backoffNext(cfg, entry, now, now);
    }
  });
});

// kuberuntime_manager_test.go TestSyncPodBackoff: NewBackOff(1s, 1min); each row syncs at `tick` and, when the
// container started, it is then killed with FinishedAt = killDelay.
describe('doBackOff (TestSyncPodBackoff)', () => {
  it('replays the table', () => {
    const cfg = newBackOff(S, 60 * S);
    const rows: [tick: number, backoff: number, killDelay: number, started: boolean][] = [
      [1, 1, 1, true],
      [2, 2, 2, true],
      [3, 2, 3, false],
      [4, 4, 4, true],
      [5, 4, 5, false],
      [6, 4, 6, false],
      [7, 4, 7, false],
      [8, 8, 129, true],
      [130, 1, 0, true],
    ];
    let entry: BackoffEntry | null = null;
    let finishedAt = 0;
    for (const [tick, backoff, killDelay, started] of rows) {
      const r = doBackOff(cfg, entry, finishedAt, tick * S);
      entry = r.entry;
      expect([tick, !r.inBackOff, backoffGet(entry)]).toEqual([tick, started, backoff * S]);
      if (started) finishedAt = killDelay * S;
    }
  });
  it('a container that never ran starts without touching the backoff', () => {
    expect(doBackOff(newCrashLoopBackOff(), null, null, 5 * S)).toEqual({ inBackOff: false, entry: null, restartAtMs: 5 * S });
  });
});

/**
 * Replays a container that runs `runMs` each time with the kubelet restarting it the moment doBackOff allows.
 * Returns the wait before each restart, in seconds.
 */
function crashLoopWaits(cfg: BackoffConfig, runsMs: readonly number[]): number[] {
  let entry: BackoffEntry | null = null;
  let startedAt = 0;
  const waits: number[] = [];
  for (const runMs of runsMs) {
    const finishedAt = startedAt + runMs;
    const blocked = doBackOff(cfg, entry, finishedAt, finishedAt);
    const restartAt = blocked.restartAtMs;
    const r = doBackOff(cfg, entry, finishedAt, restartAt);
    expect(r.inBackOff).toBe(false);
    entry = r.entry;
    waits.push((restartAt - finishedAt) / S);
    startedAt = restartAt;
  }
  return waits;
}

describe('CrashLoopBackOff replay (v1.36 defaults)', () => {
  const cfg = newCrashLoopBackOff();
  it('a container that exits after 1 s: immediate first restart, then 10, 20, 40, 80, 160, 300, 300 s', () => {
    expect(crashLoopWaits(cfg, Array(9).fill(1 * S))).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
  });
  it('with ReduceDefaultCrashLoopBackOffDecay: 1, 2, 4 … 60 s', () => {
    const reduced = newCrashLoopBackOff({ reduceDefaultCrashLoopBackOffDecay: true, kubeletCrashLoopBackOffMax: false });
    expect(crashLoopWaits(reduced, Array(9).fill(1 * S))).toEqual([0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });
  // The reset compares the exit (FinishedAt) with the entry's lastUpdate, the start of the run that just ended.
  it('a run of exactly 600 s does not reset: the next wait is still the 300 s cap', () => {
    const runs = [...Array(8).fill(1 * S), 600 * S, 1 * S];
    expect(crashLoopWaits(cfg, runs)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
  });
  it('a run of 600.001 s resets: immediate restart, then 10 s again', () => {
    const runs = [...Array(8).fill(1 * S), 600 * S + 1, 1 * S, 1 * S];
    expect(crashLoopWaits(cfg, runs)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 0, 10, 20]);
  });
  it('the reset is measured from the last restart, not from the previous exit or from now', () => {
    const entry: BackoffEntry = { backoffMs: 300 * S, lastUpdateMs: 1_000 * S };
    // Exited 600 s after the restart: still in backoff however late the kubelet looks.
    expect(isInBackOffSince(cfg, entry, 1_600 * S, 1_600 * S)).toBe(true);
    expect(isInBackOffSince(cfg, entry, 1_600 * S, 1_899 * S)).toBe(true);
    expect(isInBackOffSince(cfg, entry, 1_600 * S, 1_900 * S)).toBe(false);
    expect(isInBackOffSince(cfg, entry, 1_600 * S + 1, 1_600 * S + 1)).toBe(false);
  });
});

// pkg/api/v1/pod/util_test.go, the ContainerShouldRestart table.
describe('containerShouldRestart', () => {
  const rules: ContainerRestartSpec = {
    restartPolicy: 'Never',
    restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42, 50] } }],
  };
  const notIn: ContainerRestartSpec = {
    restartPolicy: 'Never',
    restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: [0] } }],
  };
  it.each<[string, ContainerRestartSpec, RestartPolicy, number, boolean]>([
    ['Pod Policy: Fallback to pod Always', {}, 'Always', 0, true],
    ['Pod Policy: Fallback to pod OnFailure, exit 0', {}, 'OnFailure', 0, false],
    ['Pod Policy: Fallback to pod OnFailure, exit 1', {}, 'OnFailure', 1, true],
    ['Pod Policy: Fallback to pod Never', {}, 'Never', 1, false],
    ['Container Policy: Always overrides pod Never', { restartPolicy: 'Always' }, 'Never', 0, true],
    ['Container Policy: Never overrides pod Always', { restartPolicy: 'Never' }, 'Always', 1, false],
    ['Container Policy: OnFailure, exit 137', { restartPolicy: 'OnFailure' }, 'Never', 137, true],
    ['Rule In matches', rules, 'Never', 42, true],
    ['Rule In does not match: container Never', rules, 'Always', 1, false],
    ['Rule NotIn matches', notIn, 'Never', 3, true],
    ['Rule NotIn does not match', notIn, 'Always', 0, false],
    ['Rules without a container policy are ignored', { restartPolicyRules: rules.restartPolicyRules }, 'Never', 42, false],
  ])('%s', (_name, container, podPolicy, exitCode, want) => {
    expect(containerShouldRestart(container, podPolicy, exitCode)).toBe(want);
  });
});

// container/helpers_test.go TestShouldContainerBeRestarted.
describe('shouldContainerBeRestarted', () => {
  const exited = (exitCode: number): RuntimeContainerStatus => ({ state: 'exited', exitCode });
  it.each<[string, RuntimeContainerStatus | null, Record<RestartPolicy, boolean>]>([
    ['no-history', null, { Always: true, OnFailure: true, Never: true }],
    ['alive', { state: 'running' }, { Always: false, OnFailure: false, Never: false }],
    ['succeed', exited(0), { Always: true, OnFailure: false, Never: false }],
    ['failed', exited(1), { Always: true, OnFailure: true, Never: false }],
    ['oomkilled', exited(137), { Always: true, OnFailure: true, Never: false }],
    ['unknown', { state: 'unknown' }, { Always: true, OnFailure: true, Never: true }],
  ])('%s', (_name, status, want) => {
    for (const policy of ['Always', 'OnFailure', 'Never'] as const) {
      expect([policy, shouldContainerBeRestarted(policy, status)]).toEqual([policy, want[policy]]);
      expect(shouldContainerBeRestarted(policy, status, true)).toBe(false);
    }
  });
});

// kubelet_pods_test.go TestPodPhaseWithRestartAlways / Never / OnFailure.
describe('getPhase', () => {
  const running: ContainerStatusForPhase = { state: 'running' };
  const succeeded: ContainerStatusForPhase = { state: 'terminated', exitCode: 0 };
  const failed: ContainerStatusForPhase = { state: 'terminated', exitCode: 1 };
  const creating: ContainerStatusForPhase = { state: 'waiting' };
  const crashLoop: ContainerStatusForPhase = { state: 'waiting', lastExitCode: 1 };
  it.each<[string, RestartPolicy, (ContainerStatusForPhase | null)[], boolean, PodPhase]>([
    ['Always: all running', 'Always', [running, running], false, 'Running'],
    ['Always: all stopped', 'Always', [succeeded, failed], false, 'Running'],
    ['Always: mixed state', 'Always', [running, failed], false, 'Running'],
    ['Always: one missing status', 'Always', [running, null], false, 'Pending'],
    ['Always: backoff crashloop container', 'Always', [running, crashLoop], false, 'Running'],
    ['Always: container creating', 'Always', [running, creating], false, 'Pending'],
    ['Always: all succeeded, terminal', 'Always', [succeeded, succeeded], true, 'Succeeded'],
    ['Always: stopped with failure, terminal', 'Always', [succeeded, failed], true, 'Failed'],
    ['Never: all running', 'Never', [running, running], false, 'Running'],
    ['Never: all succeeded', 'Never', [succeeded, succeeded], false, 'Succeeded'],
    ['Never: all stopped, one failed', 'Never', [succeeded, failed], false, 'Failed'],
    ['Never: mixed running and succeeded', 'Never', [running, succeeded], false, 'Running'],
    ['Never: one missing status', 'Never', [succeeded, null], false, 'Pending'],
    ['OnFailure: all succeeded', 'OnFailure', [succeeded, succeeded], false, 'Succeeded'],
    ['OnFailure: all stopped, one failed (restarting)', 'OnFailure', [succeeded, failed], false, 'Running'],
    ['OnFailure: crashloop, nothing running', 'OnFailure', [crashLoop], false, 'Running'],
    ['OnFailure: crashloop, terminal', 'OnFailure', [crashLoop], true, 'Failed'],
    ['no statuses at all', 'Always', [null], false, 'Pending'],
  ])('%s', (_name, policy, statuses, terminal, want) => {
    expect(getPhase(policy, statuses, terminal)).toBe(want);
  });
});

// defaults_test.go TestSetDefaultProbe.
describe('setDefaultsProbe', () => {
  it('fills period 10 s, timeout 1 s, success 1, failure 3 and keeps initialDelaySeconds 0', () => {
    expect(setDefaultsProbe({})).toEqual({
      initialDelaySeconds: 0,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });
  it('keeps values that are set, and treats 0 as unset as Go does', () => {
    const p = { initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 0, successThreshold: 2, failureThreshold: 6 };
    expect(setDefaultsProbe(p)).toEqual({ ...p, periodSeconds: 10 });
  });
});

// worker_test.go: doProbe one tick at a time against a running container.
describe('prober worker doProbe', () => {
  const running: ProbeContext = { running: true, sinceStartMs: 100 * S, started: true };
  const fresh = (type: ProbeType): ProbeWorkerState => observeNewContainer(type, newWorker());
  const step = (type: ProbeType, probe: ReturnType<typeof setDefaultsProbe>, s: ProbeWorkerState, ok: boolean, ctx = running) =>
    doProbe(probe, type, s, ctx, ok).state;

  it('starts with the initial value: readiness Failure, liveness Success, startup Unknown', () => {
    expect((['readiness', 'liveness', 'startup'] as const).map((t) => fresh(t).result)).toEqual(['Failure', 'Success', 'Unknown']);
  });

  it('TestFailureThreshold: readiness stays Success for 2 failures and flips on the 3rd', () => {
    const probe = setDefaultsProbe({ successThreshold: 1, failureThreshold: 3 });
    let s = fresh('readiness');
    for (let round = 0; round < 2; round++) {
      for (let j = 0; j < 3; j++) expect((s = step('readiness', probe, s, true)).result).toBe('Success');
      for (let j = 0; j < 2; j++) expect((s = step('readiness', probe, s, false)).result).toBe('Success');
      for (let j = 0; j < 3; j++) expect((s = step('readiness', probe, s, false)).result).toBe('Failure');
    }
  });

  it('TestSuccessThreshold: readiness needs 3 successes in a row; one failure undoes it', () => {
    const probe = setDefaultsProbe({ successThreshold: 3, failureThreshold: 1 });
    let s = fresh('readiness');
    for (let round = 0; round < 2; round++) {
      for (let j = 0; j < 2; j++) expect((s = step('readiness', probe, s, true)).result).toBe('Failure');
      for (let j = 0; j < 3; j++) expect((s = step('readiness', probe, s, true)).result).toBe('Success');
      expect((s = step('readiness', probe, s, false)).result).toBe('Failure');
    }
  });

  it.each<[ProbeType, number, boolean, ProbeResult]>([
    ['liveness', 9_999, false, 'Success'],
    ['liveness', 10_000, true, 'Failure'],
    ['readiness', 9_999, false, 'Failure'],
    ['readiness', 10_000, true, 'Success'],
  ])('TestInitialDelay: %s at %i ms since start with initialDelaySeconds 10: probed %s', (type, sinceStartMs, probed, want) => {
    const probe = setDefaultsProbe({ initialDelaySeconds: 10, failureThreshold: 1 });
    const out = doProbe(probe, type, fresh(type), { running: true, sinceStartMs, started: true }, type === 'readiness');
    expect([out.probed, out.state.result]).toEqual([probed, want]);
  });

  it.each<ProbeType>(['liveness', 'startup'])('TestOnHoldOnLivenessOrStartupCheckFailure: %s', (type) => {
    const probe = setDefaultsProbe({ failureThreshold: 1 });
    const ctx: ProbeContext = { ...running, started: type !== 'startup' };
    let out = doProbe(probe, type, fresh(type), ctx, false);
    expect([out.state.result, out.state.onHold, out.changed]).toEqual(['Failure', true, true]);
    out = doProbe(probe, type, out.state, ctx, true);
    expect([out.state.result, out.state.onHold, out.probed]).toEqual(['Failure', true, false]);
    out = doProbe(probe, type, observeNewContainer(type, out.state), ctx, true);
    expect([out.state.result, out.state.onHold]).toEqual(['Success', type === 'startup']);
  });

  it('TestResultRunOnLivenessCheckFailure: runs 1, 1, 2, then Failure resets the run to 0', () => {
    const probe = setDefaultsProbe({ successThreshold: 1, failureThreshold: 3 });
    let s = fresh('liveness');
    const seen: [ProbeResult | null, number][] = [];
    for (const ok of [true, false, false, false]) {
      s = step('liveness', probe, s, ok);
      seen.push([s.result, s.resultRun]);
    }
    expect(seen).toEqual([
      ['Success', 1],
      ['Success', 1],
      ['Success', 2],
      ['Failure', 0],
    ]);
  });

  it('TestResultRunOnStartupCheckFailure: Unknown, Unknown, then Failure with run 0', () => {
    const probe = setDefaultsProbe({ successThreshold: 1, failureThreshold: 3 });
    const notStarted = { ...running, started: false };
    let s = fresh('startup');
    const seen: [ProbeResult | null, number][] = [];
    for (let i = 0; i < 3; i++) {
      s = step('startup', probe, s, false, notStarted);
      seen.push([s.result, s.resultRun]);
    }
    expect(seen).toEqual([
      ['Unknown', 1],
      ['Unknown', 2],
      ['Failure', 0],
    ]);
  });

  it('TestLivenessProbeDisabledByStarted: no liveness probe until the startup probe passed', () => {
    const probe = setDefaultsProbe({ failureThreshold: 1 });
    const before = doProbe(probe, 'liveness', fresh('liveness'), { ...running, started: false }, false);
    expect([before.probed, before.state.result]).toEqual([false, 'Success']);
    expect(doProbe(probe, 'liveness', before.state, running, false).state.result).toBe('Failure');
  });

  it('TestStartupProbeDisabledByStarted: Unknown, Success, then no more startup probes', () => {
    const probe = setDefaultsProbe({ failureThreshold: 2 });
    let s = step('startup', probe, fresh('startup'), false, { ...running, started: false });
    expect(s.result).toBe('Unknown');
    s = step('startup', probe, s, true, { ...running, started: false });
    expect(s.result).toBe('Success');
    expect(doProbe(probe, 'startup', observeNewContainer('startup', s), running, false).probed).toBe(false);
  });

  it('TestDoProbe: a container that is not running reads Failure; a deleted pod reads alive', () => {
    const probe = setDefaultsProbe();
    expect(doProbe(probe, 'liveness', fresh('liveness'), { ...running, running: false }, true).state.result).toBe('Failure');
    const deleting = doProbe(probe, 'liveness', fresh('liveness'), { ...running, deleting: true }, false);
    expect([deleting.probed, deleting.state.result]).toEqual([false, 'Success']);
    expect(doProbe(probe, 'readiness', fresh('readiness'), { ...running, deleting: true }, true).state.result).toBe('Success');
  });

  it('a restart keeps the readiness run count: the new container is Ready on its first success', () => {
    const probe = setDefaultsProbe({ successThreshold: 2 });
    let s = fresh('readiness');
    for (let i = 0; i < 3; i++) s = step('readiness', probe, s, true);
    s = observeNewContainer('readiness', s);
    expect(s.result).toBe('Failure');
    expect(step('readiness', probe, s, true).result).toBe('Success');
  });
});

describe('probeTimeline', () => {
  const p = setDefaultsProbe;
  const from = (ms: number) => (t: number) => t >= ms;
  const until = (ms: number) => (t: number) => t < ms;
  const result = (
    startedAtMs: number | null,
    readyAtMs: number | null,
    restartAtMs: number | null,
    reason: ProbeTimeline['restartReason'],
  ) => ({
    startedAtMs,
    readyAtMs,
    restartAtMs,
    restartReason: reason,
  });
  it.each<[string, ContainerProbes, ProbeOutcomes, Partial<Record<'liveness' | 'startup', number>>, ProbeTimeline]>([
    ['no probes: Ready at start', {}, {}, {}, result(0, 0, null, null)],
    ['readiness defaults, healthy at once: probed at start', { readinessProbe: p() }, {}, {}, result(0, 0, null, null)],
    [
      'readiness defaults, healthy after 25 s: Ready on the 30 s tick',
      { readinessProbe: p() },
      { readiness: from(25 * S) },
      {},
      result(0, 30 * S, null, null),
    ],
    [
      'readiness initialDelaySeconds 5: first probe on the 10 s tick',
      { readinessProbe: p({ initialDelaySeconds: 5 }) },
      {},
      {},
      result(0, 10 * S, null, null),
    ],
    [
      'readiness initialDelaySeconds 10: probed at 10 s',
      { readinessProbe: p({ initialDelaySeconds: 10 }) },
      {},
      {},
      result(0, 10 * S, null, null),
    ],
    [
      'readiness successThreshold 3, period 5 s',
      { readinessProbe: p({ periodSeconds: 5, successThreshold: 3 }) },
      {},
      {},
      result(0, 10 * S, null, null),
    ],
    [
      'liveness failing from 60 s: 3 failures at 60, 70, 80 s',
      { livenessProbe: p() },
      { liveness: until(60 * S) },
      {},
      result(0, 0, 80 * S, 'liveness'),
    ],
    [
      'liveness ticks offset by 3 s',
      { livenessProbe: p() },
      { liveness: until(60 * S) },
      { liveness: 3 * S },
      result(0, 0, 83 * S, 'liveness'),
    ],
    [
      'startup every 5 s passes at 45 s; readiness runs at once; liveness waits for started',
      { startupProbe: p({ periodSeconds: 5, failureThreshold: 30 }), readinessProbe: p(), livenessProbe: p({ failureThreshold: 1 }) },
      { startup: from(42 * S), liveness: from(40 * S) },
      {},
      result(45 * S, 45 * S, null, null),
    ],
    [
      'startup never passes: killed on the 3rd failure',
      { startupProbe: p(), readinessProbe: p() },
      { startup: () => false },
      {},
      result(null, null, 20 * S, 'startup'),
    ],
    [
      'liveness failing before started does not count',
      { startupProbe: p({ failureThreshold: 30 }), livenessProbe: p({ failureThreshold: 1 }) },
      { startup: from(100 * S), liveness: from(30 * S) },
      {},
      result(100 * S, 100 * S, null, null),
    ],
  ])('%s', (_name, probes, outcomes, offsets, want) => {
    expect(probeTimeline(probes, outcomes, 600 * S, offsets)).toEqual(want);
  });
  it('rejects an offset outside the period', () => {
    expect(() => probeTimeline({ livenessProbe: p() }, {}, S, { liveness: 10 * S })).toThrow(/offset/);
  });
});

// pkg/util/parsers/parsers_test.go TestParseImageName and defaults_test.go (container image pull policy).
describe('image pull policy', () => {
  const digest = 'sha256:' + 'e'.repeat(64);
  it.each<[string, { repository: string; tag: string; digest: string } | null]>([
    ['busybox', { repository: 'docker.io/library/busybox', tag: 'latest', digest: '' }],
    ['busybox:1.36', { repository: 'docker.io/library/busybox', tag: '1.36', digest: '' }],
    ['team/app:V1', { repository: 'docker.io/team/app', tag: 'V1', digest: '' }],
    ['localhost:5000/app', { repository: 'localhost:5000/app', tag: 'latest', digest: '' }],
    ['registry.k8s.io/pause:3.10', { repository: 'registry.k8s.io/pause', tag: '3.10', digest: '' }],
    [`busybox@${digest}`, { repository: 'docker.io/library/busybox', tag: '', digest }],
    [`busybox:latest@${digest}`, { repository: 'docker.io/library/busybox', tag: 'latest', digest }],
    ['Busybox', null],
    ['busybox@sha256:xyz', null],
  ])('parseImageName(%s)', (image, want) => {
    expect(parseImageName(image)).toEqual(want);
  });
  it.each<[string, PullPolicy | undefined, PullPolicy]>([
    ['busybox', undefined, 'Always'],
    ['busybox:latest', undefined, 'Always'],
    ['localhost:5000/app', undefined, 'Always'],
    ['busybox:1.36', undefined, 'IfNotPresent'],
    [`busybox@${digest}`, undefined, 'IfNotPresent'],
    [`busybox:latest@${digest}`, undefined, 'Always'],
    ['Busybox:latest', undefined, 'IfNotPresent'],
    ['busybox', 'Never', 'Never'],
    ['busybox:1.36', 'Always', 'Always'],
  ])('SetDefaults_Container(%s, %s) → %s', (image, policy, want) => {
    expect(setDefaultsContainerImagePullPolicy(image, policy)).toBe(want);
  });
  it.each<[PullPolicy, boolean, boolean]>([
    ['Always', true, true],
    ['Always', false, true],
    ['IfNotPresent', true, false],
    ['IfNotPresent', false, true],
    ['Never', true, false],
    ['Never', false, false],
  ])('shouldPullImage(%s, present %s) → %s', (policy, present, want) => {
    expect(shouldPullImage(policy, present)).toBe(want);
  });
});

describe('termination grace period', () => {
  it('defaults to 30 s', () => {
    expect(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS).toBe(30);
  });
  // pkg/registry/core/pod/strategy_test.go TestCheckGracefulDelete.
  it.each<[string, Parameters<typeof checkGracefulDelete>[0], number]>([
    ['running pod, no grace given: the pod spec', { terminationGracePeriodSeconds: 30, scheduled: true, terminal: false }, 30],
    ['running pod, grace 5 given', { gracePeriodSeconds: 5, terminationGracePeriodSeconds: 30, scheduled: true, terminal: false }, 5],
    [
      'running pod, grace 0: removed at once',
      { gracePeriodSeconds: 0, terminationGracePeriodSeconds: 30, scheduled: true, terminal: false },
      0,
    ],
    ['negative grace becomes 1', { gracePeriodSeconds: -1, scheduled: true, terminal: false }, 1],
    ['pod not scheduled', { terminationGracePeriodSeconds: 30, scheduled: false, terminal: false }, 0],
    ['pod already Succeeded/Failed', { gracePeriodSeconds: 30, scheduled: true, terminal: true }, 0],
  ])('CheckGracefulDelete: %s', (_name, input, want) => {
    expect(checkGracefulDelete(input)).toBe(want);
  });
  // pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod.
  it.each<[string, Parameters<typeof calculateEffectiveGracePeriod>[0], number, boolean]>([
    ['deletion grace 10', { currentSeconds: 0, deletionGracePeriodSeconds: 10, terminationGracePeriodSeconds: 30 }, 10, false],
    ['no value: the pod spec', { currentSeconds: 0, terminationGracePeriodSeconds: 30 }, 30, false],
    ['eviction override shortens', { currentSeconds: 30, overrideSeconds: 5, terminationGracePeriodSeconds: 30 }, 5, true],
    ['a longer override is ignored', { currentSeconds: 10, overrideSeconds: 60, terminationGracePeriodSeconds: 30 }, 10, false],
    [
      'deletion grace 0 falls back to the pod spec',
      { currentSeconds: 0, deletionGracePeriodSeconds: 0, terminationGracePeriodSeconds: 30 },
      30,
      false,
    ],
    ['zero everywhere: floor of 1 s', { currentSeconds: 0, deletionGracePeriodSeconds: 0, terminationGracePeriodSeconds: 0 }, 1, false],
  ])('calculateEffectiveGracePeriod: %s', (_name, input, grace, shortened) => {
    expect(calculateEffectiveGracePeriod(input)).toEqual({ gracePeriodSeconds: grace, shortened });
  });
  // kuberuntime_container_test.go TestSetTerminationGracePeriod.
  it.each<[string, Parameters<typeof setTerminationGracePeriod>[0], number]>([
    ['no grace period set: the 2 s minimum', { reason: 'other' }, 2],
    ['pod spec only', { terminationGracePeriodSeconds: 1000, reason: 'livenessProbe' }, 1000],
    [
      'liveness probe override',
      { terminationGracePeriodSeconds: 1000, probeTerminationGracePeriodSeconds: 10, reason: 'livenessProbe' },
      10,
    ],
    [
      'probe override ignored for other kills',
      { terminationGracePeriodSeconds: 1000, probeTerminationGracePeriodSeconds: 10, reason: 'other' },
      1000,
    ],
    ['deletion grace wins', { deletionGracePeriodSeconds: 5, terminationGracePeriodSeconds: 1000, reason: 'startupProbe' }, 5],
  ])('setTerminationGracePeriod: %s', (_name, input, want) => {
    expect(setTerminationGracePeriod(input)).toBe(want);
  });
  it.each<[string, number, number, number, number]>([
    ['no preStop: SIGKILL after the grace period', 30, 0, 0, 30 * S],
    ['preStop 10.5 s: its whole seconds come off', 30, 10_500, 10_500, 30_500],
    ['preStop longer than the grace period: cut off, then the 2 s minimum', 30, 40 * S, 30 * S, 32 * S],
    ['grace 1 s (an eviction floor) still gets 2 s', 1, 0, 0, 2 * S],
    ['grace 0: no preStop, 2 s', 0, 5 * S, 0, 2 * S],
  ])('killContainer: %s', (_name, grace, preStopMs, sigterm, sigkill) => {
    const k = killContainer(grace, preStopMs);
    expect([k.sigtermAtMs, k.sigkillAtMs]).toEqual([sigterm, sigkill]);
  });
});
