// Trace replay of machines: the Google cluster trace 2011 machine_events table (schema.csv of
// clusterdata-2011-2: timestamp µs, machine ID, event type 0 ADD / 1 REMOVE / 2 UPDATE, platform ID,
// CPU capacity, memory capacity; no header) read strictly, then mapped onto a pool's node names as a
// timeline of nodes going down and coming back. Capacities are normalised to the trace's largest machine
// and are checked but not kept: a node's size comes from its pool, not from the trace.
import { ScenarioError } from '../scenario/errors.js';
import { readTraceText } from '../workload/trace.js';

export interface MachineEvent {
  /** Trace time in microseconds (0: present before the trace window). */
  timeUs: number;
  machine: number;
  type: 'ADD' | 'REMOVE' | 'UPDATE';
  /** Line of the row in its file (1-based). */
  line: number;
}

/** One change of a node: down or back up at `atMs`, decided by the trace row on `line`. */
export interface NodeChange {
  atMs: number;
  node: string;
  up: boolean;
  line: number;
}

export interface MachineTimelineOptions {
  /** The node names machines are mapped onto, in order. */
  nodes: readonly string[];
  /** The trace time (µs) that becomes time 0 of the run; the trace window starts at 600 s. */
  startUs?: number;
  /** Length of the run: changes at or past it are dropped. */
  durationMs: number;
}

export interface MachineTimeline {
  /** Initial state first (at 0, in node order), then changes in trace order: atMs never decreases. */
  timeline: NodeChange[];
  /** Machines of the trace that found no node (beyond the node count). */
  ignoredMachines: number;
  /** Rows that changed nothing, by reason. */
  skipped: Map<string, number>;
}

/** The trace window opens 600 s after its time 0 (rows at time 0 are the machines present before). */
export const MACHINE_TRACE_START_US = 600_000_000;

const COLUMNS = 6;
const TYPES = ['ADD', 'REMOVE', 'UPDATE'] as const;

/** A value of a row for messages, cut short so a stray binary line is not echoed whole. */
const shown = (v: string) => (v.length > 20 ? `${v.slice(0, 20)}…` : v);

/** Parses the machine_events table: one event a row, in the file's (time) order. Blank lines are skipped. */
export function parseMachineEvents(text: string, display: string): MachineEvent[] {
  const events: MachineEvent[] = [];
  const bad = (ln: number, col: number, msg: string, hint?: string) => new ScenarioError(display, ln, col, '', msg, hint);
  let lastUs = 0;
  let lastLine = 0;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const ln = i + 1;
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line === '') continue;
    const f = line.split(',');
    if (f.length !== COLUMNS) throw bad(ln, 1, `expected ${COLUMNS} columns of machine_events, got ${f.length}`);
    const us = /^\d+$/.test(f[0]!) ? Number(f[0]) : NaN;
    if (!Number.isSafeInteger(us)) {
      throw bad(
        ln,
        1,
        `time: expected a non-negative integer number of microseconds, got "${shown(f[0]!)}"`,
        ln === 1 && !/^[\d.eE+-]+$/.test(f[0]!) ? 'machine_events has no header row' : undefined,
      );
    }
    if (us < lastUs) throw bad(ln, 1, `time: rows must be in time order (${us} < ${lastUs} on line ${lastLine})`);
    const machine = /^\d+$/.test(f[1]!) ? Number(f[1]) : NaN;
    if (!Number.isSafeInteger(machine)) throw bad(ln, 2, `machine ID: expected a non-negative integer, got "${shown(f[1]!)}"`);
    const code = /^[012]$/.test(f[2]!) ? Number(f[2]) : -1;
    if (code < 0) throw bad(ln, 3, `event type: expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "${shown(f[2]!)}"`);
    // Capacities are normalised to the largest machine (0..1), or empty where the trace does not know them.
    for (const [col, what] of [
      [5, 'CPU capacity'],
      [6, 'memory capacity'],
    ] as const) {
      const v = f[col - 1]!;
      if (v !== '' && !(/^[\d.eE+-]+$/.test(v) && Number(v) >= 0 && Number(v) <= 1))
        throw bad(ln, col, `${what}: expected a number 0..1 or nothing, got "${shown(v)}"`);
    }
    events.push({ timeUs: us, machine, type: TYPES[code]!, line: ln });
    lastUs = us;
    lastLine = ln;
  }
  return events;
}

/** Reads a machine_events file, plain CSV or gzip (.gz), with the size limits of every trace file. */
export function readMachineEvents(path: string, display: string): MachineEvent[] {
  return parseMachineEvents(readTraceText(path, display), display);
}

/** Reasons a row changes nothing (keys of MachineTimeline.skipped). */
const PAST_END = 'events at or past the end of the run';
const NO_NODE = 'events of machines beyond the node count';
const UPDATE = 'capacity changes are not modelled (UPDATE)';
const ADD_PRESENT = 'ADD of a machine already present';
const REMOVE_ABSENT = 'REMOVE of a machine not present';

interface Machine {
  node: string;
  present: boolean;
  /** Whether the machine was present at the start of the run (known once the trace passes the start). */
  upAtStart: boolean | null;
  /** The row that decided the state the machine starts the run in. */
  line: number;
}

/**
 * Maps trace machines onto node names, in order of first appearance in the whole file (so the state at a
 * time does not depend on the run's length). Rows at or before `startUs` set the initial state: a machine
 * not present then (removed, or not added yet) starts down at 0. Afterwards a REMOVE takes its node down and
 * an ADD brings it back, at (timeUs − startUs) / 1000 rounded to ms. Nodes no machine takes are left alone.
 */
export function machineTimeline(events: readonly MachineEvent[], opts: MachineTimelineOptions): MachineTimeline {
  const startUs = opts.startUs ?? MACHINE_TRACE_START_US;
  if (!Number.isFinite(startUs) || startUs < 0) throw new RangeError(`startUs must be a non-negative number, got ${startUs}`);
  if (!(opts.durationMs > 0)) throw new RangeError(`durationMs must be positive, got ${opts.durationMs}`);
  if (new Set(opts.nodes).size !== opts.nodes.length) throw new RangeError('node names must be distinct');

  const skipped = new Map<string, number>();
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);
  const machines = new Map<number, Machine | null>();
  const order: Machine[] = [];
  const changes: NodeChange[] = [];
  let ignoredMachines = 0;
  let started = false;
  let lastUs = -Infinity;
  for (const e of events) {
    if (e.timeUs < lastUs) throw new Error(`machine events out of time order at line ${e.line} (as parseMachineEvents returns them)`);
    lastUs = e.timeUs;
    const initial = e.timeUs <= startUs;
    if (!initial && !started) {
      started = true;
      for (const m of order) m.upAtStart = m.present;
    }
    let m = machines.get(e.machine);
    if (m === undefined) {
      // A machine first seen after the start was not there at the start.
      const free = order.length < opts.nodes.length;
      m = free ? { node: opts.nodes[order.length]!, present: false, upAtStart: started ? false : null, line: e.line } : null;
      if (m) order.push(m);
      else ignoredMachines++;
      machines.set(e.machine, m);
    }
    const atMs = initial ? 0 : Math.round((e.timeUs - startUs) / 1000);
    if (atMs >= opts.durationMs) skip(PAST_END);
    else if (!m) skip(NO_NODE);
    else if (e.type === 'UPDATE') skip(UPDATE);
    else if (e.type === 'ADD' && m.present) skip(ADD_PRESENT);
    else if (e.type === 'REMOVE' && !m.present) skip(REMOVE_ABSENT);
    else {
      m.present = e.type === 'ADD';
      if (initial) m.line = e.line;
      else changes.push({ atMs, node: m.node, up: m.present, line: e.line });
    }
  }
  // A node whose machine was not there at the start (gone, or first seen later) starts the run down.
  const timeline: NodeChange[] = [];
  for (const m of order) if (!(m.upAtStart ?? m.present)) timeline.push({ atMs: 0, node: m.node, up: false, line: m.line });
  for (const c of changes) timeline.push(c);
  return { timeline, ignoredMachines, skipped };
}
