import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF_LIMIT,
  DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  EMPTY_BACKOFF_RECORD,
  exceedsBackoffLimit,
  getRemainingTime,
  MAX_JOB_POD_FAILURE_BACKOFF_MS,
  newBackoffRecord,
  pastBackoffLimitOnFailure,
  type BackoffRecord,
  type PodRestarts,
} from '../../src/controllers/job/backoff.js';

const S = 1000;
const T = 1_000_000; // defaultTestTime

describe('defaults (v1.36)', () => {
  it('10 s initial delay, 10 min cap, backoffLimit 6', () => {
    expect(DEFAULT_JOB_POD_FAILURE_BACKOFF_MS).toBe(10 * S);
    expect(MAX_JOB_POD_FAILURE_BACKOFF_MS).toBe(600 * S);
    expect(DEFAULT_BACKOFF_LIMIT).toBe(6);
  });
});

// backoff_utils_test.go TestNewBackoffRecord.
describe('newBackoffRecord', () => {
  const stored2: BackoffRecord = { failuresAfterLastSuccess: 2, lastFailureTime: null };
  it.each<[string, BackoffRecord, number[], number[], BackoffRecord]>([
    ['Empty backoff store and one new failure', EMPTY_BACKOFF_RECORD, [], [T], { failuresAfterLastSuccess: 1, lastFailureTime: T }],
    ['Empty backoff store and two new failures', EMPTY_BACKOFF_RECORD, [], [T, T - 1], { failuresAfterLastSuccess: 2, lastFailureTime: T }],
    [
      'Empty backoff store, two failures followed by success',
      EMPTY_BACKOFF_RECORD,
      [T],
      [T - 2, T - 1],
      { failuresAfterLastSuccess: 0, lastFailureTime: null },
    ],
    [
      'Empty backoff store, two failures, one success and two more failures',
      EMPTY_BACKOFF_RECORD,
      [T - 2],
      [T, T - 4, T - 3, T - 1],
      { failuresAfterLastSuccess: 2, lastFailureTime: T },
    ],
    ['Backoff store having failure count 2 and one new failure', stored2, [], [T], { failuresAfterLastSuccess: 3, lastFailureTime: T }],
    [
      'Empty backoff store with success and failure at same timestamp',
      EMPTY_BACKOFF_RECORD,
      [T],
      [T],
      { failuresAfterLastSuccess: 0, lastFailureTime: null },
    ],
    ['Empty backoff store with no success/failure', EMPTY_BACKOFF_RECORD, [], [], { failuresAfterLastSuccess: 0, lastFailureTime: null }],
    ['Empty backoff store with one success', EMPTY_BACKOFF_RECORD, [T], [], { failuresAfterLastSuccess: 0, lastFailureTime: null }],
    [
      'Backoff store having failure count 2 and one success: reset',
      stored2,
      [T],
      [],
      { failuresAfterLastSuccess: 0, lastFailureTime: null },
    ],
  ])('%s', (_name, old, succeeded, failed, want) => {
    expect(newBackoffRecord(old, succeeded, failed)).toEqual(want);
  });
});

// backoff_utils_test.go TestGetRemainingBackoffTime (defaultBackoff 5 s, maxBackoff 700 s).
describe('getRemainingTime', () => {
  const record = (failures: number): BackoffRecord => ({ failuresAfterLastSuccess: failures, lastFailureTime: failures ? T : null });
  it.each<[string, number, number, number]>([
    ['no failures', 0, T, 0],
    ['one failure; current time and failure time are same', 1, T, 5 * S],
    ['one failure; current time == 1 second + failure time', 1, T + 1 * S, 4 * S],
    ['one failure; current time == expected backoff time', 1, T + 5 * S, 0],
    ['one failure; current time == expected backoff time + 1 Second', 1, T + 6 * S, 0],
    ['three failures; current time and failure time are same', 3, T, 20 * S],
    ['eight failures; backoff not exceeding maxBackoff', 8, T, 640 * S],
    ['nine failures; backoff exceeding maxBackoff', 9, T, 700 * S],
  ])('%s', (_name, failures, now, want) => {
    expect(getRemainingTime(record(failures), now, 5 * S, 700 * S)).toBe(want);
  });
  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
    [6, 320],
    [7, 600],
    [20, 600],
  ])('with the defaults, %i consecutive failures wait %i s', (failures, seconds) => {
    expect(getRemainingTime({ failuresAfterLastSuccess: failures, lastFailureTime: T }, T)).toBe(seconds * S);
  });
});

// job_controller_test.go: backoffLimit checks of syncJob.
describe('backoff limit', () => {
  it.each([
    [6, 6, false],
    [7, 6, true],
    [1, 0, true],
    [0, 0, false],
  ])('%i failed pods with backoffLimit %i: failed %s', (failed, limit, want) => {
    expect(exceedsBackoffLimit(failed, limit)).toBe(want);
  });
  it('defaults to 6', () => {
    expect(exceedsBackoffLimit(6)).toBe(false);
    expect(exceedsBackoffLimit(7)).toBe(true);
  });
  it.each<[string, 'Never' | 'OnFailure', PodRestarts[], number, boolean]>([
    ['restartPolicy Never ignores restarts', 'Never', [{ phase: 'Running', restartCount: 10 }], 6, false],
    ['restarts below the limit', 'OnFailure', [{ phase: 'Running', restartCount: 5 }], 6, false],
    [
      'restarts reach the limit',
      'OnFailure',
      [
        { phase: 'Running', restartCount: 4 },
        { phase: 'Pending', restartCount: 2 },
      ],
      6,
      true,
    ],
    [
      'finished pods do not count',
      'OnFailure',
      [
        { phase: 'Failed', restartCount: 9 },
        { phase: 'Running', restartCount: 1 },
      ],
      6,
      false,
    ],
    ['backoffLimit 0: any restart', 'OnFailure', [{ phase: 'Running', restartCount: 1 }], 0, true],
    ['backoffLimit 0: no restart', 'OnFailure', [{ phase: 'Running', restartCount: 0 }], 0, false],
  ])('pastBackoffLimitOnFailure: %s', (_name, policy, pods, limit, want) => {
    expect(pastBackoffLimitOnFailure(policy, pods, limit)).toBe(want);
  });
});
