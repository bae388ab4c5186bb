// Runs before every test file: invariant checks that are too costly for ordinary runs are on in tests.
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
