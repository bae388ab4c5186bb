// Runs before every test file: invariant checks that are too costly for ordinary runs are on in tests, and the
// file's temporary folders go under one folder of its own that is removed after the file (os.tmpdir() reads TMPDIR
// each time, and the processes and worker threads a test starts inherit it), so a test run leaves nothing in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ScaleDownPlanner } from '../../src/controllers/cluster-autoscaler/planner.js';
import { DaemonSetController } from '../../src/controllers/daemonset/controller.js';
import { HPAController } from '../../src/controllers/hpa/controller.js';
import { MetricsServer } from '../../src/controllers/metrics-server/controller.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { FluidTrafficController } from '../../src/traffic/fluid-controller.js';
import { topologySpreadChecks } from '../../src/scheduler/plugins/pod-topology-spread.js';

Scheduler.checkScores = true;
Scheduler.checkCounts = true;
Scheduler.checkScans = true;
DaemonSetController.checkIncremental = true;
FluidTrafficController.checkServing = true;
HPAController.checkViews = true;
MetricsServer.checkMeters = true;
topologySpreadChecks.groups = true;
topologySpreadChecks.sums = true;
ScaleDownPlanner.checkAbove = true;

const root = mkdtempSync(join(tmpdir(), 'kubesim-tests-'));
process.env.TMPDIR = process.env.TMP = process.env.TEMP = root;
afterAll(() => rmSync(root, { recursive: true, force: true }));
