// One run of the scale benchmark's cluster in a process of its own (so its peak memory is its own): prints one
// line of JSON with the CPU seconds the run took (this process's threads: the garbage collector works beside the
// simulation on a second core), its wall-clock seconds, its events, pods, peak resident memory and heap after the run.
// Usage: node dist/bench/scale-run.js NODES HOURS
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun } from '../src/run/simulate.js';
import type { RowSink, SinkFactory } from '../src/metrics/collector.js';
import { scaleScenarioText } from './scale-scenario.js';
import { cpuSeconds } from './util.js';

const DISCARD: RowSink = { write() {} };
const SINKS: SinkFactory = { open: () => DISCARD };

const [nodes, hours] = process.argv.slice(2).map(Number) as [number, number];
const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-scale-'));
try {
  writeFileSync(join(dir, 's.yaml'), scaleScenarioText(nodes, hours));
  const s = loadScenario(join(dir, 's.yaml'));
  const t0 = cpuSeconds();
  const w0 = performance.now();
  const r = prepareRun(s, SINKS).run();
  const seconds = cpuSeconds() - t0;
  const wallSeconds = (performance.now() - w0) / 1000;
  // Four full collections: after the week, the first two leave about 160 MB that the third frees (V8 lets go of
  // some objects only after several collections); a fourth and fifth free nothing more.
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; gc && i < 4; i++) gc();
  console.log(
    JSON.stringify({
      seconds,
      wallSeconds,
      virtualSeconds: s.durationMs / 1000,
      events: r.eventsProcessed,
      pods: Number(r.summary.pods_created),
      peakPods: Number(r.summary.pods_running_peak ?? r.summary.pods_running_end ?? 0),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapBytes: process.memoryUsage().heapUsed,
      pending: Number(r.summary.pods_pending_end),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
