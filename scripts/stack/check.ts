/**
 * Offline checks of docker-stack.yml beyond `docker stack config` (which validates the schema and
 * interpolation but not references): every secret, config, network and named volume a service
 * uses is declared at the top level; every config file exists; every image is pinned (an explicit
 * tag or digest, never `latest`); every long-running service has a healthcheck.
 * Input: the resolved stack (`docker stack config` output, parsed). Output: one line per problem.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): [string, Obj][] => (isObj(v) ? Object.entries(v).map(([k, x]) => [k, isObj(x) ? x : {}]) : []);

/** Names a service refers to in a list of strings or `{ source }` objects. */
function sources(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((x) => (typeof x === 'string' ? x : isObj(x) && typeof x.source === 'string' ? x.source : '')).filter((s) => s !== '');
}

function networks(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return isObj(v) ? Object.keys(v) : [];
}

/** Named volumes (not bind mounts) a service mounts. */
function namedVolumes(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((x) => {
    if (typeof x === 'string') {
      const src = x.split(':')[0] ?? '';
      return x.includes(':') && !src.startsWith('/') && !src.startsWith('.') && !src.startsWith('~') ? [src] : [];
    }
    return isObj(x) && x.type === 'volume' && typeof x.source === 'string' ? [x.source] : [];
  });
}

/** True for `name:tag` (tag not `latest`) or `name@sha256:…`. A registry port is not a tag. */
export function pinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest';
}

function isJob(svc: Obj): boolean {
  const mode = isObj(svc.deploy) ? svc.deploy.mode : undefined;
  return mode === 'replicated-job' || mode === 'global-job';
}

function hasHealthcheck(svc: Obj): boolean {
  const hc = svc.healthcheck;
  if (!isObj(hc) || hc.disable === true) return false;
  return Array.isArray(hc.test) ? hc.test.length > 1 && hc.test[0] !== 'NONE' : typeof hc.test === 'string' && hc.test !== '';
}

/**
 * Problems of a resolved stack, e.g. "customer: secret redis_url is not declared".
 * @param baseDir where relative config/secret `file:` paths are resolved
 */
export function checkStack(stack: Obj, baseDir: string): string[] {
  const problems: string[] = [];
  const declared = (key: string) => new Set(isObj(stack[key]) ? Object.keys(stack[key]) : []);
  const [secrets, configs, nets, vols] = ['secrets', 'configs', 'networks', 'volumes'].map(declared) as [Set<string>, Set<string>, Set<string>, Set<string>];
  for (const [name, svc] of entries(stack.services)) {
    const missing = (what: string, used: string[], known: Set<string>) => {
      for (const u of used) if (!known.has(u)) problems.push(`${name}: ${what} ${u} is not declared`);
    };
    missing('secret', sources(svc.secrets), secrets);
    missing('config', sources(svc.configs), configs);
    missing('network', networks(svc.networks), nets);
    missing('volume', namedVolumes(svc.volumes), vols);
    if (typeof svc.image !== 'string' || svc.image === '') problems.push(`${name}: no image`);
    else if (!pinned(svc.image)) problems.push(`${name}: image ${svc.image} is not pinned (give a version tag or a digest)`);
    if (!isJob(svc) && !hasHealthcheck(svc)) problems.push(`${name}: no healthcheck`);
  }
  for (const key of ['configs', 'secrets'] as const) {
    for (const [name, def] of entries(stack[key])) {
      if (typeof def.file === 'string' && !existsSync(resolve(baseDir, def.file))) problems.push(`${key} ${name}: file ${def.file} does not exist`);
      if (def.file === undefined && def.external !== true && def.content === undefined && def.environment === undefined) {
        problems.push(`${key} ${name}: neither a file nor external`);
      }
    }
  }
  return problems;
}

/**
 * `docker stack config -c <file>` (schema + interpolation, no engine needed), parsed.
 * @example const stack = resolveStack('docker-stack.yml', { HUB_TAG: 'check' });
 */
export function resolveStack(file: string, env: NodeJS.ProcessEnv = {}): Obj {
  const out = execFileSync('docker', ['stack', 'config', '-c', file], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed: unknown = parse(out);
  if (!isObj(parsed)) throw new Error(`docker stack config printed no stack for ${file}`);
  return parsed;
}
