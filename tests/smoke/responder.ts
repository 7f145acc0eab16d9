/**
 * A minimal RES responder written with nothing but nats.js: it proves Resgate and NATS talk to
 * each other independently of our runtime (shared/res), so a smoke failure points at the servers.
 */
import type { NatsConnection } from '@nats-io/transport-node';

/** Serves `<name>.greeting` as a model readable by anyone. */
export function greetingResponder(nc: NatsConnection, name: string, message: string): void {
  nc.subscribe(`access.${name}.>`, { callback: (_err, msg) => { msg.respond(JSON.stringify({ result: { get: true } })); } });
  nc.subscribe(`get.${name}.greeting`, { callback: (_err, msg) => { msg.respond(JSON.stringify({ result: { model: { message } } })); } });
}
