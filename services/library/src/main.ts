/** Entry point: configuration from the environment, serving until SIGINT/SIGTERM. */
import { runMain } from '@hub/service';
import { libraryService } from './service.ts';

await runMain(libraryService);
