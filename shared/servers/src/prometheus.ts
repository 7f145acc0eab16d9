/**
 * Prometheus 3 (`.local/bin`, go install) scraping the platform. The configuration is the repo's
 * ops/prometheus/prometheus.yml, copied into the run directory beside a link to the repo's rules
 * and the scrape targets, which are written as file_sd JSON (every port here is configurable, and
 * services come and go): `setTargets` rewrites a job's file and Prometheus picks it up by itself.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

/** The repo's Prometheus configuration (checked by `promtool` in `make test`). */
export const PROMETHEUS_DIR = join(repoRoot, 'ops', 'prometheus');

/** Scrape jobs of prometheus.yml that take their targets from files. */
export type ScrapeJob = 'hub-services' | 'resgate' | 'nats' | 'traefik' | 'prometheus';

/** One file_sd target group: `host:port` addresses and the labels they get. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusOptions {
  port: number;
  /** Config copy, targets and the TSDB go below it (it is emptied first). */
  dir: string;
  /** Initial targets per job; `prometheus` (itself) is added. */
  targets?: Partial<Record<ScrapeJob, readonly TargetGroup[]>>;
  log: LogSink;
  readyTimeoutMs?: number;
}

export interface RunningPrometheus extends RunningServer {
  /**
   * Replaces the targets of a job, or of one named part of it (its own file, so several owners
   * can add targets without overwriting each other). Written atomically.
   * @example prometheus.setTargets('hub-services', [{ targets: ['127.0.0.1:9464'], labels: { service: 'customer' } }], 'customer');
   */
  setTargets(job: ScrapeJob, groups: readonly TargetGroup[], part?: string): void;
  /** Removes a part written by `setTargets`. */
  removeTargets(job: ScrapeJob, part: string): void;
}

/** The file_sd file of a job (and part): must match the globs in prometheus.yml. */
export function targetFile(dir: string, job: ScrapeJob, part?: string): string {
  if (part !== undefined && !/^[a-zA-Z0-9_-]+$/.test(part)) throw new Error(`invalid target file part ${JSON.stringify(part)}`);
  return join(dir, 'targets', `${job}${part === undefined ? '' : `-${part}`}.json`);
}

/**
 * Lays out a run directory Prometheus can start from: the repo's config, a link to its rules,
 * and target files. Also what `promtool check config` checks in the tests.
 * @example prepareConfig('/tmp/p', { traefik: [{ targets: ['127.0.0.1:8001'] }] })
 */
export function prepareConfig(dir: string, targets: Partial<Record<ScrapeJob, readonly TargetGroup[]>>): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  copyFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), config);
  symlinkSync(join(PROMETHEUS_DIR, 'rules'), join(dir, 'rules'));
  for (const job of ['hub-services', 'resgate', 'nats', 'traefik', 'prometheus'] as const) writeTargets(targetFile(dir, job), targets[job] ?? []);
  return config;
}

function writeTargets(file: string, groups: readonly TargetGroup[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(groups.map((g) => ({ targets: g.targets, labels: g.labels ?? {} })), null, 2)}\n`);
  renameSync(tmp, file); // Prometheus never reads a half-written file
}

/** Starts Prometheus and resolves once /-/ready answers. */
export async function startPrometheus(o: PrometheusOptions): Promise<RunningPrometheus> {
  const self: TargetGroup = { targets: [`127.0.0.1:${o.port}`] };
  const config = prepareConfig(o.dir, { ...o.targets, prometheus: [self] });
  const proc = ManagedProcess.start({
    name: 'prometheus',
    command: bin.prometheus,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(o.dir, 'data')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=127.0.0.1:${o.port}`,
      '--log.level=warn',
    ],
    log: o.log,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const ready = () => waitUntil(() => httpOk(`${url}/-/ready`), o.readyTimeoutMs ?? 30_000, 'prometheus', () => proc.exitReason());
  return {
    ...(await whenReady('prometheus', url, proc, ready)),
    setTargets: (job, groups, part) => { writeTargets(targetFile(o.dir, job, part), groups); },
    removeTargets: (job, part) => { rmSync(targetFile(o.dir, job, part), { force: true }); },
  };
}
