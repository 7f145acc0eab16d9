/**
 * `hub seed`: loads the seed data set (seed/data.ts) through the gateway, signed in as the saved
 * user (needs write roles on each service; the dev user `admin` has them all). Idempotent.
 * `--services customer=cust1,product=prod1` seeds services that run under other names.
 */
import { withConnection, type Ctx } from '../context.ts';
import { CliError, EXIT, HUB, usage } from '../exit.ts';
import { runSeed, SERVICES, type PartReport, type SeedServices } from '../seed/run.ts';

/** Parses `customer=cust1,product=prod1` over the default names. */
export function serviceNames(list: string | undefined): SeedServices {
  const names: Record<string, string> = { ...SERVICES };
  for (const pair of (list ?? '').split(',').filter((p) => p !== '')) {
    const [k = '', v = ''] = pair.split('=');
    if (!Object.hasOwn(SERVICES, k) || !/^[a-zA-Z0-9_-]+$/.test(v)) {
      throw usage(`--services: "${pair}" is not <${Object.keys(SERVICES).join('|')}>=<service name>`);
    }
    names[k] = v;
  }
  return names as unknown as SeedServices;
}

export async function seed(ctx: Ctx, o: { services?: string }): Promise<void> {
  const names = serviceNames(o.services);
  await withConnection(ctx, async (conn) => {
    if (conn.user === undefined) {
      throw new CliError(`not signed in — the seed writes through the API as you: run \`${HUB} login admin\` (dev) first`, EXIT.denied);
    }
    if (!ctx.out.json) ctx.out.note(`seeding as ${conn.user} through ${ctx.settings.url}`);
    const report = await runSeed(conn, ctx.out, names);
    const parts = (Object.entries(report) as [string, PartReport][]).map(([k, r]) =>
      r.skipped === undefined ? `${k} +${String(r.created)}` : `${k} skipped`,
    );
    ctx.out.result(report, `seed done: ${parts.join(', ')}`);
  });
}
