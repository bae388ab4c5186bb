// Grid axes: their column in the outputs is the key's full field path, one spelling for every way of writing it.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { makeAxes, makeCells } from '../../src/sweep/grid.js';

// scenarios/default.yaml: node pool "general"; workloads: shop manifests, the nightly report, batch stream "etl".
const raw = loadScenario('scenarios/default.yaml').raw;
const columns = (...keys: string[]) =>
  makeAxes(
    raw,
    keys.map((key) => ({ key, values: [1, 2] })),
    '--grid',
  ).map((a) => a.column);

describe('grid axis columns', () => {
  it.each([
    ['scheduler.profile', 'cluster.scheduler.profile'],
    ['cluster.scheduler.profile', 'cluster.scheduler.profile'],
    ['nodePools.general.count', 'cluster.nodePools.general.count'],
    ['cluster.nodePools.general.count', 'cluster.nodePools.general.count'],
    ['cluster.nodePools[0].count', 'cluster.nodePools[0].count'],
    ['nodePools[0].count', 'cluster.nodePools[0].count'],
    ['nodePools.0.count', 'cluster.nodePools[0].count'],
    ['nodePools[00].allocatable.cpu', 'cluster.nodePools[0].allocatable.cpu'],
    ['workloads[2].batch.count', 'workloads[2].batch.count'],
    ['workloads.2.batch.count', 'workloads[2].batch.count'],
    ['workloads.etl.batch.arrivals.poisson.rate', 'workloads.etl.batch.arrivals.poisson.rate'],
    ['duration', 'duration'],
  ])('%s -> %s', (key, column) => {
    expect(columns(key)).toEqual([column]);
  });

  it('gives two axes ending in the same field two predictable columns', () => {
    expect(columns('cluster.nodePools[0].count', 'workloads[2].batch.count')).toEqual([
      'cluster.nodePools[0].count',
      'workloads[2].batch.count',
    ]);
    expect(columns('workloads.etl.batch.count', 'nodePools.general.count')).toEqual([
      'workloads.etl.batch.count',
      'cluster.nodePools.general.count',
    ]);
  });

  it('refuses one field twice, however it is spelt', () => {
    expect(() => columns('nodePools.general.count', 'cluster.nodePools[0].count')).toThrow(/already on the grid/);
  });

  it('keeps the short names in cell labels, by which --baseline names cells', () => {
    const axes = makeAxes(
      raw,
      [
        { key: 'scheduler.profile', values: ['default'] },
        { key: 'nodePools.general.count', values: [6] },
        { key: 'workloads.etl.batch.count', values: [10] },
      ],
      '--grid',
    );
    expect(makeCells(axes)[0]!.label).toBe('profile=default count=6 batch_count=10');
    expect(makeCells(axes)[0]!.sets).toEqual([
      'cluster.scheduler.profile=default',
      'cluster.nodePools[0].count=6',
      'workloads[2].batch.count=10',
    ]);
  });
});
