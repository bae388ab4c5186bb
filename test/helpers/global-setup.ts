// Runs once before the test files, in vitest's main process: every temporary folder the tests make (theirs, and
// those of the processes and worker threads they start, which inherit TMPDIR) goes under one folder, removed
// when the run ends, so a test run leaves nothing in the temporary folder. (os.tmpdir() reads TMPDIR each time.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'kubesim-tests-'));
  process.env.TMPDIR = process.env.TMP = process.env.TEMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
