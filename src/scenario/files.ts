// Reading the user's files, and the one place that turns the operating system's errors into user
// errors: a path that cannot be read or written is the user's to fix, not a bug (DESIGN rule 7).
import { readFileSync, statSync } from 'node:fs';
import { ScenarioError } from './errors.js';

const CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the directory is not empty',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'busy',
  EXDEV: 'on another device',
  EINVAL: 'not a valid path or operation here',
  EFBIG: 'file too large',
};

const VERBS: Record<string, string> = {
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  mkdir: 'cannot create the directory',
  rmdir: 'cannot remove',
  rm: 'cannot remove',
  unlink: 'cannot remove',
  rename: 'cannot rename',
  scandir: 'cannot list',
  stat: 'cannot read',
  lstat: 'cannot read',
  access: 'cannot reach',
  copyfile: 'cannot copy',
  opendir: 'cannot list',
};

/** Whether e is an error of the operating system (with an errno code), not a bug. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!)
  );
}

/** The ScenarioError for an operating-system error: the path, what could not be done and why. */
export function systemError(e: NodeJS.ErrnoException, path = e.path ?? (e as { dest?: string }).dest ?? ''): ScenarioError {
  const code = e.code!;
  const verb = VERBS[e.syscall ?? ''] ?? 'cannot use';
  // mkdir -p meets a file where a directory should be.
  const why = e.syscall === 'mkdir' && code === 'EEXIST' ? 'a file is in the way' : (CODES[code] ?? code.toLowerCase());
  // Outputs are written under temporary names (<out>.tmp-<id>): name the path the user gave.
  const shown = path.replace(/\.tmp-[\w.-]+$/, '');
  return new ScenarioError(shown || '(unknown path)', 0, 0, '', `${verb}: ${why} (${code})`);
}

/**
 * Reads a file the user named (scenario, manifest, trace, CSV): it must be a regular file (not a
 * directory, device or FIFO, whose size says nothing of what a read would return) of at most
 * `maxBytes`. Errors name `display` and say what is wrong; nothing of the file's content is echoed.
 */
export function readUserFile(file: string, display: string, maxBytes: number, noun: string, expected: string): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if (isSystemError(e) && e.code === 'ENOENT') throw new ScenarioError(display, 0, 0, '', `${noun} not found`);
    if (isSystemError(e)) throw systemError(e, display);
    throw e;
  }
  if (st.isDirectory()) throw new ScenarioError(display, 0, 0, '', `is a directory; expected ${expected}`);
  if (!st.isFile()) throw new ScenarioError(display, 0, 0, '', `is not a regular file (a device, FIFO or socket); expected ${expected}`);
  if (st.size > maxBytes) {
    throw new ScenarioError(display, 0, 0, '', `${noun} is ${(st.size / 2 ** 20).toFixed(1)} MB; the limit is ${maxBytes / 2 ** 20} MB`);
  }
  try {
    const buf = readFileSync(file);
    // A file that grew between stat and read (or a special file posing as a regular one) is refused too.
    if (buf.length > maxBytes) throw new ScenarioError(display, 0, 0, '', `${noun} is larger than the limit of ${maxBytes / 2 ** 20} MB`);
    return buf;
  } catch (e) {
    if (isSystemError(e)) throw systemError(e, display);
    throw e;
  }
}
