// The TTL-after-finished rules (ttl-after-finished/calc.ts) as a table shaped like
// pkg/controller/ttlafterfinished/ttlafterfinished_controller_test.go TestTimeLeft.
import { describe, expect, it } from 'vitest';
import { needsCleanup, timeLeft, type FinishableJob, type JobCondition } from '../../src/controllers/ttl-after-finished/calc.js';

const S = 1000;
const now = 5_000_000;

/** newJob(completionTime, failedTime, ttl): -1 leaves a condition out, null leaves the TTL unset. */
function newJob(completionTime: number, failedTime: number, ttl: number | null): FinishableJob {
  const conditions: JobCondition[] = [];
  if (completionTime >= 0) conditions.push({ type: 'Complete', status: 'True', lastTransitionTime: completionTime });
  if (failedTime >= 0) conditions.push({ type: 'Failed', status: 'True', lastTransitionTime: failedTime });
  return { namespace: 'default', name: 'foobar', ttlSecondsAfterFinished: ttl, conditions };
}

describe('timeLeft (TestTimeLeft)', () => {
  it.each<[string, number, number, number | null, string | null, number, number]>([
    ['Error case: Job unfinished', -1, -1, 100, 'should not be cleaned up', 0, 0],
    ['Error case: Job completed now, no TTL', now, -1, null, 'should not be cleaned up', 0, 0],
    ['Job completed now, 0s TTL', now, -1, 0, null, 0, now],
    ['Job completed now, 10s TTL', now, -1, 10, null, 10 * S, now + 10 * S],
    ['Job completed 10s ago, 15s TTL', now - 10 * S, -1, 15, null, 5 * S, now + 5 * S],
    ['Error case: Job failed now, no TTL', -1, now, null, 'should not be cleaned up', 0, 0],
    ['Job failed now, 0s TTL', -1, now, 0, null, 0, now],
    ['Job failed now, 10s TTL', -1, now, 10, null, 10 * S, now + 10 * S],
    ['Job failed 10s ago, 15s TTL', -1, now - 10 * S, 15, null, 5 * S, now + 5 * S],
  ])('%s', (_name, completionTime, failedTime, ttl, expectErr, expectedTimeLeft, expectedExpireAt) => {
    const got = timeLeft(newJob(completionTime, failedTime, ttl), now);
    if (expectErr !== null) {
      expect('error' in got && got.error).toContain(expectErr);
      return;
    }
    expect(got).toEqual({ timeLeft: expectedTimeLeft, expireAt: expectedExpireAt });
  });

  it('needsCleanup: a finished Job with a TTL, and only such a Job', () => {
    expect(needsCleanup(newJob(now, -1, 0))).toBe(true);
    expect(needsCleanup(newJob(-1, now, 30))).toBe(true);
    expect(needsCleanup(newJob(-1, -1, 30))).toBe(false);
    expect(needsCleanup(newJob(now, -1, null))).toBe(false);
    expect(needsCleanup({ ...newJob(-1, -1, 30), conditions: [{ type: 'Complete', status: 'False', lastTransitionTime: now }] })).toBe(
      false,
    );
  });
});
