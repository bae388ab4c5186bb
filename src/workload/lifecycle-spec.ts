// A container's `lifecycle` (core/v1 Lifecycle), as the API server validates it (pkg/apis/core/validation
// validateLifecycle, validateHandler, validateSleepAction), read into the preStop hook the kubelet runs.
import type { PreStopHook } from '../model/pod.js';
import type { Reader } from './reader.js';

/** core/v1 Lifecycle fields (v1.36; stopSignal is the alpha ContainerStopSignals field). */
export const LIFECYCLE_FIELDS = ['postStart', 'preStop', 'stopSignal'];
/** core/v1 LifecycleHandler: exec, httpGet, tcpSocket and (GA since v1.34, PodLifecycleSleepAction) sleep. */
const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

/**
 * Reads a container's lifecycle; returns its preStop hook. postStart is validated but not run (the kubelet does not
 * model it); stopSignal is accepted.
 */
export function lifecycle(r: Reader, terminationGracePeriodSeconds: number): PreStopHook | undefined {
  r.only(LIFECYCLE_FIELDS, 'a container lifecycle');
  if (r.has('stopSignal')) r.str('stopSignal');
  const postStart = r.obj('postStart');
  if (postStart) handler(postStart, 'postStart', terminationGracePeriodSeconds);
  const preStop = r.obj('preStop');
  return preStop ? handler(preStop, 'preStop', terminationGracePeriodSeconds) : undefined;
}

/** validateHandler: exactly one handler, each well formed. */
function handler(r: Reader, hook: 'postStart' | 'preStop', grace: number): PreStopHook {
  r.only(HANDLERS, `a ${hook} hook`);
  const present = HANDLERS.filter((h) => r.has(h));
  if (present.length === 0) throw r.error(null, 'must specify a handler type (exec, httpGet, tcpSocket or sleep)');
  if (present.length > 1) throw r.error(present[1]!, `may not specify more than 1 handler type (got ${present.join(' and ')})`);
  const kind = present[0]!;
  const h = r.obj(kind)!;
  switch (kind) {
    case 'sleep': {
      h.only(['seconds'], 'a sleep action');
      if (!h.has('seconds')) throw h.error(null, 'missing required field "seconds"');
      const v = h.raw('seconds');
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw h.error('seconds', 'expected a whole number of seconds');
      // PodLifecycleSleepActionAllowZero (GA since v1.34): 0 is allowed; at most the pod's grace period.
      if (v < 0 || v > grace)
        throw h.error('seconds', `must be non-negative and less than terminationGracePeriodSeconds (${grace}), got ${v}`);
      return { sleepMs: v * 1000 };
    }
    case 'exec': {
      h.only(['command'], 'an exec action');
      if (!h.has('command')) throw h.error(null, 'missing required field "command"');
      const command = h.strings('command');
      if (command.length === 0) throw h.error('command', 'must not be empty');
      const ms = execSleepMs(command);
      return ms === null ? { handler: 'exec' } : { sleepMs: ms };
    }
    case 'httpGet':
      h.only(['path', 'port', 'host', 'scheme', 'httpHeaders'], 'an httpGet action');
      if (!h.has('port')) throw h.error(null, 'missing required field "port"');
      return { handler: 'httpGet' };
    case 'tcpSocket':
      h.only(['port', 'host'], 'a tcpSocket action');
      if (!h.has('port')) throw h.error(null, 'missing required field "port"');
      return { handler: 'tcpSocket' };
  }
}

const SHELL = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash)$/;
const SLEEP = /^(?:\/(?:usr\/)?bin\/)?sleep$/;
const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * How long an exec hook that only sleeps takes: `["sleep", "N"]` or a shell running `sleep N`
 * (`["/bin/sh", "-c", "sleep N"]`), N in seconds or with coreutils' suffixes s, m, h, d, or `infinity`;
 * null for any other command.
 */
export function execSleepMs(command: readonly string[]): number | null {
  let argv = command;
  if (argv.length === 3 && SHELL.test(argv[0]!) && /^-[a-z]*c$/.test(argv[1]!)) {
    argv = argv[2]!.trim().replace(/;$/, '').trim().split(/\s+/);
  }
  if (argv.length !== 2 || !SLEEP.test(argv[0]!)) return null;
  if (argv[1] === 'infinity') return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(argv[1]!);
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]!]!) : null;
}
