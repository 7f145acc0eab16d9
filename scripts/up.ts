/**
 * `make up`: starts the whole platform on this machine (no Docker) and every service under
 * services/, prints where to reach it, and on Ctrl-C or SIGTERM stops all it started, by PID.
 * Ports: HUB_*_PORT variables (see scripts/lib/config.ts). Logs: .run/up/logs/<name>.log.
 *
 * Every process it starts is supervised: restarted with capped exponential backoff (one line per
 * restart), and given up on after HUB_UP_MAX_RESTARTS restarts within HUB_UP_RESTART_WINDOW_S.
 * Giving up stops everything and exits 1 (choice: no degraded mode — every process is part of
 * the platform's contract, a half-up platform scrolling by in a terminal is easy to miss, and an
 * exit frees the ports for the next `make up`).
 *
 * HUB_MODE=prod (`make up-prod`) runs the services' compiled bundles (`npm run build`) instead of
 * their TypeScript through tsx: the production-like start, as in the images.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildWebApp, discoverServices, ingressEnv, ManagedProcess, startPlatform, startServices, WEB_SERVICE, type ObservabilityOptions, type Platform, type PlatformUrls, type RestartPolicy, type StartedService } from '@hub/servers';
import { assertPortsFree, giveUpFromEnv, instanceOrder, replicasFromEnv, keycloakReadyTimeoutFromEnv, OBSERVABILITY_VARS, observabilityFromEnv, OPS_PORT_BASE, opsPorts, PID_FILE, portsFromEnv, RUN_DIR, type GiveUpLimit, modeFromEnv, type UpMode } from './lib/config.ts';
import { livePid, removePid, writePid } from './lib/lock.ts';
import { prefixedLogs } from './lib/logs.ts';


function say(message: string): void {
  process.stdout.write(`==> ${message}\n`);
}

function banner(urls: PlatformUrls & { opsUrls?: Record<string, string> }, services: StartedService[]): string {
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
    ['Service ops (health, metrics)', services.map((s) => `${s.name} ${urls.opsUrls?.[s.name] ?? ''}`).join('   ')],
    ['Prometheus', `${urls.prometheusUrl ?? ''}   (API; e.g. /api/v1/query?query=up)`],
    ['Jaeger (traces)', urls.jaegerUrl === undefined ? 'not built: `make install-jaeger` once, then traces are on in make up' : `${urls.jaegerUrl}/api/traces?service=library   OTLP ${urls.otlpUrl ?? ''}`],
    ['Logs', join(RUN_DIR, 'logs')],
  ];
  const width = Math.max(...rows.map(([k]) => (k ?? '').length));
  const lines = rows.map(([k, v]) => `  ${(k ?? '').padEnd(width)}  ${v ?? ''}`);
  return `\nService Hub is up.\n${lines.join('\n')}\n\nOpen ${urls.appUrl} in a browser (users reader / writer / admin, password <name>-pass).\nTry: curl ${urls.traefikUrl}/api/library/books\nStop: Ctrl-C here, or \`make down\` from another terminal.\n\n`;
}

/** Settings that need no server: checked before anything starts; a bad one exits 2 naming it. */
function settingsOrExit(): { giveUp: GiveUpLimit; keycloakReadyTimeoutMs: number; replicas: Record<string, number> } {
  try {
    ingressEnv(); // the HUB_INGRESS_* limits Traefik will read
    return { giveUp: giveUpFromEnv(), keycloakReadyTimeoutMs: keycloakReadyTimeoutFromEnv(), replicas: replicasFromEnv(discoverServices().filter((s) => s !== WEB_SERVICE)) /* one web app, on HUB_WEB_PORT */ };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}

/** The observability ports to check free, with their variables. */
function observabilityPorts(o: ObservabilityOptions): (readonly [string, number])[] {
  const v = OBSERVABILITY_VARS;
  return [
    [v.resgateMetrics[0], o.resgateMetrics],
    ...(o.prometheus ? [[v.prometheus[0], o.prometheus.port], [v.natsExporter[0], o.prometheus.natsExporterPort]] as const : []),
    ...(o.jaeger ? [[v.jaegerQuery[0], o.jaeger.query], [v.jaegerQueryGrpc[0], o.jaeger.queryGrpc], [v.jaegerOtlp[0], o.jaeger.otlp], [v.jaegerHealth[0], o.jaeger.health]] as const : []),
  ];
}

async function main(): Promise<void> {
  const running = livePid(PID_FILE);
  if (running !== undefined) {
    process.stderr.write(`Service Hub is already running here (pid ${running}). Stop it with \`make down\` (or Ctrl-C in its terminal) before starting another.\n`);
    process.exit(1);
  }
  const { giveUp, keycloakReadyTimeoutMs, replicas } = settingsOrExit();
  let mode: UpMode;
  try {
    mode = modeFromEnv();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const ports = portsFromEnv();
  const observability = observabilityFromEnv();
  const names = discoverServices();
  const instances = instanceOrder(names, replicas);
  const ops = opsPorts(instances);
  await assertPortsFree(ports, [...observabilityPorts(observability), ...instances.map((n, i) => [`${OPS_PORT_BASE[0]}+${String(i)}, ${n}`, ops[n] ?? 0] as const)]);
  writePid(PID_FILE);
  const logDir = join(RUN_DIR, 'logs');
  const logs = prefixedLogs(logDir);
  let platform: Platform | undefined;
  let services: StartedService[] = [];
  let stopping: Promise<void> | undefined;
  // Written by the supervisor's callback; checked through assertNoneGaveUp().
  const state: { gaveUp: string | undefined; up: boolean } = { gaveUp: undefined, up: false };
  const assertNoneGaveUp = (): void => {
    if (state.gaveUp !== undefined) throw new Error(`${state.gaveUp} kept failing while the platform started`);
  };
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      say(`${why}: stopping services and servers…`);
      for (const s of services) await s.proc.stop();
      await platform?.stop();
      await ManagedProcess.stopAll(); // what is still starting (interrupted during startup)
      logs.close();
      removePid(PID_FILE);
      say('stopped.');
    })();
    return stopping;
  };
  const supervise: RestartPolicy = {
    giveUpAfter: giveUp,
    advice: (name) => `Read ${join(logDir, `${name}.log`)}, fix the cause, then run \`make up\` again; make up stops now.`,
    onGiveUp: (name) => {
      state.gaveUp ??= name;
      // During startup the start fails instead (checked below), which stops all that started.
      if (state.up) {
        void stop(`${name} kept failing`).then(() => {
          process.stderr.write(`\nmake up stopped: ${name} kept failing. See ${join(logDir, `${name}.log`)}.\n`);
          process.exit(1);
        });
      }
    },
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
      supervise,
      keycloakReadyTimeoutMs,
      progress: say,
      observability,
    });
    assertNoneGaveUp();
    say(`starting services (${mode === 'prod' ? 'compiled bundles' : 'TypeScript via tsx'})…`);
    const otlp = platform.urls.otlpUrl;
    services = await startServices(platform.urls, logs.line, names, {
      runtime: mode === 'prod' ? 'compiled' : 'tsx',
      env: (name) => ({ OPS_PORT: String(ops[name]), ...(otlp === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: otlp }) }),
      replicas: (service) => replicas[service] ?? 1,
    });
    for (const s of services) s.proc.supervise(supervise);
    assertNoneGaveUp();
    state.up = true;
    platform.prometheus?.setTargets('hub-services', services.map((s) => ({ targets: [`127.0.0.1:${ops[s.name] ?? 0}`], labels: { service: s.service, instance_name: s.name } })));
    const opsUrls = Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${ops[s.name] ?? 0}`]));
    process.stdout.write(banner({ ...platform.urls, opsUrls }, services));
  } catch (err) {
    process.stderr.write(`\nmake up failed: ${(err as Error).message}\nSee the logs in ${join(RUN_DIR, 'logs')}.\n`);
    await stop('startup failed');
    process.exit(1);
  }
}

await main();
