/** Entry point of `hub` (bin/hub.js loads it): runs the command line and exits with its code. */
import { run } from './program.ts';

process.exitCode = await run(process.argv.slice(2));
