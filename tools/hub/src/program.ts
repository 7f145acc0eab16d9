/**
 * The `hub` command line (commander): global options with their environment variables, one
 * subcommand per file in commands/. `run` returns the exit code (see exit.ts) instead of exiting,
 * so every error path ends in one place.
 */
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { call } from './commands/call.ts';
import { get } from './commands/get.ts';
import { login } from './commands/login.ts';
import { logout } from './commands/logout.ts';
import { search } from './commands/search.ts';
import { seed } from './commands/seed.ts';
import { watch } from './commands/watch.ts';
import { whoami } from './commands/whoami.ts';
import type { Ctx } from './context.ts';
import { CliError, EXIT } from './exit.ts';
import { createOutput } from './output.ts';
import { DEFAULT_KEYCLOAK_URL, DEFAULT_REALM, DEFAULT_TIMEOUT_MS, DEFAULT_URL, defaultTokenFile, settingsFrom } from './settings.ts';

const EXIT_HELP = `
Exit codes: 0 ok, 1 usage, 2 not found, 3 not allowed (or not signed in), 4 invalid params or query,
5 unavailable or timed out, 6 version conflict, 7 any other error.
Environment: HUB_URL, HUB_KEYCLOAK_URL, HUB_REALM, HUB_KEYCLOAK_CLIENT, HUB_TOKEN_FILE, HUB_TIMEOUT_MS,
HUB_TOKEN (an access token to use instead of the token file), HUB_PASSWORD (for hub login <user>),
HUB_SEED_SERVICES (hub seed --services).`;

function program(ctxOf: () => Ctx): Command {
  const p = new Command('hub')
    .description('One client for every Service Hub resource, over Resgate’s WebSocket.')
    .addOption(new Option('--url <ws>', 'Resgate WebSocket URL').env('HUB_URL').default(DEFAULT_URL))
    .addOption(new Option('--keycloak-url <url>', 'Keycloak base URL').env('HUB_KEYCLOAK_URL').default(DEFAULT_KEYCLOAK_URL))
    .addOption(new Option('--realm <name>', 'Keycloak realm').env('HUB_REALM').default(DEFAULT_REALM))
    .addOption(
      new Option('--client <id>', 'Keycloak client (default: hub-test for a password, hub-cli for the device flow)').env(
        'HUB_KEYCLOAK_CLIENT',
      ),
    )
    .addOption(new Option('--token-file <path>', 'where the sign-in is kept (mode 0600)').env('HUB_TOKEN_FILE').default(defaultTokenFile()))
    .addOption(
      new Option('--timeout <ms>', 'how long to wait for the gateway and each answer')
        .env('HUB_TIMEOUT_MS')
        .default(String(DEFAULT_TIMEOUT_MS)),
    )
    .option('--json', 'print results as JSON (one line per result or event), for scripts')
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(add --help for usage)');

  p.command('login')
    .description('sign in: a dev user by name and password, or any user in a browser (device flow)')
    .argument('[user]', 'a user name for the password grant (dev users: reader, writer, admin, nobody)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--device', 'sign in through a browser (the default without a user name)')
    .action((user, o) => login(ctxOf(), user, o));
  p.command('logout')
    .description('end the session and remove the saved token')
    .action(() => logout(ctxOf()));
  p.command('whoami')
    .description('who the gateway sees you as')
    .action(() => whoami(ctxOf()));
  p.command('get')
    .description('print a resource (a model, or a collection one item per line)')
    .argument('<rid>', 'resource ID, e.g. customer.customer.1')
    .action((rid) => get(ctxOf(), rid));
  p.command('call')
    .description('call a method: hub call customer.customers create --name Acme --email ops@acme.test')
    .argument('<rid>', 'resource ID')
    .argument('<method>', 'method name, e.g. set, delete, create')
    .argument('[params...]', 'a JSON value and/or --field value pairs (values read as JSON when they look like it)')
    .allowUnknownOption()
    .action((rid, method, tokens) => call(ctxOf(), rid, method, tokens));
  p.command('watch')
    .description('print a resource, then each change as it happens, until Ctrl-C')
    .argument('<rid>', 'resource ID, e.g. customer.customer.1 or customer.customers?q=acme')
    .action((rid) => watch(ctxOf(), rid));
  p.command('search')
    .description('one page of a live search: hub search customer.customers --q acme --tag vip')
    .argument('<collection>', 'the collection, e.g. customer.customers')
    .argument('[filters...]', 'the collection’s own filters as --name value, e.g. --tag vip --active true')
    .option('--q <text>', 'full-text search')
    .option('--limit <n>', 'page size')
    .option('--offset <n>', 'items to skip')
    .option('--sort <field>', 'sort field, -field for descending')
    .allowUnknownOption()
    .action((collection, filters, o) => search(ctxOf(), collection, o, filters));
  p.command('seed')
    .description('load the demo data set (customers, products, promotions) through the API; idempotent')
    .addOption(
      new Option('--services <list>', 'service names when they run under others, e.g. customer=cust1,product=prod1').env(
        'HUB_SEED_SERVICES',
      ),
    )
    .action((o) => seed(ctxOf(), o));
  return p;
}

/** Runs the command line; returns the exit code. Errors are printed on stderr (JSON with --json). */
export async function run(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json');
  const ctxOf = (): Ctx => {
    const opts = prog.opts();
    const settings = settingsFrom(opts);
    json = settings.json;
    return { settings, out: createOutput(settings.json) };
  };
  const prog = program(ctxOf).exitOverride();
  try {
    await prog.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander printed it
    const err =
      e instanceof CliError ? e : new CliError(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, EXIT.error);
    process.stderr.write(
      json ? `${JSON.stringify({ error: err.message, code: err.code, exitCode: err.exitCode })}\n` : `hub: ${err.message}\n`,
    );
    return err.exitCode;
  }
}
