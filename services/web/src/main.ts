/**
 * Entry point of the web app's server: configuration from the environment (a bad one exits 78
 * naming the variable), the built app served until SIGINT/SIGTERM. See server.ts for why this is
 * not a `defineService` service. `make up`, `npm run build` and the tests build the app first
 * (shared/servers `buildWebApp`); without a build the start fails and says how to make one.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { configOrExit, runService } from '@hub/res';
import { configSchema } from './config.ts';
import { WebServer } from './server.ts';

/** SvelteKit's build (adapter-node), beside src/ — also from the bundle (scripts/build.ts keeps import.meta.url source-relative). */
const BUILD = fileURLToPath(new URL('../build/', import.meta.url));

const config = configOrExit(configSchema);
await runService(new WebServer(config, BUILD, pino({ name: 'web', level: config.LOG_LEVEL })));
