#!/usr/bin/env bash
# Builds every image the stack and the container tests use, on the private engine
# (scripts/docker/dockerd.sh), under the names production pulls, so one Dockerfile and one stack
# file serve both:
#   1. debian:bookworm-slim   mmdebstrap --variant=minbase bookworm + docker import
#                             (tarball cached in .local/docker/, ~1 min the first time)
#   2. stand-ins              docker/standins/<dir>/Dockerfile for each line of images.txt, with the
#                             binaries this checkout installed (.local/bin, .local/keycloak, node)
#   3. services               the root Dockerfile, --build-arg SERVICE=<name> → servicehub/<name>:$HUB_TAG,
#                             and deploy/keycloak (Keycloak built for Postgres) → servicehub/keycloak:$HUB_TAG
# A stand-in whose build context did not change is not rebuilt (label hub.context = its hash);
# services always go through `docker build`, whose layer cache makes an unchanged build quick.
# Usage: images.sh [bases|services|all]   (default all). Needs DOCKER_HOST (dockerd.sh env).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.local/docker"
STAGE="$ROOT/.run/docker/context"
TARBALL="$CACHE/bookworm-minbase.tar"
TAG="${HUB_TAG:-local}"
: "${DOCKER_HOST:?set DOCKER_HOST to the private engine: eval \"\$(scripts/docker/dockerd.sh env)\"}"

t_step=0
step() { printf '==> [images] %s\n' "$*"; t_step=$(date +%s); }
done_step() { printf '    %s (%ss)\n' "${1:-ok}" "$(($(date +%s) - t_step))"; }
die() { printf '[images] FAILED: %s\n[images] Next: %s\n' "$1" "$2" >&2; exit 1; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
build() { docker build --network host -q "$@" >/dev/null; }

debian_base() {
  step "debian:bookworm-slim (mmdebstrap minbase)"
  if [[ ! -f $TARBALL ]]; then
    command -v mmdebstrap >/dev/null || die "mmdebstrap is missing" "run 'make install-docker'"
    local partial="$CACHE/bookworm-minbase.partial.tar"
    rm -f "$partial"
    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$partial" \
      "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" \
      "deb http://deb.debian.org/debian-security bookworm-security main" ||
      die "mmdebstrap bookworm" "check that the Debian mirror is reachable, then re-run"
    mv "$partial" "$TARBALL"
  fi
  # The tarball's hash, computed once (hashing 180 MB on every run costs seconds on a busy machine).
  [[ -f "$TARBALL.sha256" && ! "$TARBALL" -nt "$TARBALL.sha256" ]] || sha256sum "$TARBALL" | cut -c1-16 >"$TARBALL.sha256"
  # This machine's own CA certificates (a proxy's, for instance) go into the stand-in base, so builds
  # on it reach the registries the machine reaches; in production the real images carry their own.
  local ctx="$STAGE/debian" sum
  rm -rf "$ctx" && mkdir -p "$ctx/ca"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  printf 'FROM hub/bookworm-minbase:import\nCOPY ca/ /usr/local/share/ca-certificates/\nRUN update-ca-certificates >/dev/null\nCMD ["bash"]\n' >"$ctx/Dockerfile"
  sum="$( (cat "$TARBALL.sha256"; cd "$ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
  if has_image debian:bookworm-slim && [[ "$(label debian:bookworm-slim hub.context)" == "$sum" ]]; then done_step present; return; fi
  docker import "$TARBALL" hub/bookworm-minbase:import >/dev/null
  build --label "hub.context=$sum" -t debian:bookworm-slim "$ctx" || die "docker build debian:bookworm-slim" "see the output above"
  done_step imported
}

# stage_context <dir>: the Dockerfile folder plus the binaries it COPYs (symlinks resolved, since a
# build context cannot follow links out of itself).
stage_context() {
  local dir=$1 ctx="$STAGE/$1"
  rm -rf "$ctx" && mkdir -p "$ctx" && cp -a "$ROOT/docker/standins/$dir/." "$ctx/"
  case $dir in
    node) cp -L "$(command -v node)" "$ctx/node"; cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm" ;;
    nats) cp -L "$ROOT/.local/bin/nats-server" "$ctx/" ;;
    resgate) cp -L "$ROOT/.local/bin/resgate" "$ctx/" ;;
    traefik) cp -L "$ROOT/.local/bin/traefik" "$ctx/" ;;
    keycloak)
      # The distribution without what local runs wrote into it (data/: H2 files, imports, caches).
      mkdir -p "$ctx/keycloak"
      tar -C "$(readlink -f "$ROOT/.local/keycloak/current")" --exclude=./data -cf - . | tar -C "$ctx/keycloak" -xf -
      ;;
  esac
  echo "$ctx"
}

standins() {
  local dir image ctx sum
  while read -r dir image; do
    [[ -z $dir || $dir == \#* ]] && continue
    step "$image (stand-in from docker/standins/$dir)"
    ctx="$(stage_context "$dir")"
    # The base's id counts too: a new debian:bookworm-slim rebuilds every stand-in on top of it.
    sum="$( (docker image inspect -f '{{.Id}}' debian:bookworm-slim; cd "$ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
    if has_image "$image" && [[ "$(label "$image" hub.context)" == "$sum" ]]; then done_step present; continue; fi
    build --label "hub.context=$sum" -t "$image" "$ctx" || die "docker build $image" "see the output above; re-run 'scripts/docker/images.sh bases'"
    done_step built
  done <"$ROOT/docker/standins/images.txt"
  rm -rf "$STAGE"
}

services() {
  local name
  for main in "$ROOT"/services/*/src/main.ts; do
    name="$(basename "$(dirname "$(dirname "$main")")")"
    step "servicehub/$name:$TAG (Dockerfile, SERVICE=$name)"
    build --build-arg "SERVICE=$name" -t "servicehub/$name:$TAG" "$ROOT" || die "docker build servicehub/$name" "see the output above"
    done_step built
  done
  step "servicehub/keycloak:$TAG (deploy/keycloak/Dockerfile)"
  build -t "servicehub/keycloak:$TAG" "$ROOT/deploy/keycloak" || die "docker build servicehub/keycloak" "see the output above"
  done_step built
}

case "${1:-all}" in
  bases) debian_base; standins ;;
  services) services ;;
  all) debian_base; standins; services ;;
  *) echo "usage: $0 [bases|services|all]" >&2; exit 2 ;;
esac
