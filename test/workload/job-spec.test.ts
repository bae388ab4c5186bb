// A Job's spec from its manifest (job-spec.ts): SetDefaults_Job and validateJobSpec's rules for
// backoffLimitPerIndex, maxFailedIndexes and ttlSecondsAfterFinished (pkg/apis/batch, v1.36).
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadWith } from '../helpers/scenario.js';

const job = (spec: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n${spec
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: x}]\n`;

const jobSpec = (spec: string) => loadWith(job(spec)).workloads[0]!.job!;

function problem(spec: string): string {
  try {
    loadWith(job(spec));
  } catch (e) {
    if (e instanceof ScenarioError) return `${e.path}: ${e.problem}`;
    throw e;
  }
  return '';
}

describe('Job spec: backoffLimitPerIndex, maxFailedIndexes, ttlSecondsAfterFinished', () => {
  it('reads the fields, leaving them out when unset', () => {
    expect(
      jobSpec('completionMode: Indexed\ncompletions: 5\nbackoffLimitPerIndex: 2\nmaxFailedIndexes: 1\nttlSecondsAfterFinished: 0'),
    ).toMatchObject({
      backoffLimitPerIndex: 2,
      maxFailedIndexes: 1,
      ttlSecondsAfterFinished: 0,
    });
    expect(Object.keys(jobSpec('completions: 2'))).not.toContain('backoffLimitPerIndex');
  });

  it('backoffLimit: 6 by default; with backoffLimitPerIndex the most failures the Job can count; as given when set', () => {
    expect(jobSpec('completionMode: Indexed\ncompletions: 5').backoffLimit).toBe(6);
    expect(jobSpec('completionMode: Indexed\ncompletions: 5\nbackoffLimitPerIndex: 2').backoffLimit).toBe(15);
    expect(jobSpec('completionMode: Indexed\ncompletions: 5\nbackoffLimitPerIndex: 2\nbackoffLimit: 3').backoffLimit).toBe(3);
  });

  it.each([
    ['backoffLimitPerIndex: 1', 'spec.backoffLimitPerIndex: requires completionMode Indexed'],
    [
      'completionMode: Indexed\ncompletions: 3\nmaxFailedIndexes: 1',
      'spec.maxFailedIndexes: backoffLimitPerIndex is required when maxFailedIndexes is set',
    ],
    [
      'completionMode: Indexed\ncompletions: 3\nbackoffLimitPerIndex: 1\nmaxFailedIndexes: 4',
      'spec.maxFailedIndexes: must be less than or equal to completions (3), got 4',
    ],
    [
      'completionMode: Indexed\ncompletions: 3\nparallelism: 100001',
      'spec.parallelism: must be less than or equal to 100000 when completionMode is Indexed, got 100001',
    ],
    [
      'completionMode: Indexed\ncompletions: 100001\nbackoffLimitPerIndex: 1',
      'spec.backoffLimitPerIndex: maxFailedIndexes must be set when completions is above 100000 with backoffLimitPerIndex',
    ],
    [
      'completionMode: Indexed\ncompletions: 100001\nparallelism: 10001\nbackoffLimitPerIndex: 1\nmaxFailedIndexes: 10',
      'spec.parallelism: must be less than or equal to 10000 when completions is above 100000 with backoffLimitPerIndex, got 10001',
    ],
    [
      'completionMode: Indexed\ncompletions: 100001\nbackoffLimitPerIndex: 1\nmaxFailedIndexes: 10001',
      'spec.maxFailedIndexes: must be less than or equal to 10000 when completions is above 100000 with backoffLimitPerIndex, got 10001',
    ],
    ['backoffLimitPerIndex: -1', 'spec.backoffLimitPerIndex: expected an integer >= 0, got -1'],
  ])('refuses %j', (spec, want) => {
    expect(problem(spec)).toBe(want);
  });

  it('accepts the largest values validation allows', () => {
    expect(
      problem('completionMode: Indexed\ncompletions: 100000\nparallelism: 100000\nbackoffLimitPerIndex: 1\nmaxFailedIndexes: 100000'),
    ).toBe('');
  });
});
