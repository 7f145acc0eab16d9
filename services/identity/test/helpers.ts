/**
 * Identity under test: a uniquely named instance on the test platform with its own Postgres
 * schema (service name = schema), closed — store included — when the test ends.
 */
import { allow, authorize, connectionToken, hasRole } from '@hub/auth';
import { createService, defineResource, model } from '@hub/res';
import { createHubService } from '@hub/service';
import { freePort, startResgate } from '@hub/servers';
import { cleanup, dataScope, hub, startService, uniqueName, type DataScope, type ResClient } from '@hub/testkit';
import { identityService } from '../src/service.ts';

export interface StartIdentityOptions {
  /** The issuer tokens must carry (default the test realm's). */
  readonly issuer?: string;
  readonly logLevel?: 'warn' | 'error' | 'info' | 'debug' | 'silent';
  /** Clock tolerance of the token verifier (seconds). */
  readonly clockToleranceS?: number;
  /** Start another instance on the same data (name and schema) as an earlier one. */
  readonly scope?: DataScope;
  /** Where the realm's keys are fetched (default the issuer's certs endpoint). */
  readonly jwksUrl?: string;
}

/** A uniquely named identity on its own schema, its back-channel endpoint on a free port. */
export async function startIdentity(o: StartIdentityOptions = {}) {
  const scope = o.scope ?? dataScope('id');
  const identity = await createHubService(identityService, {
    name: scope.name, schema: scope.schema,
    config: {
      NATS_URL: hub().natsUrl, DATABASE_URL: scope.databaseUrl, LOG_LEVEL: o.logLevel ?? 'warn', KEYCLOAK_ISSUER: o.issuer ?? hub().keycloakIssuer,
      API_AUDIENCE: 'hub-api', ACCESS_TOKEN_COOKIE: 'hub_access_token', BACKCHANNEL_PORT: 0, BACKCHANNEL_HOST: '127.0.0.1',
      JWT_CLOCK_TOLERANCE_S: o.clockToleranceS ?? 30, TOKEN_CACHE_MAX_ENTRIES: 10_000, TOKEN_CACHE_MAX_REFUSED: 2000, TOKEN_CACHE_REFUSED_TTL_MS: 30_000,
      HUB_PARTITIONS: 8, ...(o.jwksUrl === undefined ? {} : { KEYCLOAK_JWKS_URL: o.jwksUrl }),
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

/** A private Resgate whose headerAuth and wsHeaderAuth name `headerAuth` (the shared one keeps gateway/resgate.json). */
export async function privateGateway(headerAuth: string): Promise<{ http: string; ws: string }> {
  const port = await freePort();
  const server = await startResgate({ port, natsUrl: hub().natsUrl, headerAuth, requestTimeoutMs: 5000, log: () => undefined });
  cleanup(server, (s) => s.stop());
  return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

/** A service with one policy-guarded resource: read needs customer:read; `touch` is offered to readers but needs customer:write. */
export async function guarded(): Promise<string> {
  const name = uniqueName('doc');
  const doc = defineResource({
    pattern: 'doc.$id',
    kind: 'model',
    token: connectionToken,
    access: allow({ get: hasRole('customer:read'), call: { touch: hasRole('customer:read') } }),
    get: ({ params }) => model({ id: params.id }),
    calls: {
      touch: {
        params: null,
        // 403 for a known user lacking the role: checked in the handler (Resgate's access request
        // does not name the method).
        handler: (ctx) => { authorize(ctx, hasRole('customer:write')); return null; },
      },
    },
  });
  await startService(createService({ name, resources: [doc], nats: { servers: hub().natsUrl }, logLevel: 'warn' }));
  return name;
}

/** The HTTP status of a request (body read and dropped). */
export async function status(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  await res.arrayBuffer();
  return res.status;
}
