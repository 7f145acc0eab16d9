// `make up` supervises every process it starts, not only Resgate and the services: a whole
// make up of this test's own (free ports, own run directory) loses nats-server and then the
// postmaster to kill -9 and gets both back — NATS with its JetStream store, Postgres with its
// data — with one line per restart; a server that cannot start again makes make up give up
// loudly, stop everything and exit 1. Recovery times are printed.
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { httpOk, PG_USER, repoRoot } from '@hub/servers';
import { waitFor } from '@hub/testkit';
import { alive, childRunning, childrenOf, end, linesOf, postmasterPid, record, startUp, type Up } from './up.ts';

/** Keycloak (a JVM) takes most of it, minutes on a machine shared with other runs. */
const KEYCLOAK_READY_S = 400;
const UP_TIMEOUT_MS = (KEYCLOAK_READY_S + 20) * 1000;
const RECOVERY_TIMEOUT_MS = 60_000;
/** Small, so the give-up drill takes seconds: 3 restarts (0.25 + 0.5 + 1 s) within a minute. */
const MAX_RESTARTS = 3;

let up: Up;
const runDir = join(repoRoot, '.run', `test-supervision-${process.pid}-${randomBytes(3).toString('hex')}`);

/**
 * Listens on `port` as soon as the killed server's socket is released (a few ms after SIGKILL),
 * retrying every 2 ms for at most `withinMs` — well inside the supervisor's first restart delay.
 */
async function takePort(port: number, withinMs: number): Promise<Server> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const server = createServer((s) => s.destroy());
    try {
      await new Promise<void>((resolve, reject) => { server.once('error', reject).listen(port, '127.0.0.1', resolve); });
      return server;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function answers(url: string): Promise<boolean> {
  try {
    return await httpOk(url);
  } catch {
    return false;
  }
}

beforeAll(async () => {
  up = await startUp(runDir, {
    HUB_UP_MAX_RESTARTS: String(MAX_RESTARTS), HUB_UP_RESTART_WINDOW_S: '60', HUB_KEYCLOAK_READY_TIMEOUT_S: String(KEYCLOAK_READY_S),
  }, UP_TIMEOUT_MS);
}, UP_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if ((up as Up | undefined) !== undefined) await end(up);
  rmSync(runDir, { recursive: true, force: true });
}, 90_000);

describe('make up supervises every process it starts', () => {
  it('kill -9 of nats-server: it comes back with its JetStream store and Resgate answers again', async () => {
    const natsUrl = `nats://127.0.0.1:${up.ports.nats}`;
    const stream = `SUP${randomBytes(3).toString('hex')}`;
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] }); // file storage, in make up's -sd directory
    await jetstream(nc).publish(`${stream}.kept`, 'before the kill');
    await nc.close();

    const books = `http://127.0.0.1:${up.ports.resgate}/api/library/books`;
    const viaTraefik = `http://127.0.0.1:${up.ports.traefik}/api/library/books`;
    expect(await answers(books)).toBe(true);
    const nats = childRunning(up, 'nats-server');
    if (nats === undefined) throw new Error('nats-server is not a child of make up');
    const t0 = Date.now();
    process.kill(nats, 'SIGKILL');
    await waitFor(() => linesOf(up, 'nats').find((l) => /^nats exited with signal SIGKILL after \d+\.\d s; restart #1 in \d+ ms$/.test(l)), 'the restart line of nats');
    await waitFor(() => answers(`http://127.0.0.1:${up.ports.natsMonitor}/healthz`), 'nats healthy again', RECOVERY_TIMEOUT_MS);
    const natsBack = Date.now() - t0;
    await waitFor(() => answers(books), 'Resgate answering GET /api/library/books again', RECOVERY_TIMEOUT_MS);
    const resgateBack = Date.now() - t0;
    await waitFor(() => answers(viaTraefik), 'the same through Traefik', RECOVERY_TIMEOUT_MS);
    const traefikBack = Date.now() - t0;
    record(up);
    process.stdout.write(`time to recovery after kill -9 nats-server: nats healthy ${seconds(natsBack)}, Resgate answering ${seconds(resgateBack)}, through Traefik ${seconds(traefikBack)}\n`);

    expect(childRunning(up, 'nats-server')).not.toBe(nats);
    const again = await connect({ servers: natsUrl });
    try {
      const info = await (await jetstreamManager(again)).streams.info(stream);
      expect(info.state.messages).toBe(1); // the store directory was reused
    } finally {
      await again.close();
    }
  }, RECOVERY_TIMEOUT_MS * 3);

  it('kill -9 of the postmaster: postgres comes back on the same data directory', async () => {
    const url = `postgres://${PG_USER}@127.0.0.1:${up.ports.postgres}/postgres`;
    const table = `sup_${randomBytes(3).toString('hex')}`;
    const sql = async (text: string): Promise<unknown[]> => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      await c.connect();
      try {
        return (await c.query<Record<string, unknown>>(text)).rows;
      } finally {
        await c.end();
      }
    };
    await sql(`CREATE TABLE ${table} (v text); INSERT INTO ${table} VALUES ('kept')`);
    const postmaster = postmasterPid(up);
    const t0 = Date.now();
    process.kill(postmaster, 'SIGKILL');
    await waitFor(() => linesOf(up, 'postgres').find((l) => /^postgres exited with signal SIGKILL after \d+\.\d s; restart #1 in \d+ ms$/.test(l)), 'the restart line of postgres');
    const rows = await waitFor(() => sql(`SELECT v FROM ${table}`).catch(() => undefined), 'postgres answering again', RECOVERY_TIMEOUT_MS);
    const back = Date.now() - t0;
    record(up);
    process.stdout.write(`time to recovery after kill -9 postgres: answering queries ${seconds(back)}\n`);
    expect(rows).toEqual([{ v: 'kept' }]);
    expect(postmasterPid(up)).not.toBe(postmaster);
  }, RECOVERY_TIMEOUT_MS * 2);

  it('a server that keeps failing: make up gives up loudly, stops everything and exits 1', async () => {
    const redis = childRunning(up, 'redis-server');
    if (redis === undefined) throw new Error('redis-server is not a child of make up');
    const children = childrenOf(up.proc.pid ?? 0);
    // Once killed, its port is taken before the first restart (250 ms later): every restart fails.
    process.kill(redis, 'SIGKILL');
    const t0 = Date.now();
    const squatter = await takePort(up.ports.redis, 200);
    try {
      const code = await Promise.race([up.exited, new Promise((r) => setTimeout(() => { r('still running'); }, RECOVERY_TIMEOUT_MS))]);
      process.stdout.write(`make up gave up on redis ${seconds(Date.now() - t0)} after its kill and exited ${String(code)}\n`);
      expect(code).toBe(1);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    const redisLines = linesOf(up, 'redis');
    for (let n = 2; n <= MAX_RESTARTS; n++) {
      expect(redisLines).toContainEqual(expect.stringMatching(new RegExp(`^redis exited with code 1 after \\d+\\.\\d s; restart #${n} in \\d+ ms$`)));
    }
    process.stdout.write(`${redisLines.filter((l) => l.includes('restart #') || l.startsWith('GAVE UP')).join('\n')}\n${up.output.at(-1) ?? ''}\n`);
    const loud = `GAVE UP on redis: ${MAX_RESTARTS} restarts within 60.0 s did not hold; it last exited with code 1 after`;
    expect(redisLines).toContainEqual(expect.stringContaining(loud));
    expect(redisLines.find((l) => l.startsWith('GAVE UP'))).toMatch(/Read .*\/logs\/redis\.log, fix the cause, then run `make up` again; make up stops now\.$/);
    expect(up.output.at(-1)).toMatch(/^make up stopped: redis kept failing\. See .*redis\.log\.$/);
    expect(children.filter(alive)).toEqual([]); // every server and service it started is gone
  }, RECOVERY_TIMEOUT_MS * 2);
});
