// The Deployment controller (pkg/controller/deployment, v1.36), reconciling the model's Deployments through
// the ReplicaSets it owns, one step per sync as deployment_controller.go syncDeployment does: a paused
// Deployment or a resize (isScalingEvent) only scales (sync.go sync, proportionally mid-rollout); otherwise
// RollingUpdate (rolling.go) or Recreate (recreate.go) takes one step, then the status and the Progressing
// condition are updated (progress.go syncRolloutStatus). The ReplicaSet of the current template is named
// <deployment>-<pod-template-hash> (ComputeHash); a template seen before (a rollback) reuses its ReplicaSet
// under a new revision. The arithmetic is calc.ts; this file reads the model and applies its answers.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { computeHash } from '../../workload/names.js';
import {
  cleanupDeployment,
  filterActiveReplicaSets,
  isScalingEvent,
  newRSNewReplicas,
  oldPodsRunning,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicasAnnotations,
  replicasAnnotationsNeedUpdate,
  scale,
  NEW_RS_AVAILABLE_REASON,
  TIMED_OUT_REASON,
  type DeploymentCondition,
  type DeploymentView,
  type DeploymentStatusView,
  type ReplicaSetView,
} from './calc.js';
import {
  calculateStatus,
  checkPausedConditions,
  deploymentComplete,
  newReplicaSetProgressing,
  requeueStuckDeployment,
  syncRolloutProgressing,
} from './progress.js';
import { deploymentView, replicaSetView, type OwnedReplicaSet } from './views.js';

/** apps/v1 DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** What a rollout step did (rollouts.csv's `action`). */
export type RolloutAction = 'start' | 'scale_up' | 'scale_down' | 'complete' | 'timed_out' | 'drained';

/** One step of a rollout: the sizes after it. */
export interface RolloutStep {
  readonly deployment: Workload;
  readonly revision: number;
  readonly action: RolloutAction;
  /** spec.replicas summed over the old ReplicaSets, and of the new one. */
  readonly oldReplicas: number;
  readonly newReplicas: number;
  /** Available replicas over all ReplicaSets (status), and the Deployment's spec.replicas. */
  readonly available: number;
  readonly desired: number;
}

export interface RolloutListener {
  step(s: RolloutStep): void;
}

interface Managed {
  d: Workload;
  /** ReplicaSets it owns and that are not deleted, in creation order. */
  sets: OwnedReplicaSet[];
  /** The Progressing condition of its status, and the reason of its Available condition. */
  progressing: DeploymentCondition | null;
  available: string;
  /** Annotation deployment.kubernetes.io/revision. */
  revision: number;
  /** A rollout (a new template replacing pods of an old one) is under way. */
  rolling: boolean;
  /** The rollout completed, and pods of older ReplicaSets may still be terminating. */
  draining: boolean;
  /** When the pending progress check (requeueStuckDeployment) fires; -1: none. */
  wakeAt: number;
}

/** The client-go workqueue's first rate-limited retry (DefaultControllerRateLimiter: 5 ms, doubling). */
const RATE_LIMITED_BASE_MS = 5;

export class DeploymentController {
  private readonly queue: SyncQueue<Managed>;
  /** computeHash per template object (templates are replaced, never changed). */
  private readonly hashes = new WeakMap<object, string>();
  private listener: RolloutListener | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly recorder: EventRecorder | null = null,
  ) {
    this.queue = new SyncQueue(sim, 'deployment.sync', (m) => this.sync(m));
    cluster.watch('deployment', {
      WorkloadAdded: (ev) => {
        const w = ev.workload;
        if (w.kind === 'Deployment') {
          const m: Managed = { d: w, sets: [], progressing: null, available: '', revision: 0, rolling: false, draining: false, wakeAt: -1 };
          this.queue.add(w.index, m);
        } else {
          const m = this.ownerOf(w);
          if (m) m.sets.push({ rs: w, revision: 0, desired: undefined, max: undefined });
        }
      },
      WorkloadSpecChanged: (ev) => {
        if (ev.workload.kind === 'Deployment') this.queue.queue(ev.workload.index);
      },
      // A ReplicaSet's status moves its Deployment's; a Deployment's own update is synced again too, as the
      // informer's updateDeployment enqueues it (that sync finds the status unchanged and sets the progress check).
      WorkloadStatusChanged: (ev) => {
        const w = ev.workload;
        if (w.kind === 'Deployment') this.queue.queue(w.index);
        const m = this.ownerOf(w);
        if (m) this.queue.queue(m.d.index);
      },
      // deployment_controller.go deletePod: a Recreate rollout waits until the old pods are gone.
      PodDeleted: (ev) => this.podGone(ev.pod),
      PodFinished: (ev) => this.podGone(ev.pod),
    });
  }

  /** Where each rollout step is reported (rollouts.csv). */
  onStep(listener: RolloutListener): void {
    this.listener = listener;
  }

  /** The bookkeeping of the Deployment that owns this ReplicaSet, if w is one. */
  private ownerOf(w: Workload): Managed | undefined {
    const owner = w.owner;
    if (w.kind !== 'ReplicaSet' || !owner || owner.kind !== 'Deployment') return undefined;
    return this.queue.get(owner.index);
  }

  private podGone(pod: Pod): void {
    const w = this.cluster.workloads[pod.workload];
    const m = w && this.ownerOf(w);
    if (m && (m.draining || m.d.spec.rollout?.type === 'Recreate')) this.queue.queue(m.d.index);
  }

  /** After a rollout: once no pod of an older ReplicaSet is left, the rollout has drained (rollouts.csv). */
  private checkDrained(m: Managed): void {
    const hash = this.hashOf(m.d);
    const current = m.sets.find((o) => o.rs.templateHash === hash);
    const old = m.sets.filter((o) => o !== current);
    if (old.some((o) => this.cluster.livePodsOf(o.rs) > 0)) return;
    m.draining = false;
    if (current) this.report(m, 'drained', current, old);
  }

  private hashOf(d: Workload): string {
    const template = d.spec.template!;
    let hash = this.hashes.get(template);
    if (hash === undefined) this.hashes.set(template, (hash = computeHash(template)));
    return hash;
  }

  /** deployment_controller.go syncDeployment. */
  private sync(m: Managed): void {
    const d = m.d;
    if (d.deletedAt >= 0) return;
    if (m.sets.some(isDeleted)) m.sets = m.sets.filter((o) => !isDeleted(o));
    if (m.draining) this.checkDrained(m);
    const condBefore = m.progressing;
    // (One view of the Deployment for the whole sync: nothing in it changes before syncStatus writes the status.)
    const view = deploymentView(d);
    m.progressing = checkPausedConditions(view, m.progressing, this.sim.now);
    if (view.paused || isScalingEvent(view, m.sets.map(replicaSetView))) return this.syncScale(m, view, condBefore);
    if (view.strategy.type === 'Recreate') this.rolloutRecreate(m, view, condBefore);
    else this.rolloutRolling(m, view, condBefore);
  }

  /** sync.go getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) and the old ones. */
  private split(m: Managed, create: boolean, view: DeploymentView): { newRS: OwnedReplicaSet | null; old: OwnedReplicaSet[] } {
    const hash = this.hashOf(m.d);
    let newRS: OwnedReplicaSet | null = null;
    const old: OwnedReplicaSet[] = [];
    for (const o of m.sets) {
      if (newRS === null && o.rs.templateHash === hash) newRS = o;
      else old.push(o);
    }
    // deployment_util.go MaxRevision of the old ones + 1 (SetNewReplicaSetAnnotations).
    let maxOld = 0;
    for (const o of old) maxOld = Math.max(maxOld, o.revision);
    const revision = maxOld + 1;
    if (newRS) {
      if (newRS.revision < revision) newRS.revision = revision;
      m.progressing = newReplicaSetProgressing(view, m.progressing, false, this.sim.now);
    } else if (create) newRS = this.createNewReplicaSet(m, old, hash, revision, view);
    if (newRS) {
      if (newRS.revision !== m.revision && old.some((o) => o.rs.spec.replicas > 0 || o.rs.status.replicas > 0)) {
        m.rolling = true;
        m.draining = false;
        m.revision = newRS.revision;
        this.report(m, 'start', newRS, old);
      }
      m.revision = newRS.revision;
    }
    return { newRS, old };
  }

  /** sync.go getNewReplicaSet, creating: sized by NewRSNewReplicas, with the template's hash label. */
  private createNewReplicaSet(m: Managed, old: OwnedReplicaSet[], hash: string, revision: number, view: DeploymentView): OwnedReplicaSet {
    const d = m.d;
    const template = d.spec.template!;
    const replicas = newRSNewReplicas(view, old.map(replicaSetView), { ...EMPTY_RS, name: `${d.name}-${hash}` });
    const rs = this.cluster.createWorkload({
      kind: 'ReplicaSet',
      name: `${d.name}-${hash}`,
      namespace: d.namespace,
      owner: d,
      templateHash: hash,
      spec: {
        ...d.spec,
        replicas,
        template: { ...template, labels: new Map([...template.labels, [POD_TEMPLATE_HASH_LABEL, hash]]) },
      },
    });
    // WorkloadAdded has pushed a record of it; SetNewReplicaSetAnnotations sets the revision and sizes.
    const added = m.sets[m.sets.length - 1]!;
    const { desired, max } = replicasAnnotations(view);
    added.revision = revision;
    added.desired = desired;
    added.max = max;
    if (replicas > 0) this.event(m, `Scaled up replica set ${rs.name} from 0 to ${replicas}`);
    m.progressing = newReplicaSetProgressing(view, m.progressing, true, this.sim.now);
    return added;
  }

  /** deployment_controller.go scaleReplicaSet: the new size and annotations; true if the size changed. */
  private scaleReplicaSet(m: Managed, o: OwnedReplicaSet, size: number, view: DeploymentView): boolean {
    const from = o.rs.spec.replicas;
    const { desired, max } = replicasAnnotations(view);
    if (from === size && !replicasAnnotationsNeedUpdate(replicaSetView(o), desired, max)) return false;
    o.desired = desired;
    o.max = max;
    if (from === size) return false;
    this.cluster.scaleWorkload(o.rs, size);
    this.event(m, `Scaled ${size > from ? 'up' : 'down'} replica set ${o.rs.name} from ${from} to ${size}`);
    return true;
  }

  private event(m: Managed, message: string): void {
    this.recorder?.event('Normal', 'ScalingReplicaSet', `deployment/${m.d.namespace}/${m.d.name}`, message);
  }

  /** sync.go sync: a paused Deployment or a resize; scales (proportionally), cleans up when paused. */
  private syncScale(m: Managed, view: DeploymentView, condBefore: DeploymentCondition | null): void {
    const { newRS, old } = this.split(m, false, view);
    const sizes = scale(view, newRS && replicaSetView(newRS), old.map(replicaSetView));
    let scaled = false;
    for (const [name, size] of sizes) {
      const o = m.sets.find((x) => x.rs.name === name)!;
      scaled = this.scaleReplicaSet(m, o, size, view) || scaled;
    }
    if (scaled && m.rolling && newRS) this.report(m, 'scale_up', newRS, old);
    if (view.paused) this.cleanup(m, old, view);
    this.syncStatus(m, newRS, view, condBefore, false);
  }

  /** rolling.go rolloutRolling. */
  private rolloutRolling(m: Managed, view: DeploymentView, condBefore: DeploymentCondition | null): void {
    const { newRS, old } = this.split(m, true, view);
    const nrs = newRS!;
    // (The old ReplicaSets' views serve both steps: scaling the new one changes only its own.)
    const oldViews = old.map(replicaSetView);
    let nrsView = replicaSetView(nrs);
    const newSize = reconcileNewReplicaSet(view, [...oldViews, nrsView], nrsView);
    if (this.scaleReplicaSet(m, nrs, newSize, view)) {
      this.report(m, 'scale_up', nrs, old);
      return this.syncStatus(m, nrs, view, condBefore, true);
    }
    // (Its annotations may just have been written.) With no old ReplicaSet there is nothing to scale down.
    nrsView = replicaSetView(nrs);
    const down =
      old.length === 0
        ? NOTHING_TO_SCALE
        : reconcileOldReplicaSets(view, [...oldViews, nrsView], filterActiveReplicaSets(oldViews), nrsView);
    let scaledDown = false;
    for (const [name, size] of down)
      scaledDown =
        this.scaleReplicaSet(
          m,
          old.find((o) => o.rs.name === name)!,
          size,
          view,
        ) || scaledDown;
    if (scaledDown) {
      this.report(m, 'scale_down', nrs, old);
      return this.syncStatus(m, nrs, view, condBefore, true);
    }
    if (deploymentComplete(view, this.statusView(m))) this.cleanup(m, old, view);
    this.syncStatus(m, nrs, view, condBefore, true);
  }

  /** recreate.go rolloutRecreate: every old ReplicaSet to 0, wait until their pods are gone, then the new one. */
  private rolloutRecreate(m: Managed, view: DeploymentView, condBefore: DeploymentCondition | null): void {
    let { newRS, old } = this.split(m, false, view);
    let scaledDown = false;
    for (const o of old) if (o.rs.spec.replicas > 0) scaledDown = this.scaleReplicaSet(m, o, 0, view) || scaledDown;
    if (scaledDown) {
      if (newRS) this.report(m, 'scale_down', newRS, old);
      return this.syncStatus(m, newRS, view, condBefore, true);
    }
    if (oldPodsRunning(old.map(replicaSetView), this.podsOf(old))) return this.syncStatus(m, newRS, view, condBefore, true);
    if (!newRS) ({ newRS, old } = this.split(m, true, view));
    // recreate.go scaleUpNewReplicaSetForRecreate.
    if (this.scaleReplicaSet(m, newRS!, view.replicas, view)) this.report(m, 'scale_up', newRS!, old);
    if (deploymentComplete(view, this.statusView(m))) this.cleanup(m, old, view);
    this.syncStatus(m, newRS, view, condBefore, true);
  }

  /** The live pods (terminating ones too) of these ReplicaSets, looked up only once their status reports none. */
  private *podsOf(sets: readonly OwnedReplicaSet[]): Iterable<Pod> {
    if (!sets.some((o) => this.cluster.livePodsOf(o.rs) > 0)) return;
    const ids = new Set(sets.map((o) => o.rs.index));
    for (const p of this.cluster.livePods.values()) if (ids.has(p.workload)) yield p;
  }

  /** sync.go cleanupDeployment: delete old ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(m: Managed, old: readonly OwnedReplicaSet[], view: DeploymentView): void {
    const names = cleanupDeployment(old.map(replicaSetView), view.revisionHistoryLimit);
    for (const name of names) {
      const o = old.find((x) => x.rs.name === name)!;
      this.cluster.deleteWorkload(o.rs);
    }
    if (names.length > 0) m.sets = m.sets.filter((o) => o.rs.deletedAt < 0);
  }

  /** The Deployment's status as last written, for the rules comparing old and new. */
  private statusView(m: Managed) {
    const s = m.d.status;
    const v: DeploymentStatusView = {
      replicas: s.replicas,
      updatedReplicas: s.updatedReplicas,
      readyReplicas: s.readyReplicas,
      availableReplicas: s.availableReplicas,
      observedGeneration: s.observedGeneration,
    };
    if (m.progressing) v.progressingReason = m.progressing.reason;
    return v;
  }

  /**
   * sync.go syncDeploymentStatus (rollout false) or progress.go syncRolloutStatus (rollout true): the status
   * counts and conditions; an unchanged status after a rollout step schedules the progress check.
   */
  private syncStatus(
    m: Managed,
    newRS: OwnedReplicaSet | null,
    view: DeploymentView,
    condBefore: DeploymentCondition | null,
    rollout: boolean,
  ): void {
    const d = m.d;
    const all = m.sets.map(replicaSetView);
    const at = newRS ? m.sets.indexOf(newRS) : -1;
    const st = calculateStatus(all, newRS && (at >= 0 ? all[at]! : replicaSetView(newRS)), view);
    const now = this.sim.now;
    if (rollout) {
      const cond = syncRolloutProgressing(view, this.statusView(m), st, m.progressing, now);
      if (cond && cond.reason === TIMED_OUT_REASON && m.progressing?.reason !== TIMED_OUT_REASON) {
        this.recorder?.event(
          'Warning',
          TIMED_OUT_REASON,
          `deployment/${d.namespace}/${d.name}`,
          `Deployment "${d.name}" has timed out progressing.`,
        );
        if (m.rolling && newRS) this.report(m, 'timed_out', newRS, this.oldOf(m, newRS));
      }
      m.progressing = cond;
    }
    const s = d.status;
    const unchanged =
      s.observedGeneration === st.observedGeneration &&
      s.replicas === st.replicas &&
      s.updatedReplicas === st.updatedReplicas &&
      s.readyReplicas === st.readyReplicas &&
      s.availableReplicas === st.availableReplicas &&
      m.available === st.available.reason &&
      m.progressing === condBefore;
    m.available = st.available.reason;
    if (m.rolling && newRS && deploymentComplete(view, st)) {
      m.rolling = false;
      m.draining = true;
      this.report(m, 'complete', newRS, this.oldOf(m, newRS), st.availableReplicas);
      this.checkDrained(m);
    }
    if (!unchanged) {
      this.cluster.setWorkloadStatus(d, {
        observedGeneration: st.observedGeneration,
        replicas: st.replicas,
        readyReplicas: st.readyReplicas,
        availableReplicas: st.availableReplicas,
        updatedReplicas: st.updatedReplicas,
      });
      return;
    }
    if (rollout) this.requeueStuck(m, view, st);
  }

  /**
   * progress.go requeueStuckDeployment: a sync when the progress deadline passes (AddAfter the time left + 1 s).
   * Within the last second, or past it, upstream requeues rate-limited (5 ms, then 10 qps across the controller)
   * for as long as nothing changes. Those syncs can only change the outcome by noticing the deadline: kubesim
   * makes one sync at the first 5 ms step past it, and none when the deadline cannot be noticed (a complete
   * rollout missing a pod keeps NewReplicaSetAvailable; a deadline already past was checked by this sync).
   */
  private requeueStuck(m: Managed, view: DeploymentView, st: ReturnType<typeof calculateStatus>): void {
    const now = this.sim.now;
    const left = requeueStuckDeployment(view, st, m.progressing, now);
    if (left < 0) return;
    let at: number;
    if (left > 0) at = now + left + 1000;
    else {
      const cond = m.progressing!;
      if (st.replicas === st.updatedReplicas && cond.reason === NEW_RS_AVAILABLE_REASON) return;
      const deadline = Math.floor(cond.lastUpdateMs / 1000) * 1000 + (view.progressDeadlineSeconds ?? 600) * 1000;
      if (deadline < now) return;
      at = now + RATE_LIMITED_BASE_MS * (Math.floor((deadline - now) / RATE_LIMITED_BASE_MS) + 1);
    }
    // The workqueue keeps one waiting entry per object, at the earliest time asked.
    if (m.wakeAt > now && m.wakeAt <= at) return;
    m.wakeAt = at;
    this.queue.queueAfter(m.d.index, at - now);
  }

  private oldOf(m: Managed, newRS: OwnedReplicaSet): OwnedReplicaSet[] {
    return m.sets.filter((o) => o !== newRS);
  }

  private report(m: Managed, action: RolloutAction, newRS: OwnedReplicaSet, old: readonly OwnedReplicaSet[], available?: number): void {
    if (!this.listener) return;
    let oldReplicas = 0;
    let avail = 0;
    for (const o of old) {
      oldReplicas += o.rs.spec.replicas;
      avail += o.rs.status.availableReplicas;
    }
    avail += newRS.rs.status.availableReplicas;
    this.listener.step({
      deployment: m.d,
      revision: newRS.revision,
      action,
      oldReplicas,
      newReplicas: newRS.rs.spec.replicas,
      available: available ?? avail,
      desired: m.d.spec.replicas,
    });
  }
}

const isDeleted = (o: OwnedReplicaSet): boolean => o.rs.deletedAt >= 0;

/** reconcileOldReplicaSets' answer when there is no old ReplicaSet. */
const NOTHING_TO_SCALE: ReadonlyMap<string, number> = new Map();

/** A ReplicaSet about to be created: nothing yet. */
const EMPTY_RS: ReplicaSetView = {
  name: '',
  replicas: 0,
  statusReplicas: 0,
  availableReplicas: 0,
  readyReplicas: 0,
  createdAt: 0,
  revision: 0,
};
