/**
 * docker-stack.yml checked offline (no engine): `docker stack config` accepts it, and the
 * references, pins and healthchecks hold (scripts/stack/check.ts); every server image it pulls
 * has a local stand-in, so `make test-stack` deploys exactly this file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@hub/servers';
import { IMAGES } from '@hub/servers/containers';
import { checkStack, pinned, resolveStack } from '../../scripts/stack/check.ts';

const STACK = join(repoRoot, 'docker-stack.yml');

function standins(): Map<string, string> {
  const lines = readFileSync(join(repoRoot, 'docker', 'standins', 'images.txt'), 'utf8').split('\n');
  return new Map(lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => {
    const [dir, image] = l.trim().split(/\s+/);
    return [image ?? '', dir ?? ''];
  }));
}

describe('docker-stack.yml', () => {
  const stack = resolveStack(STACK, { HUB_TAG: 'check' });
  const services = stack.services as Record<string, { image: string }>;

  it('passes docker stack config, and every reference, pin and healthcheck check', () => {
    expect(checkStack(stack, repoRoot)).toEqual([]);
  });

  it('refuses to resolve without HUB_TAG, so our own images are always deployed at a named release', () => {
    const env = { ...process.env };
    delete env.HUB_TAG;
    expect(() => execFileSync('docker', ['stack', 'config', '-c', STACK], { env, stdio: 'pipe' })).toThrow(/HUB_TAG must name the release/);
  });

  it('pulls only images that the local deploy builds a stand-in for, or that it leaves out and says so', () => {
    const skipped = new Set(stack['x-not-deployed-locally'] as string[]);
    const known = standins();
    const unbuilt = Object.entries(services)
      .filter(([name, s]) => !skipped.has(name) && !s.image.startsWith('servicehub/') && !known.has(s.image))
      .map(([name, s]) => `${name}: ${s.image}`);
    expect(unbuilt).toEqual([]);
    expect(known.has('node:20-bookworm-slim')).toBe(true); // the services' Dockerfile base
    expect([...skipped].sort()).toEqual(['grafana', 'loki', 'tempo']);
  });

  it('gives the container test path (HUB_TEST_CONTAINERS) the stack\'s own server images', () => {
    const stackImages = new Set(Object.values(services).map((s) => s.image));
    const known = standins();
    for (const image of Object.values(IMAGES)) expect(known.has(image), image).toBe(true);
    // Keycloak: the stack runs its Postgres build of the same base (deploy/keycloak/Dockerfile).
    expect(readFileSync(join(repoRoot, 'deploy', 'keycloak', 'Dockerfile'), 'utf8')).toContain(`ARG KEYCLOAK_IMAGE=${IMAGES.keycloak}\n`);
    for (const image of Object.values(IMAGES).filter((i) => !i.startsWith('quay.io/keycloak/'))) expect(stackImages.has(image), image).toBe(true);
  });

  it('runs two or more of Resgate and of every service of ours, and three NATS nodes', () => {
    const replicas = (n: string) => (stack.services as Record<string, { deploy?: { replicas?: number } }>)[n]?.deploy?.replicas ?? 1;
    for (const n of ['resgate', 'customer', 'identity', 'library']) expect(replicas(n), n).toBeGreaterThanOrEqual(2);
    expect(Object.keys(services).filter((n) => /^nats-\d$/.test(n))).toHaveLength(3);
  });
});

describe('the stack checker', () => {
  it('reports undeclared references, unpinned images, missing healthchecks and missing files', () => {
    const bad = {
      services: {
        a: { image: 'nats:latest', secrets: [{ source: 's1' }], configs: [{ source: 'c1' }], networks: { n1: null }, volumes: [{ type: 'volume', source: 'v1', target: '/d' }] },
        b: { image: 'redis', healthcheck: { disable: true } },
        job: { image: 'x:1', deploy: { mode: 'replicated-job' } },
      },
      configs: { c2: { file: './no/such/file' } },
    };
    expect(checkStack(bad, repoRoot)).toEqual([
      'a: secret s1 is not declared',
      'a: config c1 is not declared',
      'a: network n1 is not declared',
      'a: volume v1 is not declared',
      'a: image nats:latest is not pinned (give a version tag or a digest)',
      'a: no healthcheck',
      'b: image redis is not pinned (give a version tag or a digest)',
      'b: no healthcheck',
      'configs c2: file ./no/such/file does not exist',
    ]);
  });

  it('tells a tag from a registry port', () => {
    expect(pinned('registry.example:5000/hub/customer')).toBe(false);
    expect(pinned('registry.example:5000/hub/customer:1.2.3')).toBe(true);
    expect(pinned(`nats@sha256:${'a'.repeat(64)}`)).toBe(true);
  });
});
