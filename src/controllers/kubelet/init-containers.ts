// The kubelet's init containers, per pod (kuberuntime_manager.go SyncPod, steps 6 and 8, with SidecarContainers):
// after each change of an init container the kubelet asks computeInitContainerActions what to do. The first init
// container starts after the pod's startup latency; each container's image is pulled just before it starts
// (kuberuntime_container.go startContainer); a regular init container runs for the workload entry's initRunTime
// and exits with its initExitCode; a sidecar counts as started once its startup probe passes (at once without one)
// and then runs beside the app containers. A failed init container restarts with the app containers' CrashLoopBackOff
// (per container), or fails the pod under restartPolicy Never. Once initialized, the app containers' images are
// pulled and they start. The pod stays Pending throughout.
import type { Simulation } from '../../engine/simulation.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { InitContainer, Pod } from '../../model/pod.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { appImages, type ImagePuller } from './images.js';
import { computeInitContainerActions, type ContainerStatus, type InitContainerForActions } from './lifecycle.js';
import { doBackOff, newCrashLoopBackOff, probeTimeline, type BackoffEntry, type ProbeResult } from './rules.js';

/** The run time of a regular init container when the workload entry gives no initRunTime: 1 s. */
export const DEFAULT_INIT_RUN_TIME_MS = 1000;
/** A container killed by the kubelet (SIGKILL) exits 137. */
const KILLED_EXIT_CODE = 137;
/** How far past the warm-up a sidecar's startup probe is replayed. */
const PROBE_HORIZON_MS = 3_600_000;
const CRASH_LOOP_BACKOFF = newCrashLoopBackOff();

/** What the runner needs of the kubelet that owns it. */
export interface InitHost {
  /** Whether the pod's kubelet can act now; if not, the pod waits for it and resume() replays the step. */
  nodeWorks(pod: Pod): boolean;
  /** The pod's startup latency before its first container: the template's startupMs and a podStartup draw. */
  startupLatency(pod: Pod): number;
  /** The app containers start now. */
  startApps(pod: Pod): void;
  /** The workload entry's warm-up (how long a started container fails its probes), if any. */
  warmUp(pod: Pod): Distribution | null;
  /** The pod's random stream of this name: `<prefix>:<namespace>/<workload>` (the pod's own name for a bare pod). */
  stream(prefix: string, pod: Pod): Rng;
}

interface InitState {
  /** Bumped when the pod's init containers die or its deletion begins: timers of before are void. */
  epoch: number;
  statuses: (ContainerStatus | null)[];
  /** Init containers whose start is under way (image pull, startup latency, backoff). */
  starting: Set<number>;
  /** Per init container that failed: its crash-loop backoff entry and latest exit. */
  backoff: Map<number, { entry: BackoffEntry | null; finishedAt: number }>;
  /** No container has started in this sandbox yet: the first one waits for the startup latency. */
  sandbox: boolean;
  appsStarting: boolean;
  /** The containers died with the machine. */
  down: boolean;
  /** Steps that came due while the kubelet could not act. */
  deferred: { kind: number; x: Step }[];
}

interface Step {
  pod: Pod;
  index: number;
  code?: number;
  result?: ProbeResult;
}

const forActions = (c: InitContainer): InitContainerForActions => ({
  name: c.name,
  restartable: c.restartable,
  startupProbe: c.startupProbe !== undefined,
});

export class InitContainerRunner {
  private readonly pods = new Map<Pod, InitState>();
  private readonly kStart: number;
  private readonly kExit: number;
  private readonly kStartup: number;
  private readonly kApps: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly puller: ImagePuller,
    private readonly recorder: EventRecorder | null,
    private readonly host: InitHost,
  ) {
    this.kStart = sim.register('kubelet.init.start', (epoch, x) => this.step(this.kStart, epoch, x as Step));
    this.kExit = sim.register('kubelet.init.exit', (epoch, x) => this.step(this.kExit, epoch, x as Step));
    this.kStartup = sim.register('kubelet.init.startup', (epoch, x) => this.step(this.kStartup, epoch, x as Step));
    this.kApps = sim.register('kubelet.init.apps', (epoch, x) => this.step(this.kApps, epoch, x as Step));
  }

  /** Whether the pod runs through init containers (and this runner owns its start). */
  has(pod: Pod): boolean {
    return this.pods.has(pod);
  }

  /** The pod is bound: its init sequence begins. */
  begin(pod: Pod): void {
    const n = pod.template.lifecycle!.initContainers.length;
    const st: InitState = {
      epoch: 0,
      statuses: new Array<ContainerStatus | null>(n).fill(null),
      starting: new Set(),
      backoff: new Map(),
      sandbox: true,
      appsStarting: false,
      down: false,
      deferred: [],
    };
    this.pods.set(pod, st);
    this.sync(pod, st);
  }

  /** Indices of the init containers running now (the regular one in progress, sidecars). */
  running(pod: Pod): number[] {
    const st = this.pods.get(pod);
    if (!st || st.down) return [];
    const out: number[] = [];
    st.statuses.forEach((s, i) => {
      if (s?.state === 'running') out.push(i);
    });
    return out;
  }

  /** The pod's deletion began: no init container starts any more. */
  stop(pod: Pod): void {
    const st = this.pods.get(pod);
    if (!st) return;
    st.epoch++;
    st.deferred = [];
  }

  /** The pod is gone (finished or deleted). */
  forget(pod: Pod): void {
    this.pods.delete(pod);
  }

  /** The machine went down: the pod's init and sidecar containers died with it. */
  machineDown(pod: Pod): void {
    const st = this.pods.get(pod);
    if (!st || pod.phase !== 'Pending' || pod.terminating) return;
    st.epoch++;
    st.down = true;
    st.deferred = [];
  }

  /**
   * The machine is back: a new sandbox runs the init containers from the first (kuberuntime_manager.go
   * computePodActions creates one when the old is dead), except that under restartPolicy Never a pod whose init
   * containers had run fails. Returns whether the pod was handled.
   */
  restartAfterMachineDown(pod: Pod): boolean {
    const st = this.pods.get(pod);
    if (!st?.down) return false;
    st.down = false;
    if (pod.template.restartPolicy === 'Never' && st.statuses.some((s) => s !== null)) {
      this.cluster.finishPod(pod, 'Failed', 'NodeRestarted');
      return true;
    }
    st.statuses.fill(null);
    st.starting.clear();
    st.sandbox = true;
    st.appsStarting = false;
    this.sync(pod, st);
    return true;
  }

  /** The kubelet works again: the steps that came due meanwhile happen now, in order. */
  resume(pod: Pod): void {
    const st = this.pods.get(pod);
    if (!st) return;
    const steps = st.deferred;
    st.deferred = [];
    for (const d of steps) this.sim.schedule(0, d.kind, st.epoch, d.x);
  }

  private step(kind: number, epoch: number, x: Step): void {
    const pod = x.pod;
    const st = this.pods.get(pod);
    if (!st || epoch !== st.epoch || !pod.node || pod.terminating || pod.phase !== 'Pending') return;
    if (!this.host.nodeWorks(pod)) {
      st.deferred.push({ kind, x });
      return;
    }
    if (kind === this.kStart) this.started(pod, st, x.index);
    else if (kind === this.kExit) this.exited(pod, st, x.index, x.code!);
    else if (kind === this.kStartup) this.startupResult(pod, st, x.index, x.result!);
    else this.host.startApps(pod);
  }

  /** SyncPod: compute the actions for the init containers and take them. */
  private sync(pod: Pod, st: InitState): void {
    const lc = pod.template.lifecycle!;
    const actions = computeInitContainerActions(lc.initContainers.map(forActions), st.statuses, [], pod.template.restartPolicy);
    if (actions.killPod) {
      const failed = st.statuses.find((s) => s?.state === 'exited' && s.exitCode !== 0);
      const code = failed?.state === 'exited' ? failed.exitCode : KILLED_EXIT_CODE;
      this.cluster.finishPod(pod, 'Failed', `Init:Error (exit code ${code})`);
      return;
    }
    for (const k of actions.containersToKill) {
      this.recorder?.event('Normal', 'Killing', pod, `${k.message}, will be restarted`);
      this.exit(st, k.index, KILLED_EXIT_CODE);
    }
    for (const i of actions.initContainersToStart) {
      if (st.starting.has(i) || st.statuses[i]?.state === 'running') continue;
      this.startContainer(pod, st, i);
    }
    if (actions.podHasInitialized && !st.appsStarting) {
      st.appsStarting = true;
      const pull = this.puller.ensureImages(pod, pod.node!, appImages(pod.template));
      if (pull === null) return; // ErrImageNeverPull: the pod stays Pending
      this.sim.schedule(pull, this.kApps, st.epoch, { pod, index: -1 });
    }
  }

  /** startContainer's first step: the image is pulled (and, for the sandbox's first container, the startup latency). */
  private startContainer(pod: Pod, st: InitState, i: number): void {
    const c = pod.template.lifecycle!.initContainers[i]!;
    st.starting.add(i);
    let delay = 0;
    if (c.image) {
      const pull = this.puller.ensureImages(pod, pod.node!, [c.image]);
      if (pull === null) return; // ErrImageNeverPull: the pod stays Pending
      delay += pull;
    }
    if (st.sandbox) {
      st.sandbox = false;
      delay += this.host.startupLatency(pod);
    }
    this.sim.schedule(Math.max(0, Math.round(delay)), this.kStart, st.epoch, { pod, index: i });
  }

  /** The container is created and started, unless its crash-loop backoff holds it back (doBackOff). */
  private started(pod: Pod, st: InitState, i: number): void {
    const c = pod.template.lifecycle!.initContainers[i]!;
    const b = st.backoff.get(i);
    if (b) {
      const r = doBackOff(CRASH_LOOP_BACKOFF, b.entry, b.finishedAt, this.sim.now);
      if (r.inBackOff) {
        this.recorder?.event(
          'Warning',
          'BackOff',
          pod,
          `Back-off ${(r.entry!.backoffMs / 1000).toFixed(0)}s restarting failed container ${c.name} in pod ${pod.namespace}/${pod.name}`,
        );
        this.sim.scheduleAt(r.restartAtMs, this.kStart, st.epoch, { pod, index: i });
        return;
      }
      b.entry = r.entry;
    }
    st.starting.delete(i);
    this.recorder?.event('Normal', 'Created', pod, `Created container: ${c.name}`);
    this.recorder?.event('Normal', 'Started', pod, `Started container ${c.name}`);
    st.statuses[i] = { state: 'running' };
    const timings = pod.timings;
    if (!c.restartable) {
      const d = timings?.initRunTimeByName?.get(c.name) ?? timings?.initRunTime;
      const run = d ? Math.max(0, Math.round(sample(d, this.host.stream('init', pod)))) : DEFAULT_INIT_RUN_TIME_MS;
      this.sim.schedule(run, this.kExit, st.epoch, { pod, index: i, code: timings?.initExitCode ?? 0 });
    } else if (c.startupProbe) {
      // The sidecar answers its startup probe once the entry's warm-up has passed (one draw per start).
      const w = this.host.warmUp(pod);
      const warm = w ? Math.max(0, Math.round(sample(w, this.host.stream('init', pod)))) : 0;
      const tl = probeTimeline({ startupProbe: c.startupProbe }, { startup: (t) => t >= warm }, warm + PROBE_HORIZON_MS);
      if (tl.restartAtMs !== null) this.sim.schedule(tl.restartAtMs, this.kStartup, st.epoch, { pod, index: i, result: 'Failure' });
      else if (tl.startedAtMs !== null) this.sim.schedule(tl.startedAtMs, this.kStartup, st.epoch, { pod, index: i, result: 'Success' });
    }
    this.sync(pod, st);
  }

  private exited(pod: Pod, st: InitState, i: number, code: number): void {
    this.exit(st, i, code);
    this.sync(pod, st);
  }

  private exit(st: InitState, i: number, code: number): void {
    st.statuses[i] = { state: 'exited', exitCode: code };
    if (code === 0) return;
    const b = st.backoff.get(i);
    if (b) b.finishedAt = this.sim.now;
    else st.backoff.set(i, { entry: null, finishedAt: this.sim.now });
  }

  private startupResult(pod: Pod, st: InitState, i: number, result: ProbeResult): void {
    if (st.statuses[i]?.state !== 'running') return;
    if (result === 'Failure') this.recorder?.event('Warning', 'Unhealthy', pod, 'Startup probe failed');
    st.statuses[i] = { state: 'running', startup: result };
    this.sync(pod, st);
  }
}
