/**
 * `make up`: starts the whole platform on this machine (no Docker) and every service under
 * services/, prints where to reach it, and on Ctrl-C or SIGTERM stops all it started, by PID.
 * Ports: HUB_*_PORT variables (see scripts/lib/config.ts). Logs: .run/up/logs/<name>.log.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildWebApp, startPlatform, startServices, type Platform, type PlatformUrls, type StartedService } from '@hub/servers';
import { assertPortsFree, PID_FILE, portsFromEnv, RUN_DIR } from './lib/config.ts';
import { livePid, removePid, writePid } from './lib/lock.ts';
import { prefixedLogs } from './lib/logs.ts';


function say(message: string): void {
  process.stdout.write(`==> ${message}\n`);
}

function banner(urls: PlatformUrls, services: StartedService[]): string {
  const rows = [
    ['Web app (sign in as reader, writer or admin)', urls.appUrl],
    ['Traefik (clients: REST + WebSocket)', `${urls.traefikUrl}/api/…   ${urls.traefikWsUrl}`],
    ['Resgate HTTP / WebSocket', `${urls.resgateHttpUrl}/api/…   ${urls.resgateWsUrl}`],
    ['Keycloak', `${urls.keycloakUrl}/admin  (admin / ${urls.keycloakAdminPassword})`],
    ['Keycloak issuer', urls.keycloakIssuer],
    ['NATS', `${urls.natsUrl}   monitor ${urls.natsMonitorUrl}`],
    ['PostgreSQL', urls.postgresUrl],
    ['Redis (KeyDB stand-in)', urls.redisUrl],
    ['Keycloak back-channel logout → identity', urls.identityBackchannelUrl],
    ['Services', services.map((s) => s.name).join(', ') || '(none)'],
    ['Logs', join(RUN_DIR, 'logs')],
  ];
  const width = Math.max(...rows.map(([k]) => (k ?? '').length));
  const lines = rows.map(([k, v]) => `  ${(k ?? '').padEnd(width)}  ${v ?? ''}`);
  return `\nService Hub is up.\n${lines.join('\n')}\n\nOpen ${urls.appUrl} in a browser (users reader / writer / admin, password <name>-pass).\nTry: curl ${urls.traefikUrl}/api/library/books\nStop: Ctrl-C here, or \`make down\` from another terminal.\n\n`;
}

async function main(): Promise<void> {
  const running = livePid(PID_FILE);
  if (running !== undefined) {
    process.stderr.write(`Service Hub is already running here (pid ${running}). Stop it with \`make down\` (or Ctrl-C in its terminal) before starting another.\n`);
    process.exit(1);
  }
  const ports = portsFromEnv();
  await assertPortsFree(ports);
  writePid(PID_FILE);
  const logs = prefixedLogs(join(RUN_DIR, 'logs'));
  let platform: Platform | undefined;
  let services: StartedService[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      say(`${why}: stopping services and servers…`);
      for (const s of services) await s.proc.stop();
      await platform?.stop();
      logs.close();
      removePid(PID_FILE);
      say('stopped.');
    })();
    return stopping;
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => { void stop(sig).then(() => process.exit(0)); });
  }
  try {
    // Before the servers: a build error then costs no Keycloak start.
    await buildWebApp({ log: logs.line, progress: say });
    platform = await startPlatform({
      ports,
      runDir: RUN_DIR,
      log: logs.line,
      keycloakAdmin: { user: 'admin', password: process.env.HUB_KEYCLOAK_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url') },
      progress: say,
    });
    say('starting services…');
    services = await startServices(platform.urls, logs.line);
    process.stdout.write(banner(platform.urls, services));
  } catch (err) {
    process.stderr.write(`\nmake up failed: ${(err as Error).message}\nSee the logs in ${join(RUN_DIR, 'logs')}.\n`);
    await stop('startup failed');
    process.exit(1);
  }
}

await main();
