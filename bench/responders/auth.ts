/**
 * Header auth for the benchmarks' Resgate (`--headauth bench.header`, WebSocket and HTTP): sets
 * the connection token of a user who may read and write customers, with no Keycloak in the way.
 * The same for the system under test and its baseline: both pay this one request per HTTP call.
 */
import { connect } from '@nats-io/transport-node';

/** The header-auth method Resgate is started with (lib/gateway.ts). */
const method = process.env.BENCH_AUTH_METHOD ?? 'bench.header';

const token = { sub: 'bench', username: 'bench', roles: ['customer:read', 'customer:write'], exp: Math.floor(Date.now() / 1000) + 24 * 3600, sid: null };
const tokenEvent = JSON.stringify({ token });

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-auth' });
nc.subscribe(`auth.${method}`, {
  callback: (_err, msg) => {
    const { cid } = msg.json<{ cid?: string }>();
    // The protocol: the token event goes out before the auth response.
    if (typeof cid === 'string') nc.publish(`conn.${cid}.token`, tokenEvent);
    msg.respond('{"result":null}');
  },
});
await nc.flush();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void nc.drain().then(() => process.exit(0)); });
