/** `make up` output: every line prefixed with its process name (colored on a TTY) and kept in a file. */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const COLORS = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];
const PAD = 10;

export interface Logs {
  line: (name: string, text: string) => void;
  close(): void;
}

export function prefixedLogs(dir: string, tty = process.stdout.isTTY): Logs {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, WriteStream>();
  const colors = new Map<string, number>();
  const fileFor = (name: string): WriteStream => {
    let f = files.get(name);
    if (!f) {
      f = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
      files.set(name, f);
    }
    return f;
  };
  return {
    line(name, text) {
      fileFor(name).write(`${text}\n`);
      if (!colors.has(name)) colors.set(name, COLORS[colors.size % COLORS.length] ?? 36);
      const tag = name.padEnd(PAD);
      process.stdout.write(tty ? `\x1b[${colors.get(name) ?? 36}m${tag}|\x1b[0m ${text}\n` : `${tag}| ${text}\n`);
    },
    close() {
      for (const f of files.values()) f.end();
    },
  };
}
