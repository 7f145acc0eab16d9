/** Identity under test: a uniquely named instance on the test platform, closed when the test ends. */
import { cleanup, hub, startService, uniqueName, type ResClient } from '@hub/testkit';
import { createIdentity, type Identity, type IdentityOptions } from '../src/service.ts';

export async function startIdentity(o: Partial<Pick<IdentityOptions, 'issuer' | 'verifier'>> = {}): Promise<Identity & { name: string }> {
  const name = uniqueName('id');
  const identity = await createIdentity({ name, natsUrl: hub().natsUrl, issuer: o.issuer ?? hub().keycloakIssuer, logLevel: 'warn', ...(o.verifier === undefined ? {} : { verifier: o.verifier }) });
  cleanup(identity.backchannel, (b) => b.close());
  await startService(identity.service);
  return { ...identity, name };
}

/** `auth.<name>.auth.login` from a WebSocket client. */
export function login(client: ResClient, name: string, token: string): Promise<unknown> {
  return client.authenticate(`${name}.auth`, 'login', { token });
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
