/** The docker CLI against the private engine (DOCKER_HOST from scripts/docker/dockerd.sh). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `docker <args>` and returns stdout; throws with stderr on a non-zero exit. */
export async function docker(...args: string[]): Promise<string> {
  try {
    return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export interface ServiceState {
  readonly name: string;
  readonly mode: string;
  /** "2/2", or for a job "0/1 (1/1 completed)". */
  readonly replicas: string;
  readonly healthy: number;
}

/** Every service of the stack with its replica counts and how many of its containers are healthy. */
export async function stackStates(stack: string): Promise<ServiceState[]> {
  const services = (await docker('stack', 'services', stack, '--format', '{{json .}}')).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { Name: string; Mode: string; Replicas: string });
  const containers = (await docker('ps', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Label "com.docker.swarm.service.name"}}\t{{.Status}}'))
    .trim().split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
  return services.map((s) => ({
    name: s.Name, mode: s.Mode, replicas: s.Replicas,
    healthy: containers.filter(([svc, status]) => svc === s.Name && status.includes('(healthy)')).length,
  }));
}

/** Ready: a job has completed; any other service has all its replicas running and healthy. */
export function ready(s: ServiceState): boolean {
  if (s.mode.includes('job')) return /\((\d+)\/\1 completed\)/.test(s.replicas);
  const [running, wanted] = s.replicas.split(' ')[0]?.split('/').map(Number) ?? [];
  return wanted !== undefined && wanted > 0 && running === wanted && s.healthy >= wanted;
}

/** Ids of the running containers of one service of the stack. */
export async function containersOf(stack: string, service: string): Promise<string[]> {
  return (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_${service}`)).trim().split('\n').filter(Boolean);
}
