#!/usr/bin/env bash
# A private Docker engine for the stack and container tests, never the machine's own:
#   data root  .local/docker/root   (kept: images built once are reused by the next run)
#   socket     .run/docker/docker.sock, pid .run/docker/docker.pid, log .run/docker/dockerd.log
# Usage: dockerd.sh start | stop | env     (`env` prints DOCKER_HOST=… for `eval`)
# Started without iptables/masquerading and with cgroupfs (what works on our machines, see
# ../shared/NOTES-infra.md "Docker on our machines"); stopped by its PID, after leaving any swarm.
# One engine per checkout at a time: a second `start` while it runs reuses it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$ROOT/.local/docker/root"
RUN="$ROOT/.run/docker"
SOCK="$RUN/docker.sock"
PIDFILE="$RUN/docker.pid"
LOG="$RUN/dockerd.log"
export DOCKER_HOST="unix://$SOCK"

alive() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  command -v dockerd >/dev/null || { echo "dockerd is not installed: run 'make install-docker' first" >&2; exit 1; }
  if alive && docker info >/dev/null 2>&1; then echo "==> [dockerd] running (pid $(cat "$PIDFILE"))"; return; fi
  mkdir -p "$DATA" "$RUN"
  rm -f "$SOCK" "$PIDFILE"
  echo "==> [dockerd] starting a private engine (data root .local/docker/root, log .run/docker/dockerd.log)"
  # Its own exec-root and containerd namespace-free state under .run/, so it never meets another engine.
  setsid dockerd --exec-opt native.cgroupdriver=cgroupfs --iptables=false --ip-masq=false --storage-driver=overlay2 \
    --data-root "$DATA" --exec-root "$RUN/exec" --host "unix://$SOCK" --pidfile "$PIDFILE" \
    --log-level=warn >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then echo "==> [dockerd] ready (pid $(cat "$PIDFILE"))"; return; fi
    sleep 0.5
  done
  echo "dockerd did not come up in 60 s; last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
}

# What the engine leaves mounted once it is gone — its bind mount of the host's network namespace
# (<exec-root>/netns/default) survives dockerd's exit — is unmounted, deepest first; otherwise
# deleting the checkout fails with "Device or resource busy". Only paths of this checkout's engine.
unmount_leftovers() {
  local m
  while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done < <(
    awk -v run="$RUN/" -v data="$DATA/" 'index($2, run) == 1 || index($2, data) == 1 { print $2 }' /proc/mounts | sort -r
  )
}

stop() {
  if ! alive; then unmount_leftovers; echo "==> [dockerd] not running"; return; fi
  local pid; pid="$(cat "$PIDFILE")"
  if [[ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" == active ]]; then
    docker swarm leave --force >/dev/null 2>&1 || true
  fi
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { unmount_leftovers; echo "==> [dockerd] stopped"; return; }; sleep 0.5; done
  echo "==> [dockerd] still running after 30 s; sending SIGKILL to $pid"
  kill -9 "$pid" 2>/dev/null || true
  sleep 0.5
  unmount_leftovers
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
