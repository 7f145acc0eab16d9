/**
 * Identity under test: a uniquely named instance on the test platform with its own Postgres
 * schema (service name = schema), closed — store included — when the test ends.
 */
import { cleanup, dataScope, hub, startService, type DataScope, type ResClient } from '@hub/testkit';
import { createIdentity, type Identity, type IdentityOptions } from '../src/service.ts';

export interface StartIdentityOptions extends Partial<Pick<IdentityOptions, 'issuer' | 'verifier' | 'logLevel'>> {
  /** Start another instance on the same data (name and schema) as an earlier one. */
  readonly scope?: DataScope;
}

export async function startIdentity(o: StartIdentityOptions = {}): Promise<Identity & { name: string; scope: DataScope }> {
  const scope = o.scope ?? dataScope('id');
  const identity = await createIdentity({
    name: scope.name, schema: scope.schema, databaseUrl: scope.databaseUrl, natsUrl: hub().natsUrl,
    issuer: o.issuer ?? hub().keycloakIssuer, logLevel: o.logLevel ?? 'warn',
    ...(o.verifier === undefined ? {} : { verifier: o.verifier }),
  });
  cleanup(identity, (i) => i.close());
  await startService(identity.service);
  return { ...identity, name: scope.name, scope };
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
