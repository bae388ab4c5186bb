// The kubelet, per node: a bound pod starts after its startup latency and, if it has a run time,
// finishes (Succeeded) after it; a terminating pod is stopped after its grace period and its object
// deleted. The kubelet acts through the API only while its machine is up and reachable: otherwise what
// comes due waits until both hold again (a partitioned node's containers keep running meanwhile; their
// exits are reported when it is back). When the machine goes down, its containers die with it; when it
// comes back the kubelet restarts the pods still bound to it (restartPolicy Always or OnFailure) or
// fails them (Never), and kills those deleted meanwhile. Probes, image pulls and crash loops come with
// the pod lifecycle; init and sidecar containers run in init-containers.ts, and a terminating pod's containers
// stop as termination.ts plans (preStop hooks, SIGTERM, SIGKILL).
import type { Simulation } from '../../engine/simulation.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { ImagePuller, type ImagePullConfig } from './images.js';
import { InitContainerRunner } from './init-containers.js';
import { planTermination } from './termination.js';
import { containerShouldRestart, doBackOff, newCrashLoopBackOff, probeTimeline, type BackoffEntry } from './rules.js';

/** How far past the warm-up the prober workers are replayed for a container that runs until deleted. */
const PROBE_HORIZON_MS = 3_600_000;
/** A container killed by the kubelet (SIGKILL) exits 137. */
const KILLED_EXIT_CODE = 137;

/** The kubelet's crash-loop backoff with v1.36 defaults (kubelet.go newCrashLoopBackOff). */
const CRASH_LOOP_BACKOFF = newCrashLoopBackOff();

/** The kubelet status manager's syncPeriod (pkg/kubelet/status/status_manager.go): 10 s. */
export const STATUS_SYNC_PERIOD_MS = 10_000;

export class KubeletController {
  private readonly kStart: number;
  private readonly kFinish: number;
  private readonly kStop: number;
  private readonly kReconcile: number;
  private readonly kRestart: number;
  private readonly kReady: number;
  private readonly puller: ImagePuller;
  private readonly kKill: number;
  private readonly kSigkill: number;
  private readonly inits: InitContainerRunner;
  /** Per pod whose container exited and restarts: its crash-loop backoff entry and its latest exit. */
  private readonly backoff = new Map<Pod, { entry: BackoffEntry | null; finishedAt: number }>();
  /** Pods whose containers run but have not passed their readiness (or startup) probes yet. */
  private readonly warming = new Set<Pod>();
  /** Pods whose containers are to start again (after an exit, or their machine's return), until they run. */
  private readonly restarting = new Set<Pod>();
  /** Pods whose next step came due while their kubelet could not act, per node index. */
  private readonly waiting = new Map<number, Pod[]>();
  /** The random stream of container start-up times (looked up once, not per start). */
  private readonly startupRng: Rng;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly startup: Distribution,
    private readonly recorder: EventRecorder | null = null,
    images: ImagePullConfig = { bandwidth: () => null, serialize: true },
  ) {
    this.puller = new ImagePuller(sim, images, recorder);
    this.startupRng = sim.rng('kubelet.startup');
    this.kStart = sim.register('kubelet.start', (epoch, p) => this.start(p as Pod, epoch));
    this.kFinish = sim.register('kubelet.finish', (epoch, p) => this.finish(p as Pod, epoch));
    this.kStop = sim.register('kubelet.stop', (_a, p) => this.stop(p as Pod));
    this.kReconcile = sim.register('kubelet.reconcile', (_a, n) => this.reconcile(n as Node));
    this.kRestart = sim.register('kubelet.restart', (epoch, p) => this.restartContainer(p as Pod, epoch));
    this.kReady = sim.register('kubelet.ready', (epoch, p) => this.probeReady(p as Pod, epoch));
    this.kKill = sim.register('kubelet.kill', (epoch, x) => {
      const { pod, reason } = x as { pod: Pod; reason: 'liveness' | 'startup' };
      this.probeKill(pod, reason, epoch);
    });
    this.kSigkill = sim.register('kubelet.sigkill', (graceSeconds, x) => {
      const { pod, name } = x as { pod: Pod; name: string };
      if (!this.cluster.livePods.has(pod.id) || !pod.node?.up) return;
      // Upstream records Killing when the stop begins; the SIGKILL shows only as the container's exit code 137.
      this.recorder?.event(
        'Warning',
        'Killing',
        pod,
        `Container ${name} did not stop within its ${graceSeconds}s grace period: SIGKILL (exit code 137)`,
      );
    });
    this.inits = new InitContainerRunner(sim, cluster, this.puller, recorder, {
      nodeWorks: (pod) => this.nodeWorks(pod),
      startupLatency: (pod) => pod.template.startupMs + sample(this.startup, this.startupRng),
      startApps: (pod) => this.startApps(pod),
      warmUp: (pod) => (pod.workload >= 0 ? (this.cluster.workloads[pod.workload]!.spec.warmUp ?? null) : null),
      stream: (prefix, pod) => this.stream(prefix, pod),
    });
    cluster.watch('kubelet', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'PodBound':
        this.scheduleStart(ev.pod);
        return;
      case 'PodTerminating':
        this.terminate(ev.pod, ev.node);
        return;
      case 'NodeHealthChanged':
        if (!ev.node.up) this.machineDown(ev.node);
        else if (ev.node.reachable) this.resume(ev.node);
        return;
      case 'PodFinished':
      case 'PodDeleted':
        this.restarting.delete(ev.pod);
        this.warming.delete(ev.pod);
        this.backoff.delete(ev.pod);
        this.inits.forget(ev.pod);
        return;
      case 'NodeReadyChanged':
        // The status manager's next sync (every 10 s) finds the API's pod Ready conditions, which the node
        // lifecycle controller set false, out of step with the running containers and posts them again.
        if (ev.node.ready) {
          const age = this.sim.now - ev.node.createdAt;
          const at = ev.node.createdAt + Math.ceil(age / STATUS_SYNC_PERIOD_MS) * STATUS_SYNC_PERIOD_MS;
          this.sim.scheduleAt(at, this.kReconcile, 0, ev.node);
        }
        return;
      case 'NodeRemoved':
        // Its pods were deleted with it: nothing left to resume.
        this.waiting.delete(ev.node.index);
        this.puller.nodeRemoved(ev.node);
        return;
      default:
    }
  }

  private scheduleStart(pod: Pod): void {
    if (pod.template.lifecycle && pod.template.lifecycle.initContainers.length > 0) {
      this.inits.begin(pod);
      return;
    }
    // Image pulls first (nothing starts without its images), then the container start latency.
    const pull = this.puller.ensureImages(pod, pod.node!);
    if (pull === null) return; // ErrImageNeverPull: the pod stays Pending
    const delay = pull + pod.template.startupMs + sample(this.startup, this.startupRng);
    this.sim.post(Math.max(0, Math.round(delay)), this.kStart, pod.runEpoch, pod);
  }

  /**
   * The machine stops: its running containers die (their timers are void), and the pods are no longer
   * Ready as far as the machine goes (the API hears of it only through the node lifecycle controller).
   */
  private machineDown(node: Node): void {
    for (const p of node.pods) {
      if (p.phase === 'Pending') this.inits.machineDown(p);
      if (p.phase !== 'Running' || p.containersDown) continue;
      this.cluster.setPodContainersDown(p, true);
      p.runEpoch++;
    }
  }

  /** The kubelet works again: what came due meanwhile happens now, in the order it came due. */
  private resume(node: Node): void {
    // Containers that died with the machine: restarted (Always, OnFailure) or failed (Never).
    const restarted: Pod[] = [];
    for (const p of node.pods) {
      if (p.phase === 'Pending' && this.inits.has(p)) restarted.push(p);
      if (p.phase !== 'Running' || p.terminating || !p.containersDown) continue;
      restarted.push(p);
    }
    for (const p of restarted) {
      if (p.phase === 'Pending') {
        this.inits.restartAfterMachineDown(p);
        continue;
      }
      this.cluster.setPodContainersDown(p, false);
      if (p.template.restartPolicy === 'Never') {
        this.cluster.finishPod(p, 'Failed', 'NodeRestarted');
        continue;
      }
      this.cluster.restartPod(p);
      this.cluster.setPodReady(p, false);
      this.restarting.add(p);
      this.recorder?.event('Normal', 'Started', p, 'Container restarted after the node restarted');
      this.sim.schedule(Math.max(0, Math.round(sample(this.startup, this.startupRng))), this.kStart, p.runEpoch, p);
    }
    const pods = this.waiting.get(node.index);
    if (!pods) return;
    this.waiting.delete(node.index);
    for (const p of pods) {
      if (p.terminating) this.sim.schedule(0, this.kStop, 0, p);
      else if (p.phase === 'Pending' && this.inits.has(p)) this.inits.resume(p);
      else if (p.phase === 'Pending') this.sim.schedule(0, this.kStart, p.runEpoch, p);
      else this.sim.schedule(0, this.kFinish, p.runEpoch, p);
    }
  }

  /** Whether the pod's kubelet can act now; if not, the pod waits for it. */
  private nodeWorks(pod: Pod): boolean {
    const node = pod.node!;
    if (node.up && node.reachable) return true;
    // A down machine's running containers are dead: nothing of theirs comes due any more.
    if (!node.up && pod.phase === 'Running' && !pod.terminating) return false;
    const list = this.waiting.get(node.index);
    if (list) list.push(pod);
    else this.waiting.set(node.index, [pod]);
    return false;
  }

  /** Posts Ready again for running pods the API shows not ready, while the node is Ready and reachable. */
  private reconcile(node: Node): void {
    if (!node.ready || !node.up || !node.reachable || node.removedAt >= 0) return;
    for (const p of node.pods.slice())
      if (p.phase === 'Running' && !p.ready && !p.terminating && !p.containersDown && !this.restarting.has(p) && !this.warming.has(p))
        this.cluster.setPodReady(p, true);
  }

  private start(pod: Pod, epoch: number): void {
    if (epoch !== pod.runEpoch) return;
    this.restarting.delete(pod);
    // The pod may have been deleted (preempted, scaled down) or begun terminating while starting.
    if (!pod.node || pod.terminating || (pod.phase !== 'Pending' && pod.phase !== 'Running')) return;
    if (!this.nodeWorks(pod)) return;
    this.containerStarted(pod, pod.phase === 'Pending');
  }

  /** A pod's init containers are done and the app containers' images are there: they start. */
  private startApps(pod: Pod): void {
    this.restarting.delete(pod);
    this.containerStarted(pod, true);
  }

  /** The pod's random stream `<prefix>:<namespace>/<name>` of its workload (of the pod itself when bare). */
  private stream(prefix: string, pod: Pod): Rng {
    const w = pod.workload >= 0 ? this.cluster.workloads[pod.workload]!.root : pod;
    return this.sim.rng(`${prefix}:${w.namespace}/${w.name}`);
  }

  /**
   * Graceful deletion (pod_workers.go SyncTerminatingPod → killPod): the running containers' preStop hooks, SIGTERM
   * and SIGKILL as planTermination lays them out; the object goes when the last has exited. A pod none of whose
   * containers run (never started, or dead with their machine) has nothing to stop. Pods with init containers or
   * preStop hooks show each container's Killing in events.csv.
   */
  private terminate(pod: Pod, node: Node | null | undefined): void {
    this.inits.stop(pod);
    const down = node?.up === false;
    const running = { app: pod.startedAt >= 0 && !down, init: down ? [] : this.inits.running(pod) };
    const plan = planTermination(pod, running, () => this.stream('termination', pod));
    let sigterm = Infinity;
    for (const c of plan.containers)
      if (!(pod.template.lifecycle?.initContainers ?? []).some((x) => x.name === c.name)) sigterm = Math.min(sigterm, c.sigtermAtMs);
    if (sigterm !== Infinity) this.cluster.setPodSigterm(pod, this.sim.now + sigterm);
    const visible = pod.template.lifecycle !== undefined && node?.up === true && node.reachable;
    for (const c of plan.containers) {
      if (!visible) break;
      this.recorder?.event('Normal', 'Killing', pod, `Stopping container ${c.name}`);
      if (c.killed) this.sim.schedule(c.sigkillAtMs, this.kSigkill, plan.gracePeriodSeconds, { pod, name: c.name });
    }
    this.sim.schedule(plan.doneAtMs, this.kStop, 0, pod);
  }

  /**
   * The containers (re)started now: without probes the pod is Ready at once; with them, the prober
   * workers' timeline (probeTimeline, with the workload's warm-up as the probes' outcome) says when it
   * turns Ready and whether a liveness or startup failure kills it first. Its run time counts from now.
   */
  private containerStarted(pod: Pod, first: boolean): void {
    const probes = pod.template.probes;
    let readyAt: number | null = 0;
    let killAt: number | null = null;
    let reason: 'liveness' | 'startup' | null = null;
    // The app answers once warmed up (the workload's warmUp): probes see that, and so do requests.
    const w = pod.workload >= 0 ? this.cluster.workloads[pod.workload] : undefined;
    const warm = w?.spec.warmUp
      ? Math.max(0, Math.round(sample(w.spec.warmUp, this.sim.rng(`warmup:${w.root.namespace}/${w.root.name}`))))
      : 0;
    this.cluster.setPodAnswersFrom(pod, this.sim.now + warm);
    if (probes) {
      const answers = (t: number) => t >= warm;
      const horizon = pod.runMs >= 0 ? pod.runMs : warm + PROBE_HORIZON_MS;
      for (const c of probes) {
        const tl = probeTimeline(c, { startup: answers, readiness: answers, liveness: answers }, horizon);
        if (tl.restartAtMs !== null && (killAt === null || tl.restartAtMs < killAt)) {
          killAt = tl.restartAtMs;
          reason = tl.restartReason;
        }
        readyAt = readyAt === null || tl.readyAtMs === null ? null : Math.max(readyAt, tl.readyAtMs);
      }
      if (killAt !== null && readyAt !== null && readyAt >= killAt) readyAt = null;
    }
    if (readyAt === 0) this.warming.delete(pod);
    else this.warming.add(pod);
    if (first && pod.template.lifecycle)
      for (const c of pod.template.lifecycle.containers) {
        this.recorder?.event('Normal', 'Created', pod, `Created container: ${c.name}`);
        this.recorder?.event('Normal', 'Started', pod, `Started container ${c.name}`);
      }
    if (first) this.cluster.startPod(pod, readyAt === 0);
    else if (readyAt === 0) this.cluster.setPodReady(pod, true);
    if (readyAt !== null && readyAt > 0) this.sim.schedule(readyAt, this.kReady, pod.runEpoch, pod);
    if (killAt !== null && (pod.runMs < 0 || killAt < pod.runMs)) {
      this.sim.schedule(killAt, this.kKill, pod.runEpoch, { pod, reason });
      return;
    }
    if (pod.runMs >= 0) this.sim.schedule(pod.runMs, this.kFinish, pod.runEpoch, pod);
  }

  private probeReady(pod: Pod, epoch: number): void {
    if (epoch !== pod.runEpoch || pod.phase !== 'Running' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    this.warming.delete(pod);
    this.cluster.setPodReady(pod, true);
  }

  /** A liveness or startup probe failed failureThreshold times: the kubelet kills the container (exit 137). */
  private probeKill(pod: Pod, reason: 'liveness' | 'startup', epoch: number): void {
    if (epoch !== pod.runEpoch || pod.phase !== 'Running' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    const what = reason === 'liveness' ? 'Liveness' : 'Startup';
    this.recorder?.event('Warning', 'Unhealthy', pod, `${what} probe failed`);
    this.recorder?.event('Normal', 'Killing', pod, `Container failed ${reason} probe, will be restarted`);
    this.exited(pod, KILLED_EXIT_CODE);
  }

  /**
   * The container's run ended with the pod's exit code. restartPolicy decides (ShouldContainerBeRestarted):
   * restarted, after CrashLoopBackOff's wait (doBackOff: the first exit restarts at once, then 10 s
   * doubling to 300 s, reset after 600 s of running); or the pod ends, Succeeded on 0, Failed otherwise.
   */
  private finish(pod: Pod, epoch: number): void {
    if (epoch !== pod.runEpoch) return;
    if (pod.phase !== 'Running' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    this.exited(pod, pod.exitCode);
  }

  private exited(pod: Pod, code: number): void {
    if (!containerShouldRestart({}, pod.template.restartPolicy, code)) {
      this.backoff.delete(pod);
      this.cluster.finishPod(pod, code === 0 ? 'Succeeded' : 'Failed', code === 0 ? 'Succeeded' : `Error (exit code ${code})`);
      return;
    }
    this.cluster.setPodReady(pod, false);
    this.restarting.add(pod);
    const b = this.backoff.get(pod);
    if (b) b.finishedAt = this.sim.now;
    else this.backoff.set(pod, { entry: null, finishedAt: this.sim.now });
    this.restartContainer(pod, pod.runEpoch);
  }

  /** SyncPod after an exit: in backoff, wait for its end (BackOff); otherwise start the container now. */
  private restartContainer(pod: Pod, epoch: number): void {
    if (epoch !== pod.runEpoch || pod.phase !== 'Running' || !pod.node || pod.terminating) return;
    if (!this.nodeWorks(pod)) return;
    const b = this.backoff.get(pod)!;
    const r = doBackOff(CRASH_LOOP_BACKOFF, b.entry, b.finishedAt, this.sim.now);
    if (r.inBackOff) {
      this.recorder?.event(
        'Warning',
        'BackOff',
        pod,
        `Back-off ${(r.entry!.backoffMs / 1000).toFixed(0)}s restarting failed container of pod ${pod.namespace}/${pod.name}`,
      );
      this.sim.scheduleAt(r.restartAtMs, this.kRestart, epoch, pod);
      return;
    }
    b.entry = r.entry;
    this.restarting.delete(pod);
    // restartCount counts the new container instance.
    this.cluster.restartPod(pod);
    this.recorder?.event('Normal', 'Started', pod, 'Started container (restart)');
    this.containerStarted(pod, false);
  }

  private stop(pod: Pod): void {
    if (!pod.node || !this.cluster.livePods.has(pod.id)) return;
    if (!this.nodeWorks(pod)) return;
    this.cluster.deletePod(pod, pod.outcome);
  }
}
