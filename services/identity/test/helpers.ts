/**
 * Identity under test: a uniquely named instance on the test platform with its own Postgres
 * schema (service name = schema), closed — store included — when the test ends.
 */
import { cleanup, dataScope, hub, type DataScope, type ResClient } from '@hub/testkit';
import { createHubService } from '@hub/service';
import { identityService } from '../src/service.ts';

export interface StartIdentityOptions {
  /** The issuer tokens must carry (default the test realm's). */
  readonly issuer?: string;
  readonly logLevel?: 'warn' | 'error' | 'info' | 'debug' | 'silent';
  /** Start another instance on the same data (name and schema) as an earlier one. */
  readonly scope?: DataScope;
}

/** A uniquely named identity on its own schema, its back-channel endpoint on a free port. */
export async function startIdentity(o: StartIdentityOptions = {}) {
  const scope = o.scope ?? dataScope('id');
  const identity = await createHubService(identityService, {
    name: scope.name, schema: scope.schema,
    config: {
      NATS_URL: hub().natsUrl, DATABASE_URL: scope.databaseUrl, LOG_LEVEL: o.logLevel ?? 'warn', KEYCLOAK_ISSUER: o.issuer ?? hub().keycloakIssuer,
      API_AUDIENCE: 'hub-api', ACCESS_TOKEN_COOKIE: 'hub_access_token', BACKCHANNEL_PORT: 0, BACKCHANNEL_HOST: '127.0.0.1',
    },
  });
  cleanup(identity, (i) => i.close());
  await identity.start();
  return { ...identity.deps, service: identity, name: scope.name, scope, close: () => identity.close() };
}

/** `auth.<name>.login` from a WebSocket client. */
export function login(client: ResClient, name: string, token: string): Promise<unknown> {
  return client.authenticate(name, 'login', { token });
}

/** The error code a rejected resclient promise carries. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected the request to fail');
}

/** The `sub` of a JWT (already verified elsewhere: tests only read it). */
export function subOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
  return payload.sub;
}
