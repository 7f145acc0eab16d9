/**
 * The fault suite's figures: each drill appends its line (`record`), and the global teardown
 * prints them all together once every drill ran, one line per drill.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '@hub/servers';
import { bundle } from '../../../scripts/build.ts';
import { CHILD_BUNDLE } from '../../lib/child-bundle.ts';

const FILE = join(repoRoot, '.run', 'faults', 'figures.txt');

/** Appends a drill's line (`R1 ...`); also printed at once by the drill's test output. */
export function record(line: string): void {
  mkdirSync(dirname(FILE), { recursive: true });
  appendFileSync(FILE, `${line}\n`);
  process.stdout.write(`FAULT ${line}\n`);
}

/** Clears old figures and compiles the service child: drills run services as production does (a bundle starts in well under a second; tsx takes seconds on a busy machine). */
export async function setup(): Promise<void> {
  rmSync(FILE, { force: true });
  const t0 = Date.now();
  await bundle(join(repoRoot, 'tests', 'lib', 'service-child.ts'), CHILD_BUNDLE);
  process.stdout.write(`==> fault drills: service bundle built in ${String(Date.now() - t0)} ms\n`);
}

export function teardown(): void {
  let text = '';
  try {
    text = readFileSync(FILE, 'utf8');
  } catch {
    text = '(no drill recorded figures)\n';
  }
  process.stdout.write(`\n==> fault drills (figures also in .run/faults/figures.txt)\n${text}`);
}
