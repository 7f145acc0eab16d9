/** Entry point: configuration from the environment, serving until SIGINT/SIGTERM. */
import { runMain } from '@hub/service';
import { promotionService } from './service.ts';

await runMain(promotionService);
