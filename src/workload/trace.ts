// Trace replay: a simple CSV of tasks (time_s,cpu,memory,duration_s[,priority]) and the Google cluster
// trace 2011 task_events table (see docs/SCENARIO.md for how its normalised units are scaled, and how a
// task's priority number becomes its pod's priority through the entry's `priorities` mapping).
import { gunzipSync } from 'node:zlib';
import type { ResourceSpace } from '../model/resources.js';
import { CPU, MEMORY } from '../model/resources.js';
import { parseMilliQuantity, parseQuantity } from '../model/quantity.js';
import { makeTemplate } from '../model/template.js';
import { ScenarioError } from '../scenario/errors.js';
import { readUserFile } from '../scenario/files.js';
import type { Arrival } from './spec.js';

/** What a task's trace priority number becomes on its pod (the PriorityClass it maps to, or no class). */
export interface TracePriority {
  priority: number;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  priorityClassName: string;
}

/** Priorities of the Google 2011 trace: 0 to 11, bigger is more important. */
export const GOOGLE_PRIORITY_MIN = 0;
export const GOOGLE_PRIORITY_MAX = 11;

/**
 * A key of a trace entry's `priorities` mapping: one trace priority ("9", "-1") or an inclusive range
 * ("9-11", "-5--1"). Returns the range, or a message saying what is wrong.
 */
export function parsePriorityKey(key: string): { lo: number; hi: number } | string {
  const m = /^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?$/.exec(key);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi))
    return `expected a trace priority such as 9, or an inclusive range such as "9-11", got "${key}"`;
  if (lo > hi) return `the range "${key}" has its ends reversed; write "${hi}-${lo}"`;
  return { lo, hi };
}

/** Trace files up to this size (compressed size for .gz) are read. */
const MAX_TRACE_BYTES = 64 * 1024 * 1024;
/** A gzip trace may unpack to at most this much text (a gzip bomb stops there). */
const MAX_TRACE_TEXT_BYTES = 512 * 1024 * 1024;

export interface TraceOptions {
  space: ResourceSpace;
  namespace: string;
  owner: string;
  cpuPerUnit: number;
  memoryPerUnit: number;
  limit: number;
  /** The pod priority of a task with this trace priority. */
  priorityOf: (tracePriority: number) => TracePriority;
  /** Name shown in errors. */
  display: string;
}

export interface TraceResult {
  arrivals: Arrival[];
  /** Rows skipped, by reason (e.g. tasks first seen with a non-SUBMIT event in a mid-trace shard). */
  skipped: Map<string, number>;
}

export function readTraceText(file: string, display: string): string {
  const buf = readUserFile(file, display, MAX_TRACE_BYTES, 'trace file', 'a trace file (CSV, or gzip CSV)');
  try {
    return (file.endsWith('.gz') ? gunzipSync(buf, { maxOutputLength: MAX_TRACE_TEXT_BYTES }) : buf).toString('utf8');
  } catch {
    throw new ScenarioError(display, 0, 0, '', 'cannot decompress the gzip trace file');
  }
}

/** Splits one CSV line (no quoted fields in these formats). */
function fields(line: string): string[] {
  return line.split(',').map((f) => f.trim());
}

export function parseSimpleTrace(text: string, o: TraceOptions): TraceResult {
  const lines = text.split(/\r?\n/);
  const header = fields(lines[0] ?? '');
  const want = ['time_s', 'cpu', 'memory', 'duration_s'];
  for (let i = 0; i < want.length; i++) {
    if (header[i] !== want[i])
      throw new ScenarioError(
        o.display,
        1,
        1,
        '',
        `expected the header "time_s,cpu,memory,duration_s[,priority]", got "${lines[0] ?? ''}"`,
      );
  }
  const hasPriority = header[4] === 'priority';
  const arrivals: Arrival[] = [];
  const bad = (ln: number, msg: string) => new ScenarioError(o.display, ln, 1, '', msg);
  let last = -Infinity;
  for (let ln = 1; ln < lines.length && arrivals.length < o.limit; ln++) {
    const line = lines[ln]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = fields(line);
    const t = Number(f[0]);
    const d = Number(f[3]);
    if (!Number.isFinite(t) || t < 0) throw bad(ln + 1, `time_s: expected a non-negative number of seconds, got "${f[0]}"`);
    if (t < last) throw bad(ln + 1, `time_s: rows must be in time order (${t} < ${last})`);
    last = t;
    if (!Number.isFinite(d) || d < 0) throw bad(ln + 1, `duration_s: expected a non-negative number of seconds, got "${f[3]}"`);
    const req = o.space.vector();
    try {
      req[CPU] = parseMilliQuantity(f[1]!);
      req[MEMORY] = parseQuantity(f[2]!);
    } catch (e) {
      throw bad(ln + 1, `cpu/memory: ${(e as Error).message}`);
    }
    if (req[CPU]! < 0) throw bad(ln + 1, `cpu: expected a non-negative quantity, got "${f[1]}"`);
    if (req[MEMORY]! < 0) throw bad(ln + 1, `memory: expected a non-negative quantity, got "${f[2]}"`);
    const priority = hasPriority ? Number(f[4]) : 0;
    if (!Number.isInteger(priority)) throw bad(ln + 1, `priority: expected an integer, got "${f[4]}"`);
    arrivals.push({
      at: Math.round(t * 1000),
      runMs: Math.round(d * 1000),
      template: makeTemplate(o.space, {
        owner: o.owner,
        restartPolicy: 'Never',
        namespace: o.namespace,
        requests: req,
        ...o.priorityOf(priority),
      }),
    });
  }
  return { arrivals, skipped: new Map() };
}

const SUBMIT = 0,
  SCHEDULE = 1,
  EVICT = 2,
  FAIL = 3,
  FINISH = 4,
  KILL = 5,
  LOST = 6;

/**
 * Google 2011 task_events: a task (job ID, task index) arrives at SUBMIT and runs for as long as it ran
 * in the trace, from SCHEDULE to its EVICT/FAIL/FINISH/KILL/LOST (until the end of the run if that is
 * not in the file). Times are microseconds; the replay starts at the file's first event.
 */
export function parseGoogleTaskEvents(text: string, o: TraceOptions): TraceResult {
  const skipped = new Map<string, number>();
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);
  interface Task {
    arrival: Arrival;
    scheduledUs: number;
  }
  const open = new Map<string, Task>();
  const dropped = new Set<string>();
  const arrivals: Arrival[] = [];
  let t0 = -1;
  let ln = 0;
  for (const line of text.split('\n')) {
    ln++;
    if (line === '') continue;
    const f = line.split(',');
    if (f.length < 13) throw new ScenarioError(o.display, ln, 1, '', `expected 13 columns of task_events, got ${f.length}`);
    const us = Number(f[0]);
    if (f[0] === '' || !Number.isFinite(us) || us < 0) {
      throw new ScenarioError(o.display, ln, 1, '', `time: expected a non-negative number of microseconds, got "${f[0]!.slice(0, 20)}"`);
    }
    if (t0 < 0) t0 = us;
    const key = `${f[2]}/${f[3]}`;
    const type = Number(f[5]);
    if (!Number.isInteger(type) || type < 0 || type > 8) {
      throw new ScenarioError(o.display, ln, 6, '', `event type: expected an integer 0..8, got "${f[5]!.slice(0, 20)}"`);
    }
    if (type === SUBMIT) {
      if (arrivals.length >= o.limit) {
        dropped.add(key);
        skip('tasks past the limit');
        continue;
      }
      const cpu = Number(f[9] || 0);
      const mem = Number(f[10] || 0);
      const prio = Number(f[8] || 0);
      // The trace normalises requests to its largest machine (0..1) and priorities to 0..11.
      if (!(cpu >= 0 && cpu <= 1))
        throw new ScenarioError(o.display, ln, 10, '', `CPU request: expected a number 0..1, got "${f[9]!.slice(0, 20)}"`);
      if (!(mem >= 0 && mem <= 1))
        throw new ScenarioError(o.display, ln, 11, '', `memory request: expected a number 0..1, got "${f[10]!.slice(0, 20)}"`);
      if (!Number.isInteger(prio) || prio < GOOGLE_PRIORITY_MIN || prio > GOOGLE_PRIORITY_MAX)
        throw new ScenarioError(
          o.display,
          ln,
          9,
          '',
          `priority: expected an integer ${GOOGLE_PRIORITY_MIN}..${GOOGLE_PRIORITY_MAX}, got "${f[8]!.slice(0, 20)}"`,
        );
      const req = o.space.vector();
      req[CPU] = Math.ceil(cpu * o.cpuPerUnit);
      req[MEMORY] = Math.ceil(mem * o.memoryPerUnit);
      const template = makeTemplate(o.space, {
        owner: o.owner,
        restartPolicy: 'Never',
        namespace: o.namespace,
        requests: req,
        ...o.priorityOf(prio),
      });
      const arrival: Arrival = { at: Math.round((us - t0) / 1000), runMs: -1, template };
      arrivals.push(arrival);
      open.set(key, { arrival, scheduledUs: -1 });
    } else {
      const task = open.get(key);
      if (!task) {
        if (!dropped.has(key)) skip('events of tasks submitted before the file starts');
        continue;
      }
      if (type === SCHEDULE) task.scheduledUs = us;
      else if (type === EVICT || type === FAIL || type === FINISH || type === KILL || type === LOST) {
        // Ran for (end - schedule); a task killed before it was scheduled never runs, so it runs 0 here.
        task.arrival.runMs = task.scheduledUs >= 0 ? Math.round((us - task.scheduledUs) / 1000) : 0;
        open.delete(key);
      }
    }
  }
  return { arrivals, skipped };
}
