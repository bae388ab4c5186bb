// Runs before every test file: invariant checks that are too costly for ordinary runs are on in tests.
import { Scheduler } from '../../src/scheduler/scheduler.js';

Scheduler.checkScores = true;
Scheduler.checkCounts = true;
