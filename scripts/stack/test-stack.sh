#!/usr/bin/env bash
# `make test-stack`: docker-stack.yml deployed for real on a private, single-node Swarm, then
# exercised from the host through Traefik's host-mode port (tests/swarm/stack.e2e.ts), then
# removed. Everything it starts it stops: the stack, its volumes and secrets, the swarm (left),
# the private dockerd (by PID). Each phase prints its time. Bounded by HUB_STACK_TIMEOUT_S.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
STACK=hubtest
RUN="$ROOT/.run/stack"
export HUB_TAG=local

t0=$(date +%s) t_phase=$t0 phase_name=""
phase() {
  local now; now=$(date +%s)
  [[ -n $phase_name ]] && printf '==> [test-stack] %-28s %4ss\n' "$phase_name done" "$((now - t_phase))"
  phase_name="$1" t_phase=$now
  printf '==> [test-stack] %s…\n' "$1"
}

remove_stack() {
  # Containers first (the stack's removal is asynchronous; a killed run may have left stopped
  # ones), then its volumes: a next run starts from an empty Postgres, with new passwords.
  local label="label=com.docker.stack.namespace=$STACK"
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    [[ -z "$(docker ps -q --filter "$label")" ]] && break
    sleep 1
  done
  docker ps -aq --filter "$label" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker volume ls -q --filter "$label" | xargs -r docker volume rm >/dev/null 2>&1 || true
}

deployed=0
cleanup() {
  local rc=$?
  set +e
  if [[ -n "${DOCKER_HOST:-}" ]] && docker info >/dev/null 2>&1; then
    if ((rc != 0 && deployed)); then
      echo "==> [test-stack] failed; service states and last log lines (kept in .run/stack/logs):"
      mkdir -p "$RUN/logs"
      docker stack ps "$STACK" --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' 2>/dev/null | head -40
      for s in $(docker stack services "$STACK" --format '{{.Name}}' 2>/dev/null); do
        docker service logs --raw --tail 200 "$s" >"$RUN/logs/$s.log" 2>&1
      done
    fi
    phase "removing the stack, leaving the swarm"
    remove_stack
    docker swarm leave --force >/dev/null 2>&1
  fi
  scripts/docker/dockerd.sh stop
  rm -rf "$RUN/secrets"
  printf '==> [test-stack] %s in %ss\n' "$([[ $rc == 0 ]] && echo passed || echo FAILED)" "$(($(date +%s) - t0))"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

phase "private dockerd"
scripts/docker/dockerd.sh start
eval "$(scripts/docker/dockerd.sh env)"

phase "images"
scripts/docker/images.sh all

phase "swarm init"
if [[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]]; then
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi
remove_stack # leftovers of a run that was killed

phase "secrets"
mkdir -p "$RUN/secrets" && chmod 700 "$RUN/secrets"
secret() { # secret <name> <value>: a Docker secret, and a copy only this run can read (the test signs in with it)
  printf '%s' "$2" >"$RUN/secrets/$1"
  docker secret rm "$1" >/dev/null 2>&1 || true
  docker secret create "$1" "$RUN/secrets/$1" >/dev/null
}
pg_pw="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
kd_pw="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
secret postgres_password "$pg_pw"
secret database_url "postgres://hub:$pg_pw@postgres:5432/postgres"
secret keydb_password "$kd_pw"
secret redis_url "redis://:$kd_pw@keydb:6379"
secret keycloak_admin_password "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

phase "deploy"
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export HUB_HTTP_PORT="${HUB_STACK_HTTP_PORT:-$(free_port)}" HUB_ADMIN_PORT="${HUB_STACK_ADMIN_PORT:-$(free_port)}"
export HUB_PUBLIC_URL="http://localhost:$HUB_HTTP_PORT"
node --import tsx scripts/stack/local-stack.ts "$RUN/stack.yml"
docker stack deploy --resolve-image never -c "$RUN/stack.yml" "$STACK" >/dev/null
deployed=1
echo "    deployed '$STACK': Traefik on $HUB_PUBLIC_URL, admin entry point on http://localhost:$HUB_ADMIN_PORT"

phase "stack tests (tests/swarm/stack.e2e.ts)"
HUB_STACK_NAME="$STACK" HUB_STACK_URL="$HUB_PUBLIC_URL" HUB_STACK_ADMIN_URL="http://localhost:$HUB_ADMIN_PORT" \
  HUB_STACK_SECRETS="$RUN/secrets" timeout "${HUB_STACK_TIMEOUT_S:-1080}" npx vitest run --config vitest.stack.config.ts
