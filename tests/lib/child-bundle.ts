/** Where the fault suite puts service-child.ts compiled as the images compile a service (built by tests/faults/lib/summary.ts). */
import { join } from 'node:path';
import { repoRoot } from '@hub/servers';

export const CHILD_BUNDLE = join(repoRoot, '.run', 'faults', 'bundle', 'service-child.js');
