// A cluster too small for its load: most attempts fail on every node, and the free-resource index answers
// them without filtering node by node (Scheduler.countFailures). The answers must be those of filtering
// every node: the same files byte for byte (placements, pending pods over time, attempts), and the same
// reasons for the pods still pending. The test suite also checks every single answer (Scheduler.checkCounts).
// Sparse scans visit only the nodes the index finds fitting (Scheduler.scanByIndex): the same outputs again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runToDirectory, type RunOutput } from '../../src/run/output.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { fileHashes } from '../helpers/scenario.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-overload-'));

/**
 * Batch pods arriving faster than the cluster can hold them, some too big for any node, low-priority pods
 * in the first minutes (while any is bound, a failure goes the full way, for preemption's dry run), nodes
 * failing and a pool drained.
 */
const OVERLOADED = `
name: overloaded
seed: 11
duration: 2h
metrics: {interval: 1m}
cluster:
  nodePools:
    - name: small
      zones: [a, b, c]
      count: 24
      allocatable: {cpu: "4", memory: 16Gi, pods: 30}
      pricePerHour: 0.2
      failures: {timeToFailure: {exponential: {mean: 3h}}, timeToRepair: {exponential: {mean: 10m}}}
    - {name: big, zones: [a], count: 3, allocatable: {cpu: "16", memory: 64Gi, pods: 110}, pricePerHour: 0.8}
faults:
  - drain: {pool: small, at: 50m, for: 10m}
workloads:
  - objects:
      - apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: low}
        value: -10
  - batch:
      name: low
      arrivals: {poisson: {rate: 120/h}}
      stop: 20m
      requests: {cpu: {uniform: {min: 100m, max: "1"}}, memory: {uniform: {min: 128Mi, max: 2Gi}}}
      duration: {exponential: {mean: 15m}}
      priorityClassName: low
  - batch:
      name: jobs
      arrivals: {poisson: {rate: 900/h}}
      requests:
        cpu: {uniform: {min: 100m, max: "3"}}
        memory: {uniform: {min: 128Mi, max: 8Gi}}
      duration: {exponential: {mean: 40m}}
  - batch:
      name: huge
      arrivals: {poisson: {rate: 6/h}}
      requests:
        cpu: {uniform: {min: "10", max: "20"}}
        memory: {uniform: {min: 1Gi, max: 4Gi}}
      duration: {exponential: {mean: 20m}}
`;

/** Runs the scenario file into a directory of its own (the files name the scenario file, so it is the same one). */
function run(file: string, countFailures: boolean, scanByIndex = countFailures): { out: RunOutput; files: Record<string, string> } {
  const dir = tmp();
  Scheduler.countFailures = countFailures;
  Scheduler.scanByIndex = scanByIndex;
  try {
    const out = runToDirectory(loadScenario(file), join(dir, 'out'), 't');
    return { out, files: fileHashes(join(dir, 'out')) };
  } finally {
    Scheduler.countFailures = true;
    Scheduler.scanByIndex = true;
  }
}

describe('an overloaded cluster', () => {
  afterEach(() => {
    Scheduler.countFailures = true;
    Scheduler.scanByIndex = true;
  });

  it('gives the same outputs and pending reasons whether failures are counted by the index or by filtering every node', () => {
    const file = join(tmp(), 'overloaded.yaml');
    writeFileSync(file, OVERLOADED);
    const before = Scheduler.countedFailures;
    const fast = run(file, true);
    const counted = Scheduler.countedFailures - before;
    const slow = run(file, false);
    expect(Scheduler.countedFailures - before).toBe(counted);
    // The index answered many attempts, and the cluster was overloaded: pods pending at the end.
    expect(counted).toBeGreaterThan(200);
    expect(Number(fast.out.summary.pods_pending_end)).toBeGreaterThan(50);
    expect(fast.files).toEqual(slow.files);
    expect([...fast.out.pendingReasons]).toEqual([...slow.out.pendingReasons]);
    expect(fast.out.pendingReasons.size).toBeGreaterThan(1);
  });

  it('gives the same outputs whether sparse scans visit only the nodes the index finds fitting or filter every node', () => {
    const file = join(tmp(), 'overloaded.yaml');
    writeFileSync(file, OVERLOADED);
    const before = Scheduler.indexScans;
    const fast = run(file, true, true);
    const scans = Scheduler.indexScans - before;
    const slow = run(file, true, false);
    expect(Scheduler.indexScans - before).toBe(scans);
    // Many scans went by the index (the test suite also checks each against filtering every node).
    expect(scans).toBeGreaterThan(100);
    expect(fast.files).toEqual(slow.files);
    expect([...fast.out.pendingReasons]).toEqual([...slow.out.pendingReasons]);
  });
});
