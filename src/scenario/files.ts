// Reading the user's files, and the one place that turns the operating system's errors into user
// errors: a path that cannot be read or written is the user's to fix, not a bug (DESIGN rule 7).
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/**
 * mkdir -p that cannot loop: Node's recursive mkdir retries forever where the file system refuses a
 * name with ENOENT though the parent exists (/proc, /sys). Each missing level is made in turn, and any
 * refusal is the one-line user error of systemError.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ;) {
    try {
      if (!statSync(d).isDirectory()) throw new ScenarioError(d, 0, 0, '', 'is a file, not a directory', 'choose another output path');
      break;
    } catch (e) {
      if (!isSystemError(e) || e.code !== 'ENOENT') throw isSystemError(e) ? systemError(e, d) : e;
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (isSystemError(e) && e.code === 'EEXIST' && statSync(d).isDirectory()) continue;
      if (isSystemError(e) && e.code === 'ENOENT')
        throw new ScenarioError(
          d,
          0,
          0,
          '',
          'cannot create the directory: the file system refuses it (ENOENT)',
          'choose another output path',
        );
      throw isSystemError(e) ? systemError(e, d) : e;
    }
  }
}

/** Whether a process of this machine with that id is running (a temporary or lock of a dead one is stale). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return isSystemError(e) && e.code === 'EPERM';
  }
}

/** The lock file of an output directory a sweep or merge is writing. */
export const LOCK_FILE = '.kubesim.lock';

/**
 * Takes the lock of an output directory (made if missing) for this process, or refuses with a one-line
 * error naming the process that holds it. A lock left by a process that is gone is taken over. Returns
 * the release function. The lock is for processes of one machine (shards on other machines write to
 * directories of their own).
 */
export function lockDirectory(dir: string, hint: string): () => void {
  makeDirectory(dir);
  const file = `${dir}/${LOCK_FILE}`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if (!isSystemError(e) || e.code !== 'EEXIST') throw isSystemError(e) ? systemError(e, file) : e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        /* removed meanwhile: try again */
      }
      if (holder !== process.pid && processAlive(holder) && attempt < 3) {
        throw new ScenarioError(dir, 0, 0, '', `another kubesim (process ${holder}) is writing to this directory`, hint);
      }
      if (attempt >= 3) throw new ScenarioError(dir, 0, 0, '', 'cannot take the lock of this directory', hint);
      rmSync(file, { force: true });
    }
  }
  return () => {
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file, { force: true });
    } catch {
      /* gone already */
    }
  };
}
