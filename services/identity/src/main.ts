/** Entry point: configuration from the environment; identity and its back-channel endpoint until SIGINT/SIGTERM. */
import { runMain } from '@hub/service';
import { identityService } from './service.ts';

await runMain(identityService);
