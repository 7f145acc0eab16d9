/**
 * The stack file `make test-stack` deploys: docker-stack.yml resolved by `docker stack config`
 * (so it is exactly the production file, interpolated), minus the services listed under
 * `x-not-deployed-locally` (their images cannot be obtained here) and whatever only they used.
 * Usage: tsx scripts/stack/local-stack.ts <out.yml>   with HUB_TAG, HUB_HTTP_PORT, HUB_ADMIN_PORT,
 * HUB_PUBLIC_URL in the environment. Prints what it left out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { resolveStack } from './check.ts';

type Obj = Record<string, unknown>;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Names of `key` (secrets, configs, volumes) that the remaining services still use. */
function used(services: Obj, key: 'secrets' | 'configs' | 'volumes'): Set<string> {
  const names = new Set<string>();
  for (const svc of Object.values(services) as Obj[]) {
    for (const ref of (svc[key] as { source?: string }[] | undefined) ?? []) if (ref.source !== undefined) names.add(ref.source);
  }
  return names;
}

/** The stack without `skip`'s services and their now unused secrets, configs and volumes. */
export function withoutServices(stack: Obj, skip: readonly string[]): Obj {
  const services = Object.fromEntries(Object.entries(stack.services as Obj).filter(([n]) => !skip.includes(n)));
  const out: Obj = { ...stack, services };
  for (const key of ['secrets', 'configs', 'volumes'] as const) {
    const keep = used(services, key);
    if (stack[key] !== undefined) out[key] = Object.fromEntries(Object.entries(stack[key] as Obj).filter(([n]) => keep.has(n)));
  }
  return out;
}

/**
 * `docker stack config` prints values interpolated, `$$` turned into `$`; deploying its output
 * interpolates again, so every `$` is escaped back.
 */
export function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}

const outFile = process.argv[2];
if (outFile === undefined) {
  process.stderr.write('usage: local-stack.ts <out.yml>\n');
  process.exit(2);
}
const stack = resolveStack(join(ROOT, 'docker-stack.yml'));
const skip = (stack['x-not-deployed-locally'] as string[] | undefined) ?? [];
writeFileSync(outFile, stringify(escapeDollars(withoutServices(stack, skip))));
process.stdout.write(`    leaving out ${skip.join(', ')}: their images cannot be obtained on this machine (production deploys them)\n`);
