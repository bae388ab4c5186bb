// An entry point whose only backend is a Service that calls nothing and gets requests from nowhere else shows
// that Service's figures (TrafficSeries.source) instead of counting every request twice: the series must read
// the same as the Service's at every interval, whichever of the two starts the next interval first, and an
// entry point whose Service has other senders must keep figures of its own.
import { describe, expect, it } from 'vitest';
import { TrafficSeries } from '../../src/traffic/stats.js';
import { runScenario } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

function figures(s: TrafficSeries) {
  s.flush();
  const h = s.intervalLatency;
  return {
    requests: s.interval.requests,
    ok: s.interval.ok,
    refused: s.interval.failed.refused,
    p50: h.totalCount > 0 ? h.getValueAtPercentile(50) : -1,
    p99: h.totalCount > 0 ? h.getValueAtPercentile(99) : -1,
    total: s.total.ok,
    latencies: s.latency.totalCount,
  };
}

describe('TrafficSeries with a source', () => {
  it.each([
    ['the entry point first', true],
    ['the Service first', false],
  ])('shows the source figures, interval after interval (next interval started on %s)', (_, entryFirst) => {
    const svc = new TrafficSeries('default/web', 'service', 500);
    const entry = new TrafficSeries('web', 'entry', 500, svc);
    for (let k = 0; k < 3; k++) {
      for (let i = 1; i <= 100 * (k + 1); i++) {
        svc.arrived();
        if (i % 10 === 0) svc.failed('refused');
        else svc.answered(i * 7 + k);
      }
      const want = figures(svc);
      expect(want.requests).toBe(100 * (k + 1));
      expect(figures(entry)).toEqual(want);
      const order = entryFirst ? [entry, svc] : [svc, entry];
      for (const s of order) s.nextInterval();
      expect(figures(entry).requests).toBe(0);
    }
    // Every answer counted once over the run: 90 + 180 + 270.
    expect(svc.latency.totalCount).toBe(540);
    expect(entry.latency.totalCount).toBe(540);
    expect(entry.total.failed.refused).toBe(60);
  });
});

const scenario = (extra: string, frontCalls: string) => `
name: entry
duration: 30m
metrics: {interval: 5m}
cluster:
  nodePools:
    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - objects:${serviceApp('web')}${serviceApp('front')}
traffic:
  entrypoints:
    - {service: web, rate: 20}${extra}
  services:
    web: {serviceTime: {exponential: {mean: 50ms}}, concurrency: 4}
    front: {serviceTime: {exponential: {mean: 20ms}}, concurrency: 4, calls: [${frontCalls}]}
`;

/** requests.csv's rows of one series, without the columns that name it. */
function rows(table: (name: string) => Record<string, string | number>[], scope: string, service: string) {
  return table('requests')
    .filter((r) => r.scope === scope && r.service === service)
    .map(({ scope: _s, service: _n, ...rest }) => rest);
}

describe('an entry point and its only Service in requests.csv', () => {
  it('read the same at every interval when nothing else sends to the Service', () => {
    const { table } = runScenario(scenario('', ''));
    const entry = rows(table, 'entry', 'web');
    expect(entry).toHaveLength(6);
    for (const r of entry) expect(Number(r.answered)).toBeGreaterThan(5000);
    expect(rows(table, 'service', 'default/web')).toEqual(entry);
  });

  it('differ when another Service calls it too', () => {
    const { table } = runScenario(scenario('\n    - {service: front, rate: 10}', 'web'));
    const entry = rows(table, 'entry', 'web');
    const svc = rows(table, 'service', 'default/web');
    expect(entry).toHaveLength(6);
    for (let i = 0; i < entry.length; i++) expect(Number(svc[i]!.requests)).toBeGreaterThan(Number(entry[i]!.requests) + 2000);
  });
});
