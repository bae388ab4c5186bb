// Indexed Jobs' rules (indexed.ts), as tables shaped like pkg/controller/job/indexed_job_utils_test.go and
// backoff_utils_test.go, and syncJob's failed-index conditions (calc.ts failedIndexesFailure).
import { describe, expect, it } from 'vitest';
import {
  firstPendingIndexes,
  getNewIndexFailureCounts,
  getPodCreationInfoForIndependentIndexes,
  getRemainingTimePerIndex,
  intervalsHas,
  intervalsString,
  intervalsTotal,
  isIndexFailed,
  withOrderedIndexes,
  type IndexedFailedPod,
  type Interval,
  type LastFailedPod,
  type PerIndexJob,
} from '../../src/controllers/job/indexed.js';
import { failedIndexesFailure } from '../../src/controllers/job/calc.js';

const S = 1000;
const T = 1_000_000;

/** buildPod().indexFailureCount(count).indexIgnoredFailureCount(ignored), failed with an exit code (or a condition). */
function pod(count: number, exitCode: number | null = 1, ignored = 0, disruption = false): IndexedFailedPod {
  return {
    containers: [{ name: 'main', exitCode }],
    conditions: new Map(disruption ? [['DisruptionTarget', 'True' as const]] : []),
    indexFailureCount: count,
    indexIgnoredFailureCount: ignored,
  };
}
const iv = (first: number, last: number): Interval => ({ first, last });

// TestIsIndexFailed.
describe('isIndexFailed', () => {
  it.each<[string, PerIndexJob, IndexedFailedPod, boolean]>([
    ['failed pod exceeding backoffLimitPerIndex, when backoffLimitPerIndex=0', { backoffLimitPerIndex: 0 }, pod(0), true],
    ['failed pod exceeding backoffLimitPerIndex, when backoffLimitPerIndex=1', { backoffLimitPerIndex: 1 }, pod(1), true],
    ['failed pod within backoffLimitPerIndex', { backoffLimitPerIndex: 1 }, pod(0), false],
    [
      'matching FailIndex pod failure policy',
      { backoffLimitPerIndex: 1, podFailurePolicy: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [3] } }] },
      pod(0, 3),
      true,
    ],
    [
      'an ignored failure does not fail the index, whatever the count',
      {
        backoffLimitPerIndex: 0,
        podFailurePolicy: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
      },
      pod(5, null, 0, true),
      false,
    ],
  ])('%s', (_name, job, p, want) => {
    expect(isIndexFailed(job, p)).toBe(want);
  });
});

// TestGetNewIndexFailureCountValue.
describe('getNewIndexFailureCounts', () => {
  it.each<[string, PerIndexJob, IndexedFailedPod | null, [number, number]]>([
    ['first pod created', { backoffLimitPerIndex: 1 }, null, [0, 0]],
    ['failed pod being replaced with 0 index failure count', { backoffLimitPerIndex: 1 }, pod(0), [1, 0]],
    ['failed pod being replaced with >0 index failure count', { backoffLimitPerIndex: 1 }, pod(3), [4, 0]],
    [
      'failed pod being replaced, matching the ignore rule',
      {
        backoffLimitPerIndex: 1,
        podFailurePolicy: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
      },
      pod(3, null, 0, true),
      [3, 1],
    ],
  ])('%s', (_name, job, p, want) => {
    expect(getNewIndexFailureCounts(job, p)).toEqual(want);
  });
});

// TestIntervalsHaveIndex.
describe('orderedIntervals.has', () => {
  it.each<[string, Interval[], number, boolean]>([
    ['empty', [], 4, false],
    ['before all', [iv(2, 4), iv(5, 7)], 1, false],
    ['after all', [iv(2, 4), iv(6, 8)], 9, false],
    ['in between', [iv(2, 4), iv(6, 8)], 5, false],
    ['in first', [iv(2, 4), iv(6, 8)], 2, true],
    ['in second', [iv(2, 4), iv(6, 8)], 8, true],
  ])('%s', (_name, intervals, index, want) => {
    expect(intervalsHas(intervals, index)).toBe(want);
  });
});

// TestCalculateSucceededIndexes (the merging part: previous intervals with new indexes).
describe('orderedIntervals.withOrderedIndexes, total and String', () => {
  it.each<[string, Interval[], number[], Interval[], string]>([
    ['one index', [], [1], [iv(1, 1)], '1'],
    ['two intervals', [], [2, 3, 5, 6, 7], [iv(2, 3), iv(5, 7)], '2,3,5-7'],
    [
      'prev and new separate',
      [iv(0, 0), iv(4, 5), iv(10, 12)],
      [2, 7, 8],
      [iv(0, 0), iv(2, 2), iv(4, 5), iv(7, 8), iv(10, 12)],
      '0,2,4,5,7,8,10-12',
    ],
    ['prev between new', [iv(3, 4), iv(6, 6)], [2, 7, 8], [iv(2, 4), iv(6, 8)], '2-4,6-8'],
    ['new between prev', [iv(2, 2), iv(7, 8)], [3, 4, 6], [iv(2, 4), iv(6, 8)], '2-4,6-8'],
    ['new within prev', [iv(2, 7)], [0, 3, 5, 9], [iv(0, 0), iv(2, 7), iv(9, 9)], '0,2-7,9'],
  ])('%s', (_name, prev, added, want, text) => {
    const got = withOrderedIndexes(prev, added);
    expect(got).toEqual(want);
    expect(intervalsString(got)).toBe(text);
    expect(intervalsTotal(got)).toBe(want.reduce((n, v) => n + v.last - v.first + 1, 0));
  });
});

// TestFirstPendingIndexes.
describe('firstPendingIndexes', () => {
  it.each<[string, number[], Interval[], Interval[] | null, number, number, number[]]>([
    ['cnt greater than completions', [], [], null, 5, 3, [0, 1, 2]],
    ['cnt less than completions', [], [], null, 2, 5, [0, 1]],
    ['first pods active', [0, 1], [], null, 3, 10, [2, 3, 4]],
    ['last pods active or succeeded', [6], [iv(4, 5)], null, 6, 6, [0, 1, 2, 3]],
    ['mixed', [3, 5, 8, -1, -3], [iv(2, 4), iv(9, 9)], null, 5, 20, [0, 1, 6, 7, 10]],
    ['with failed indexes', [3, 9], [iv(1, 1), iv(5, 5), iv(9, 9)], [iv(2, 2), iv(6, 7)], 5, 20, [0, 4, 8, 10, 11]],
  ])('%s', (_name, active, succeeded, failed, cnt, completions, want) => {
    expect(firstPendingIndexes(active, succeeded, failed, cnt, completions)).toEqual(want);
  });
});

// backoff_utils_test.go TestGetRemainingBackoffTimePerIndex (defaultBackoff 5 s, maxBackoff 700 s).
describe('getRemainingTimePerIndex', () => {
  const last = (count: number, ignored: number, finishedTime: number): LastFailedPod => ({ ...pod(count, 1, ignored), finishedTime });
  it.each<[string, LastFailedPod | null, number, number]>([
    ['no failures', null, T, 0],
    ['two prev failures; current time and failure time are same', last(2, 0, T), T, 20 * S],
    ['one prev failure counted and one ignored; current time and failure time are same', last(1, 1, T), T, 20 * S],
    ['first failure, 3 s ago', last(0, 0, T - 3 * S), T, 2 * S],
  ])('%s', (_name, p, now, want) => {
    expect(getRemainingTimePerIndex(now, p, 5 * S, 700 * S)).toBe(want);
  });
  it('defaults: 10 s after an index first fails, doubling with each further failure', () => {
    expect(getRemainingTimePerIndex(T, last(0, 0, T))).toBe(10 * S);
    expect(getRemainingTimePerIndex(T, last(2, 0, T))).toBe(40 * S);
  });
});

// job_controller.go getPodCreationInfoForIndependentIndexes.
describe('getPodCreationInfoForIndependentIndexes', () => {
  const delayed = new Map<number, LastFailedPod>([
    [1, { ...pod(0), finishedTime: T - 4 * S }],
    [3, { ...pod(1), finishedTime: T - 5 * S }],
  ]);
  it.each<[string, number[], { indexes: number[]; remainingMs: number }]>([
    ['indexes without failures are created at once', [0, 1, 2], { indexes: [0, 2], remainingMs: 0 }],
    ['only indexes in backoff: the shortest remaining wait', [1, 3], { indexes: [], remainingMs: 6 * S }],
    ['nothing to add', [], { indexes: [], remainingMs: 0 }],
  ])('%s', (_name, toAdd, want) => {
    expect(getPodCreationInfoForIndependentIndexes(T, toAdd, delayed)).toEqual(want);
  });
});

// syncJob with backoffLimitPerIndex.
describe('failedIndexesFailure', () => {
  it.each<[string, number | undefined, number, number, number, string | null]>([
    ['no failed index', undefined, 0, 3, 5, null],
    ['failed indexes while others still run', undefined, 1, 2, 5, null],
    ['every index done, some failed', undefined, 1, 4, 5, 'FailedIndexes'],
    ['maxFailedIndexes 0: the first failed index', 0, 1, 0, 5, 'MaxFailedIndexesExceeded'],
    ['maxFailedIndexes reached but not exceeded', 2, 2, 1, 5, null],
    ['maxFailedIndexes exceeded takes precedence', 1, 2, 3, 5, 'MaxFailedIndexesExceeded'],
  ])('%s', (_name, maxFailed, failed, succeeded, completions, want) => {
    expect(failedIndexesFailure(maxFailed, failed, succeeded, completions)?.reason ?? null).toBe(want);
  });
});
