#!/usr/bin/env bash
# The official postgres image's first-start contract, for what Service Hub's stack uses.
set -euo pipefail
if [[ "${1:-}" == -* ]]; then set -- postgres "$@"; fi
if [[ "${1:-}" != postgres ]]; then exec "$@"; fi

if [[ $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ -n "${POSTGRES_PASSWORD_FILE:-}" ]]; then
  [[ -z "${POSTGRES_PASSWORD:-}" ]] || { echo "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set; keep one" >&2; exit 1; }
  POSTGRES_PASSWORD="$(<"$POSTGRES_PASSWORD_FILE")"
fi
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  pwopt=()
  if [[ $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    [[ -n "${POSTGRES_PASSWORD:-}" ]] || { echo "Database is uninitialized and POSTGRES_PASSWORD(_FILE) is not set (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2; exit 1; }
    pwfile="$(mktemp)"; printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"; pwopt=(--pwfile="$pwfile")
  fi
  initdb -D "$PGDATA" --username="$POSTGRES_USER" "${pwopt[@]}" --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" -E UTF8 >/dev/null
  rm -f "${pwfile:-}"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [[ "$POSTGRES_DB" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "initdb.d: running $f"; psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sh) echo "initdb.d: sourcing $f"; . "$f" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
