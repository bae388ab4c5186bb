// A worker for the sweep benchmark's machine check: the integer kernel (kernel.ts), timed by the caller.
import { parentPort, workerData } from 'node:worker_threads';
import { integerKernel } from './kernel.js';

parentPort!.postMessage(integerKernel((workerData as { rounds: number }).rounds));
