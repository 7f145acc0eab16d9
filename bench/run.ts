/**
 * `make bench BENCH=<name>`: runs one benchmark (or all). Each compares the system under test with
 * a baseline measured in the same run on the same machine and ends with a line
 * `BENCH <name> ratio=<r> ...` — absolute numbers are noise on shared machines, ratios are not.
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  'runtime-get': () => import('./runtime-get.ts'),
  'customer-get': () => import('./customer-get.ts'),
  'customer-set': () => import('./customer-set.ts'),
  fanout: () => import('./fanout.ts'),
  'multi-instance': () => import('./multi-instance.ts'),
  rest: () => import('./rest.ts'),
  startup: () => import('./startup.ts'),
  web: () => import('./web.ts'),
};

const wanted = process.argv[2] ?? 'all';
const names = wanted === 'all' ? Object.keys(BENCHES) : [wanted];
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`Unknown benchmark '${name}'. Known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`==> bench ${name}\n`);
  await (await load()).run();
}
