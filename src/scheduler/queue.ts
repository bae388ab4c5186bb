// The scheduling queue, after pkg/scheduler/backend/queue/scheduling_queue.go (v1.36): an active queue
// ordered by PrioritySort (priority, then the time the pod was queued), a backoff queue, and a pool of
// unschedulable pods that cluster events move back (queueing hints, simplified to event types per plugin).
import FastPriorityQueue from 'fastpriorityqueue';
import { EVENT_BIT, type ClusterEventType } from '../model/events.js';
import type { Pod } from '../model/pod.js';
import { SECOND, MINUTE } from '../engine/time.js';

/** Defaults of KubeSchedulerConfiguration (pkg/scheduler/apis/config/v1/defaults.go). */
export const POD_INITIAL_BACKOFF_MS = 1 * SECOND;
export const POD_MAX_BACKOFF_MS = 10 * SECOND;
/** scheduling_queue.go DefaultPodMaxInUnschedulablePodsDuration; flushed every 30 s. */
export const POD_MAX_IN_UNSCHEDULABLE_MS = 5 * MINUTE;
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30 * SECOND;

export { eventBit, eventMask } from '../model/events.js';

interface Entry {
  pod: Pod;
  /** The pod's priority (fixed for its life), kept here so that ordering reads the entry alone. */
  readonly priority: number;
  /** The pod's backoff end when the entry was made (the backoff queue's order; Pod.backoffUntil too). */
  readonly backoffUntil: number;
  /** When the pod was (re)queued: PrioritySort's tiebreak. */
  timestamp: number;
  seq: number;
  /** Events that may help a pod parked as unschedulable. */
  mask: number;
  /** When it entered the unschedulable pool. */
  parkedAt: number;
  /** Cluster events the failed attempt had already seen (the controller's event count when it began). */
  seen: number;
}

/** scheduling_queue.go calculateBackoffDuration: initial, doubled per further attempt, capped. */
export function backoffDuration(attempts: number, initial = POD_INITIAL_BACKOFF_MS, max = POD_MAX_BACKOFF_MS): number {
  let d = initial;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d > max) return max;
  }
  return d;
}

/** backoff_queue.go backoffQOrderingWindowDuration: with PopFromBackoffQ, backoff ends on 1 s windows. */
export const BACKOFF_ORDERING_WINDOW_MS = 1 * SECOND;

/** PrioritySort: higher priority first, then earlier queued. */
function activeLess(a: Entry, b: Entry): boolean {
  return (
    a.priority > b.priority || (a.priority === b.priority && (a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq)))
  );
}

export class SchedulingQueue {
  private seq = 0;
  private readonly active = new FastPriorityQueue<Entry>(activeLess);
  // backoff_queue.go lessBackoffCompletedWithPriority (PopFromBackoffQ on): by backoff end, then as the
  // active queue orders; lessBackoffCompleted (off): by backoff end alone (insertion order for ties).
  private readonly backoff = new FastPriorityQueue<Entry>(
    (a, b) =>
      a.backoffUntil < b.backoffUntil || (a.backoffUntil === b.backoffUntil && (this.popFromBackoff ? activeLess(a, b) : a.seq < b.seq)),
  );
  private readonly unschedulable = new Map<number, Entry>();
  /** Pod ids currently anywhere in the queue (a pod is in at most one sub-queue). */
  private readonly queued = new Set<number>();

  constructor(
    /** SchedulerPopFromBackoffQ (beta, on by default since v1.33): pop from backoffQ when activeQ is empty. */
    private readonly popFromBackoff = true,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }
  get backoffCount(): number {
    return this.backoff.size;
  }
  get unschedulableCount(): number {
    return this.unschedulable.size;
  }
  get size(): number {
    return this.queued.size;
  }

  has(pod: Pod): boolean {
    return this.queued.has(pod.id);
  }

  add(pod: Pod, now: number): void {
    if (this.queued.has(pod.id)) return;
    this.queued.add(pod.id);
    this.active.add({ pod, priority: pod.priority, backoffUntil: 0, timestamp: now, seq: this.seq++, mask: 0, parkedAt: 0, seen: 0 });
  }

  /**
   * backoff_queue.go getBackoffTime: the failed attempt's time plus the backoff; with PopFromBackoffQ the
   * end is truncated to its 1 s window, and isPodBackingoff keeps the pod until that window has passed,
   * so the pod is free from the start of the next window.
   */
  private backoffEnd(pod: Pod, now: number): number {
    const end = now + backoffDuration(pod.attempts);
    if (!this.popFromBackoff) return end;
    return (Math.floor(end / BACKOFF_ORDERING_WINDOW_MS) + 1) * BACKOFF_ORDERING_WINDOW_MS;
  }

  /**
   * A pod whose attempt failed: parked until an event in `mask` may help it, with backoff. `seen` is the
   * count of cluster events the attempt already saw: only later events move it (the in-flight events of
   * scheduling_queue.go AddUnschedulableIfNotPresent).
   */
  addUnschedulable(pod: Pod, mask: number, now: number, seen = 0): void {
    if (this.queued.has(pod.id)) return;
    this.queued.add(pod.id);
    const backoffUntil = (pod.backoffUntil = this.backoffEnd(pod, now));
    this.unschedulable.set(pod.id, {
      pod,
      priority: pod.priority,
      backoffUntil,
      timestamp: now,
      seq: this.seq++,
      mask,
      parkedAt: now,
      seen,
    });
  }

  /** A failed pod to retry after backoff regardless of events (e.g. its preemption victims are gone). */
  addBackoff(pod: Pod, now: number): void {
    if (this.queued.has(pod.id)) return;
    this.queued.add(pod.id);
    const backoffUntil = (pod.backoffUntil = this.backoffEnd(pod, now));
    this.backoff.add({ pod, priority: pod.priority, backoffUntil, timestamp: now, seq: this.seq++, mask: 0, parkedAt: 0, seen: 0 });
  }

  /** Removes a pod that was deleted or bound elsewhere. Lazy for the heaps: stale entries are skipped on pop. */
  remove(pod: Pod): void {
    this.queued.delete(pod.id);
    this.unschedulable.delete(pod.id);
  }

  /** Moves pods whose backoff has expired to the active queue. */
  private flushBackoff(now: number): void {
    let top = this.backoff.peek();
    while (top && top.backoffUntil <= now) {
      this.backoff.poll();
      if (this.queued.has(top.pod.id)) this.active.add(top);
      top = this.backoff.peek();
    }
  }

  /** The next pod to schedule, or undefined. */
  pop(now: number): Pod | undefined {
    this.flushBackoff(now);
    for (;;) {
      let e = this.active.poll();
      if (!e && this.popFromBackoff) e = this.backoff.poll();
      if (!e) return undefined;
      if (!this.queued.has(e.pod.id)) continue; // removed while queued
      this.queued.delete(e.pod.id);
      return e.pod;
    }
  }

  /** Time the earliest backoff expires, for the scheduler's wake-up. */
  nextBackoffAt(): number | undefined {
    return this.backoff.peek()?.backoffUntil;
  }

  /**
   * Cluster events of this type, the last of which was event number `last`: unschedulable pods that such
   * an event may help, and whose attempt began before it, go back to backoff or active.
   */
  onEvent(type: ClusterEventType, now: number, last = Infinity): number {
    const bit = EVENT_BIT[type];
    let moved = 0;
    for (const e of this.unschedulable.values()) {
      if ((e.mask & bit) === 0 || e.seen >= last) continue;
      this.unschedulable.delete(e.pod.id);
      this.requeue(e, now);
      moved++;
    }
    return moved;
  }

  /** flushUnschedulablePodsLeftover: pods parked longer than POD_MAX_IN_UNSCHEDULABLE_MS are retried. */
  flushUnschedulable(now: number): number {
    let moved = 0;
    for (const e of this.unschedulable.values()) {
      if (now - e.parkedAt <= POD_MAX_IN_UNSCHEDULABLE_MS) continue;
      this.unschedulable.delete(e.pod.id);
      this.requeue(e, now);
      moved++;
    }
    return moved;
  }

  private requeue(e: Entry, now: number): void {
    e.seq = this.seq++;
    // The timestamp stays that of the failed attempt (AddUnschedulableIfNotPresent refreshes it there).
    if (e.backoffUntil > now) this.backoff.add(e);
    else this.active.add(e);
  }
}
