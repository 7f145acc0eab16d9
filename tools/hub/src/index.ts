/** @hub/cli — the `hub` command line; its entry is bin/hub.js. Exported for tests and scripts. */
export { run } from './program.ts';
export { EXIT, CliError } from './exit.ts';
export type { ExitCode } from './exit.ts';
export { CUSTOMERS, PRODUCTS, PROMOTIONS } from './seed/data.ts';
