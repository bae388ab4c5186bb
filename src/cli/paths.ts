import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative when it lies under the working directory. */
export function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}
