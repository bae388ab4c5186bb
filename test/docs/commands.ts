// The commands the README and docs/ show, in the order written: read from their ```sh blocks.
import { readFileSync } from 'node:fs';

export interface DocCommand {
  /** Where it is written: file:line. */
  where: string;
  /** Arguments after `npx kubesim`. */
  args: string[];
  /** `> file`: where its standard output goes. */
  stdoutTo?: string;
}

/** Splits a command line as a POSIX shell would for the quoting the docs use (single and double quotes). */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      any = true;
    } else if (/\s/.test(c)) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += c;
  }
  if (quote) throw new Error(`unclosed quote in: ${line}`);
  if (cur !== '' || any) out.push(cur);
  return out;
}

/** Every `npx kubesim …` line of the ```sh blocks of `file`, continuation lines joined, comments dropped. */
export function docCommands(file: string): DocCommand[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: DocCommand[] = [];
  let inSh = false;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.startsWith('```')) {
      inSh = !inSh && t === '```sh';
      continue;
    }
    if (!inSh || !t.startsWith('npx kubesim ')) continue;
    const start = i;
    let text = t;
    while (text.endsWith('\\')) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    // A comment starts at " #" outside quotes; the docs' quoted arguments hold no "#".
    const hash = text.search(/\s#/);
    if (hash >= 0) text = text.slice(0, hash);
    const words = shellWords(text).slice(2);
    const gt = words.indexOf('>');
    const cmd: DocCommand = { where: `${file}:${start + 1}`, args: gt >= 0 ? words.slice(0, gt) : words };
    if (gt >= 0) cmd.stdoutTo = words[gt + 1];
    out.push(cmd);
  }
  return out;
}
