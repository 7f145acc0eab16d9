import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, ManagedProcess, serviceCommand, startNats, startPostgres, startRedis, waitUntil } from '@hub/servers';
const dir = mkdtempSync(join(tmpdir(), 'memprobe-')); chmodSync(dir, 0o755);
const log = () => undefined;
const [nats, pgs, redis] = await Promise.all([
  startNats({ port: await freePort(), monitorPort: await freePort(), dataDir: join(dir, 'nats'), log }),
  startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), fast: true, log }),
  startRedis({ port: await freePort(), dataDir: dir, log })]);
const env = { NATS_URL: nats.url, DATABASE_URL: pgs.url, REDIS_URL: redis.url, LOG_LEVEL: 'info', KEYCLOAK_ISSUER: 'http://127.0.0.1:9/realms/servicehub', BACKCHANNEL_PORT: '0', NODE_ENV: 'production' };
const variants = (process.env.VARIANTS ?? '').split('|');
const name = process.env.SVC ?? 'customer';
for (let round = 0; round < 2; round++) for (const v of variants) {
  let serving = false;
  const extra = Object.fromEntries(v.split(' ').filter(Boolean).filter((x) => x.includes('=') && !x.startsWith('--')).map((x) => x.split('=') as [string, string]));
  const flags = v.split(' ').filter((x) => x.startsWith('--')).join(' ');
  const proc = ManagedProcess.start({ name, ...((c) => ({ ...c, args: [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--cpu-prof-interval=200'] : []), ...c.args] }))(serviceCommand(name, 'compiled')), env: { ...process.env, ...env, ...extra, NODE_OPTIONS: flags }, log: (_n, line) => { if (line.includes('"serving"')) serving = true; if (line.includes('MEM')) console.log(line); } });
  await waitUntil(() => Promise.resolve(serving), 30000, 'serving', () => proc.exitReason());
  await delay(Number(process.env.IDLE ?? 1500));
  const st = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const sm = readFileSync(`/proc/${proc.pid}/smaps_rollup`, 'utf8');
  const g = (re: RegExp, s: string) => (Number(re.exec(s)?.[1] ?? 0) / 1024).toFixed(1);
  console.log(`[${v || 'default'}] rss=${g(/VmRSS:\s+(\d+)/, st)} anon=${g(/RssAnon:\s+(\d+)/, st)} file=${g(/RssFile:\s+(\d+)/, st)} threads=${/Threads:\s+(\d+)/.exec(st)?.[1]}`);
  await proc.stop();
}
await Promise.all([nats.stop(), pgs.stop(), redis.stop()]);
