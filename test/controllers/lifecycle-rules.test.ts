// Init and sidecar containers and the termination order, as tables shaped like upstream's:
// kuberuntime_manager_test.go TestComputePodActionsWithInitContainers and
// TestComputePodActionsWithRestartableInitContainers (the cases computeInitContainerActions decides; sandbox
// changes, definition changes and resize are not modelled), and kuberuntime_termination_order_test.go.
import { describe, expect, it } from 'vitest';
import {
  computeInitContainerActions,
  isInitContainerFailed,
  killContainer,
  killContainersWithSyncResult,
  newTerminationOrdering,
  shouldRestartOnFailure,
  type ContainerStatus,
  type InitContainerForActions,
  type RestartPolicy,
} from '../../src/index.js';

const S = 1000;
const running: ContainerStatus = { state: 'running' };
const exited = (exitCode = 0): ContainerStatus => ({ state: 'exited', exitCode });

// makeBasePodAndStatusWithInitContainers: init1..3, all exited 0; the app containers have no status.
const INIT: InitContainerForActions[] = [
  { name: 'init1', restartable: false },
  { name: 'init2', restartable: false },
  { name: 'init3', restartable: false },
];
const initStatuses = (): (ContainerStatus | null)[] => [exited(), exited(), exited()];

interface Want {
  start: number[];
  kill?: number[];
  killPod?: boolean;
  initialized: boolean;
}

const actions = (
  init: InitContainerForActions[],
  statuses: (ContainerStatus | null)[],
  policy: RestartPolicy,
  mains: (ContainerStatus | null)[] = [null, null, null],
): Want => {
  const a = computeInitContainerActions(init, statuses, mains, policy);
  return {
    start: a.initContainersToStart,
    ...(a.containersToKill.length ? { kill: a.containersToKill.map((k) => k.index) } : {}),
    ...(a.killPod ? { killPod: true } : {}),
    initialized: a.podHasInitialized,
  };
};

describe('computeInitContainerActions: init containers (TestComputePodActionsWithInitContainers)', () => {
  const cases: [string, RestartPolicy, (s: (ContainerStatus | null)[]) => (ContainerStatus | null)[], Want][] = [
    ['initialization completed; start all containers', 'Always', (s) => s, { start: [], initialized: true }],
    ['no init containers have been started; start the first one', 'Always', () => [null, null, null], { start: [0], initialized: false }],
    ['initialization in progress; do nothing', 'Always', (s) => [s[0]!, s[1]!, running], { start: [], initialized: false }],
    ...(['Always', 'OnFailure'] as const).map(
      (p): [string, RestartPolicy, (s: (ContainerStatus | null)[]) => (ContainerStatus | null)[], Want] => [
        `initialization failed; restart the last init container if RestartPolicy == ${p}`,
        p,
        (s) => [s[0]!, s[1]!, exited(137)],
        { start: [2], initialized: false },
      ],
    ),
    [
      'initialization failed; kill pod if RestartPolicy == Never',
      'Never',
      (s) => [s[0]!, s[1]!, exited(137)],
      { start: [], killPod: true, initialized: false },
    ],
    ...(['Always', 'OnFailure'] as const).map(
      (p): [string, RestartPolicy, (s: (ContainerStatus | null)[]) => (ContainerStatus | null)[], Want] => [
        `init container state unknown; kill and recreate the last init container if RestartPolicy == ${p}`,
        p,
        (s) => [s[0]!, s[1]!, { state: 'unknown' }],
        { start: [2], kill: [2], initialized: false },
      ],
    ),
    [
      'init container state unknown; kill pod if RestartPolicy == Never',
      'Never',
      (s) => [s[0]!, s[1]!, { state: 'unknown' }],
      { start: [], killPod: true, initialized: false },
    ],
    [
      "some of the init container statuses are missing but the last init container is running, don't restart preceding ones",
      'Always',
      () => [null, null, running],
      { start: [], initialized: false },
    ],
    [
      'an init container is in the created state due to an unknown error when starting container; restart it',
      'Always',
      (s) => [s[0]!, s[1]!, { state: 'created' }],
      { start: [2], initialized: false },
    ],
    // kubesim's own: the sequence from the start, one container at a time.
    ['the first init container completed; start the second', 'Never', () => [exited(), null, null], { start: [1], initialized: false }],
    [
      'an OOMKilled init container has failed',
      'Never',
      () => [{ state: 'exited', exitCode: 0, reason: 'OOMKilled' }, null, null],
      {
        start: [],
        killPod: true,
        initialized: false,
      },
    ],
  ];
  it.each(cases)('%s', (_name, policy, mutate, want) => {
    expect(actions(INIT, mutate(initStatuses()), policy)).toEqual(want);
  });

  it('an app container running means the pod was initialized: regular init containers are not run again', () => {
    expect(actions(INIT, [null, null, null], 'Always', [running, null, null])).toEqual({ start: [], initialized: true });
  });

  it('no init containers: initialized', () => {
    expect(actions([], [], 'Never')).toEqual({ start: [], initialized: true });
  });
});

// makeBasePodAndStatusWithRestartableInitContainers: three sidecars, the last two with liveness and startup probes,
// all running; the probes of the second and third have succeeded.
const SIDECARS: InitContainerForActions[] = [
  { name: 'restartable-init-1', restartable: true },
  { name: 'restartable-init-2', restartable: true, livenessProbe: true, startupProbe: true },
  { name: 'restartable-init-3', restartable: true, livenessProbe: true, startupProbe: true },
];
const probed = (
  o: { startup?: 'Success' | 'Failure' | 'Unknown'; liveness?: 'Success' | 'Failure' | 'Unknown' } = {},
): ContainerStatus => ({
  state: 'running',
  startup: 'Success',
  liveness: 'Success',
  ...o,
});
const sidecarStatuses = (): (ContainerStatus | null)[] => [running, probed(), probed()];

describe('computeInitContainerActions: sidecars (TestComputePodActionsWithRestartableInitContainers)', () => {
  const cases: [string, RestartPolicy, (s: (ContainerStatus | null)[]) => (ContainerStatus | null)[], Want][] = [
    ['initialization completed; start all containers', 'Always', (s) => s, { start: [], initialized: true }],
    ['no init containers have been started; start the first one', 'Always', () => [null, null, null], { start: [0], initialized: false }],
    [
      'an init container is stuck in the created state; restart it',
      'Always',
      (s) => [s[0]!, s[1]!, { state: 'created' }],
      { start: [2], initialized: false },
    ],
    ['restartable init container has started; start the next', 'Always', (s) => [s[0]!, null, null], { start: [1], initialized: false }],
    [
      'livenessProbe has not been run; start the nothing',
      'Always',
      (s) => [s[0]!, { state: 'running', startup: 'Success' }, null],
      { start: [2], initialized: false },
    ],
    [
      'livenessProbe in progress; start the next',
      'Always',
      (s) => [s[0]!, probed({ liveness: 'Unknown' }), null],
      { start: [2], initialized: false },
    ],
    ['livenessProbe has completed; start the next', 'Always', (s) => [s[0]!, s[1]!, null], { start: [2], initialized: false }],
    [
      'kill and recreate the restartable init container if the liveness check has failed',
      'Always',
      (s) => [s[0]!, s[1]!, probed({ liveness: 'Failure' })],
      { start: [2], kill: [2], initialized: true },
    ],
    [
      'startupProbe has not been run; do nothing',
      'Always',
      (s) => [s[0]!, { state: 'running', liveness: 'Success' }, null],
      { start: [], initialized: false },
    ],
    [
      'startupProbe in progress; do nothing',
      'Always',
      (s) => [s[0]!, probed({ startup: 'Unknown' }), null],
      { start: [], initialized: false },
    ],
    ['startupProbe has completed; start the next', 'Always', (s) => [s[0]!, s[1]!, null], { start: [2], initialized: false }],
    [
      'kill and recreate the restartable init container if the startup check has failed',
      'Always',
      (s) => [s[0]!, s[1]!, probed({ startup: 'Failure' })],
      { start: [2], kill: [2], initialized: false },
    ],
    [
      'restart terminated restartable init container and next init container',
      'Always',
      (s) => [exited(), s[1]!, exited()],
      { start: [0, 2], initialized: false },
    ],
    [
      'restart terminated restartable init container and regular containers',
      'Always',
      (s) => [exited(), s[1]!, s[2]!],
      { start: [0], initialized: true },
    ],
    [
      "initialization failed; restart the last restartable init container even if pod's RestartPolicy == Never",
      'Never',
      (s) => [s[0]!, s[1]!, exited(137)],
      { start: [2], initialized: false },
    ],
    [
      "restartable init container state unknown; kill and recreate the last restartable init container even if pod's RestartPolicy == Never",
      'Never',
      (s) => [s[0]!, s[1]!, { state: 'unknown' }],
      { start: [2], kill: [2], initialized: false },
    ],
    [
      'some of the init container statuses are missing but the last init container is running, restart restartable init and regular containers',
      'Always',
      (s) => [null, null, s[2]!],
      { start: [0, 1], initialized: true },
    ],
  ];
  it.each(cases)('%s', (_name, policy, mutate, want) => {
    expect(actions(SIDECARS, mutate(sidecarStatuses()), policy)).toEqual(want);
  });

  it("restart restartable init container if regular containers are running even if pod's RestartPolicy == Never", () => {
    const s = sidecarStatuses();
    s[2] = exited(137);
    expect(actions(SIDECARS, s, 'Never', [running, running, running])).toEqual({ start: [2], initialized: true });
  });

  it('a sidecar before a regular init container: the regular one waits for the sidecar to start, then runs to completion', () => {
    const init: InitContainerForActions[] = [
      { name: 'proxy', restartable: true, startupProbe: true },
      { name: 'migrate', restartable: false },
    ];
    expect(actions(init, [{ state: 'running' }, null], 'Always')).toEqual({ start: [], initialized: false });
    expect(actions(init, [probed(), null], 'Always')).toEqual({ start: [1], initialized: false });
    expect(actions(init, [probed(), running], 'Always')).toEqual({ start: [], initialized: false });
    expect(actions(init, [probed(), exited()], 'Always')).toEqual({ start: [], initialized: true });
  });
});

describe('isInitContainerFailed and shouldRestartOnFailure', () => {
  it.each<[ContainerStatus, boolean]>([
    [exited(0), false],
    [exited(1), true],
    [{ state: 'exited', exitCode: 0, reason: 'OOMKilled' }, true],
    [{ state: 'unknown' }, true],
    [running, false],
    [{ state: 'created' }, false],
  ])('isInitContainerFailed(%j) → %s', (status, want) => {
    expect(isInitContainerFailed(status)).toBe(want);
  });
  it.each<[RestartPolicy, boolean]>([
    ['Always', true],
    ['OnFailure', true],
    ['Never', false],
  ])('shouldRestartOnFailure(%s) → %s', (policy, want) => {
    expect(shouldRestartOnFailure(policy)).toBe(want);
  });
});

describe('termination ordering (kuberuntime_termination_order_test.go)', () => {
  const sidecars = (...names: string[]) => names.map((name) => ({ name, restartable: true }));
  const main = [{ name: 'main' }];

  it('newTerminationOrdering: sidecars wait for the app containers and for the running sidecar after them', () => {
    const pod = { containers: main, initContainers: sidecars('sc1', 'sc2', 'sc3') };
    expect(Object.fromEntries(newTerminationOrdering(pod, ['sc1', 'sc2', 'sc3', 'main']))).toEqual({
      sc3: ['main'],
      sc2: ['main', 'sc3'],
      sc1: ['main', 'sc2'],
    });
    // A sidecar that is not running is a closed channel: sc1 does not wait for sc3 through it.
    expect(Object.fromEntries(newTerminationOrdering(pod, ['sc1', 'sc3', 'main']))).toEqual({
      sc3: ['main'],
      sc2: ['main', 'sc3'],
      sc1: ['main'],
    });
    // Regular init containers wait for nothing and nothing waits for them.
    const mixed = { containers: main, initContainers: [{ name: 'setup', restartable: false }, ...sidecars('sc')] };
    expect(Object.fromEntries(newTerminationOrdering(mixed, ['setup', 'sc', 'main']))).toEqual({ sc: ['main'] });
  });

  // Each container exits `after` ms after its turn (the tests' sleep before containerTerminated); the delay upstream
  // checks is the whole seconds a container waited for its turn: its SIGTERM, with no preStop hook.
  const delays = (grace: number, after: number) => {
    const pod = { containers: main, initContainers: sidecars('sc1', 'sc2', 'sc3') };
    const running = ['sc1', 'sc2', 'sc3', 'main'].map((name) => ({ name, preStopMs: 0, exitAfterSigtermMs: after }));
    const r = killContainersWithSyncResult(grace, pod, running);
    return Object.fromEntries(r.containers.map((c) => [c.name, Math.trunc(c.sigtermAtMs / S)]));
  };
  it('TestTerminationOrderingSidecarStopAfterMain: the sidecar waits 1 s for the app container', () => {
    const pod = { containers: main, initContainers: sidecars('init') };
    const r = killContainersWithSyncResult(30, pod, [
      { name: 'init', preStopMs: 0, exitAfterSigtermMs: 0 },
      { name: 'main', preStopMs: 0, exitAfterSigtermMs: S },
    ]);
    expect(r.containers.map((c) => [c.name, c.sigtermAtMs])).toEqual([
      ['init', S],
      ['main', 0],
    ]);
  });
  it('TestTerminationOrderingSidecarsInReverseOrder: sc1 3 s, sc2 2 s, sc3 1 s, main 0', () => {
    expect(delays(30, 1250)).toEqual({ sc1: 3, sc2: 2, sc3: 1, main: 0 });
  });
  it('TestTerminationOrderingObeysGrace: a 2 s grace period caps each wait', () => {
    expect(delays(2, S)).toEqual({ sc1: 2, sc2: 2, sc3: 1, main: 0 });
  });
});

describe('killContainer with a termination ordering (kuberuntime_container.go, waitForTurn)', () => {
  it.each<[string, number, number, number | undefined, number, number]>([
    ['no ordering: as before', 30, 5 * S, undefined, 5 * S, 30 * S],
    ['turn at once: nothing waited', 30, 0, 0, 0, 30 * S],
    ['preStop 3 s, turn at 7 s: waits 4 s, 23 s left', 30, 3 * S, 7 * S, 7 * S, 30 * S],
    ['turn at 7.5 s: 7 whole seconds come off', 30, 0, 7_500, 7_500, 30_500],
    ['turn after the grace period: cut off, then the 2 s minimum', 30, 0, 45 * S, 30 * S, 32 * S],
    ['no grace left after preStop: no wait', 5, 10 * S, 20 * S, 5 * S, 7 * S],
  ])('%s', (_name, grace, preStop, turn, sigterm, sigkill) => {
    const k = killContainer(grace, preStop, turn);
    expect([k.sigtermAtMs, k.sigkillAtMs]).toEqual([sigterm, sigkill]);
  });
});

describe('killContainersWithSyncResult: when each container exits', () => {
  const one = (preStopMs: number, exitAfterSigtermMs: number | null, grace = 30) =>
    killContainersWithSyncResult(grace, { containers: [{ name: 'c' }], initContainers: [] }, [
      { name: 'c', preStopMs, exitAfterSigtermMs },
    ]);
  it.each<[string, number, number | null, number, number, boolean]>([
    ['preStop sleep 5, shutdown 2 s: exits at 7 s', 30, 2 * S, 5 * S, 7 * S, false],
    ['no preStop, ignores SIGTERM: SIGKILL at the end of the grace period', 30, null, 0, 30 * S, true],
    ['preStop 40 s with grace 30: cut off at 30 s, SIGKILL 2 s later', 30, null, 40 * S, 32 * S, true],
    ['preStop 40 s with grace 30, shutdown 1 s: exits at 31 s', 30, S, 40 * S, 31 * S, false],
    ['shutdown as long as the rest of the grace period: its own exit', 30, 25 * S, 5 * S, 30 * S, false],
    ['shutdown past SIGKILL: killed', 30, 26 * S, 5 * S, 30 * S, true],
  ])('%s', (_name, grace, shutdown, preStop, exitedAt, killed) => {
    const r = one(preStop, shutdown, grace);
    expect([r.containers[0]!.exitedAtMs, r.containers[0]!.killed, r.doneAtMs]).toEqual([exitedAt, killed, exitedAt]);
  });
  it('nothing running: done at once', () => {
    expect(killContainersWithSyncResult(30, { containers: [{ name: 'c' }], initContainers: [] }, []).doneAtMs).toBe(0);
  });
});
