/** Entry point: configuration in, identity service and back-channel endpoint running until SIGINT/SIGTERM. */
import { runService } from '@hub/res';
import { loadConfig } from './config.ts';
import { createIdentity } from './service.ts';

const config = loadConfig();
const identity = await createIdentity({
  natsUrl: config.NATS_URL,
  logLevel: config.LOG_LEVEL,
  issuer: config.KEYCLOAK_ISSUER,
  audience: config.API_AUDIENCE,
  cookieName: config.ACCESS_TOKEN_COOKIE,
  backchannel: { host: config.BACKCHANNEL_HOST, port: config.BACKCHANNEL_PORT },
});
await runService(identity.service, { onClose: () => identity.backchannel.close() });
