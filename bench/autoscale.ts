// autoscale: 24 virtual hours of an autoscaled cluster of about 500 nodes under diurnal traffic. 60 services,
// each a Deployment (1 cpu per pod) behind a Service with an HPA at 60% CPU, take fluid traffic whose daily
// curve doubles from night to the afternoon peak; the cluster autoscaler grows and shrinks the pool
// (min 150, max 700 nodes of 8 cpu). Figure: virtual ÷ CPU time. Target: at least 10,000x.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun } from '../src/run/simulate.js';
import type { RowSink, SinkFactory } from '../src/metrics/collector.js';
import { check, cpuSeconds, fixed, median, rate, serviceWithHpaYaml, table, verdict, type BenchOptions, type BenchResult } from './util.js';

const SERVICES = 60;
const TARGET = 10_000;
const DISCARD: RowSink = { write() {} };
const SINKS: SinkFactory = { open: () => DISCARD };

export function scenarioText(): string {
  const objects: string[] = [];
  const entries: string[] = [];
  const services: string[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc-${i}`;
    objects.push(`
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: 20
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:
              containers: [{name: c, image: ${name}, resources: {requests: {cpu: "1", memory: 2Gi}}}]${serviceWithHpaYaml(name, 5, 200)}`);
    // Peaks spread over the afternoon; a pod's slot uses 250m (4 slots per pod), 20 ms per request.
    const peakAt = 12 + (i % 6);
    entries.push(`    - {service: ${name}, rate: {diurnal: {mean: 5000, peak: 8000, peakAt: ${peakAt}h}}}`);
    services.push(`    ${name}: {serviceTime: {exponential: {mean: 20ms}}, cpuPerRequest: 250m}`);
  }
  return `name: autoscale-bench
duration: 24h
metrics: {interval: 5m}
cluster:
  nodePools:
    - {name: general, zones: [a, b, c], count: 200, minCount: 150, maxCount: 700, allocatable: {cpu: "8", memory: 32Gi}, pricePerHour: 0.388}
  autoscaler: {expander: least-waste}
workloads:
  - objects:${objects.join('')}
traffic:
  mode: fluid
  interval: 10s
  entrypoints:
${entries.join('\n')}
  services:
${services.join('\n')}
`;
}

export function benchAutoscale(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const reps = opts.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-autoscale-'));
  const ratios: number[] = [];
  let summary: Record<string, string | number> = {};
  try {
    writeFileSync(join(dir, 's.yaml'), scenarioText());
    for (let r = 0; r < reps; r++) {
      const s = loadScenario(join(dir, 's.yaml'));
      (globalThis as { gc?: () => void }).gc?.();
      const t0 = cpuSeconds();
      summary = prepareRun(s, SINKS).run().summary;
      ratios.push(s.durationMs / 1000 / (cpuSeconds() - t0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const added = Number(summary.autoscaler_nodes_added);
  const removed = Number(summary.autoscaler_nodes_removed);
  check(broken, added > 0 && removed > 0, `autoscale: the day added ${added} and removed ${removed} nodes`);
  check(broken, Number(summary.hpa_rescales) > 0, 'autoscale: no HPA rescaled');
  const ratio = median(ratios);
  table(
    `autoscale — ${SERVICES} services with HPAs and fluid diurnal traffic, cluster autoscaler over 150..700 nodes, 24 virtual hours, ${reps} runs`,
    ['figure', 'value'],
    [
      ['nodes at the end / peak used', `${summary.nodes} / ${summary.nodes_used_peak}`],
      ['nodes added / removed', `${added} / ${removed}`],
      ['HPA rescales', String(summary.hpa_rescales)],
      ['node-hours, cost', `${fixed(Number(summary.node_hours), 0)}, ${fixed(Number(summary.cost), 2)}`],
      ['virtual / CPU time (median)', `${rate(ratio)}x`],
    ],
  );
  return {
    name: 'autoscale',
    broken,
    verdicts: [verdict(`24 h autoscaled ~500-node cluster >= ${rate(TARGET)}x`, ratio >= TARGET, `${rate(ratio)}x`)],
  };
}
