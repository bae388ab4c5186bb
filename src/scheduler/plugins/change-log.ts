// A log of changes numbered by version, for readers that catch up with what changed since they last looked
// (PodTopologySpread's per-template counts read a selector's changes per node instead of recounting).

/** Changes kept at most (the latest half is kept when full). */
const MAX_CHANGES = 1024;

/**
 * Changes numbered by a version (change v takes `version` from v to v + 1), kept from `start` on: the latest of them,
 * at least half of MAX_CHANGES once that many were made. Readers further behind than `start` start afresh. Until
 * `keep` is called (or when made with `kept`), only the version counts.
 */
export class ChangeLog {
  private log: Int32Array | null;
  start = 0;
  version = 0;

  constructor(kept: boolean) {
    this.log = kept ? new Int32Array(64) : null;
  }

  /** Keeps the changes from the current version on. */
  keep(): void {
    if (this.log !== null) return;
    this.log = new Int32Array(64);
    this.start = this.version;
  }

  /** Change v, for start <= v < version. */
  at(v: number): number {
    return this.log![v - this.start]!;
  }

  push(entry: number): void {
    const log = this.log;
    if (log === null) {
      this.start = ++this.version;
      return;
    }
    let at = this.version - this.start;
    if (at === log.length) {
      if (log.length < MAX_CHANGES) {
        const bigger = new Int32Array(log.length * 2);
        bigger.set(log);
        this.log = bigger;
      } else {
        // Keep the latest half.
        const keep = log.length >> 1;
        log.copyWithin(0, at - keep, at);
        this.start += at - keep;
        at = keep;
      }
    }
    this.log![at] = entry;
    this.version++;
  }
}
