// The kubesim command line run by `main` (src/cli/main.ts) in the test's process, with what only a process has
// taken over for the call: process.exit ends the call with its code (nothing written after it counts, as in a
// real process), process.exitCode is read and reset, stdout and stderr are collected, and the working directory
// can be changed for the call. Starting node for each case costs ~0.3 s on an idle machine and several seconds on
// a loaded one; a call here costs milliseconds. Sweeps still run their runs on worker threads (the compiled
// worker in dist/: `npm test` builds it). End-to-end tests start bin/kubesim.js instead (./process.ts).
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliResult } from './process.js';

export { BIN, kubesimProcess, PROCESS_TEST_TIMEOUT_MS, PROCESS_TIMEOUT_MS, type CliResult } from './process.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

const text = (chunk: unknown): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));

let busy = false;

/** `kubesim …` run by `main` in this process; resolves when the command has finished. */
export async function kubesim(args: string[], cwd?: string): Promise<CliResult> {
  if (busy) throw new Error('kubesim(): one call at a time (it takes over process.exit, stdout and stderr)');
  busy = true;
  let stdout = '';
  let stderr = '';
  let exited: number | undefined;
  const collect = (to: 'out' | 'err') => (chunk: unknown, encoding?: unknown, cb?: unknown) => {
    if (exited === undefined) {
      if (to === 'out') stdout += text(chunk);
      else stderr += text(chunk);
    }
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  const spies = [
    vi.spyOn(process, 'exit').mockImplementation(((code?: number | string | null) => {
      exited ??= Number(code ?? process.exitCode ?? 0);
      throw new Exit(exited);
    }) as typeof process.exit),
    vi.spyOn(process.stdout, 'write').mockImplementation(collect('out') as typeof process.stdout.write),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect('err') as typeof process.stderr.write),
  ];
  const stdoutErrorListeners = process.stdout.listeners('error');
  const exitCode = process.exitCode;
  const home = process.cwd();
  process.exitCode = undefined;
  try {
    if (cwd) process.chdir(cwd);
    await main(args);
  } catch (e) {
    if (!(e instanceof Exit) && exited === undefined) throw e;
  } finally {
    const status = exited ?? Number(process.exitCode ?? 0);
    process.exitCode = exitCode;
    process.chdir(home);
    for (const l of process.stdout.listeners('error'))
      if (!stdoutErrorListeners.includes(l)) process.stdout.removeListener('error', l as () => void);
    for (const s of spies) s.mockRestore();
    busy = false;
    exited = status;
  }
  return { status: exited, stdout, stderr };
}
