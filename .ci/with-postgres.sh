#!/usr/bin/env bash
# Runs a command with PORTAL_TEST_POSTGRES_URL set: the caller's, or a
# throwaway PostgreSQL cluster in a temporary folder, started here and
# removed after. (Not under the checkout: as root the cluster runs as the
# postgres user, who may not be able to reach the checkout's folder.)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PORTAL_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

bindir=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
cluster=$(mktemp -d "${TMPDIR:-/tmp}/portal-test-postgres.XXXXXX")
chmod 755 "$cluster"
port=${PORTAL_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

# PostgreSQL refuses to run as root: use its own account when we are root.
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$cluster"

run_pg "$bindir/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 >/dev/null
# TLS with a throwaway self-signed certificate, so that the tests can
# connect with sslmode=require as a production deployment would.
run_pg openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -keyout "$cluster/data/server.key" -out "$cluster/data/server.crt" >/dev/null 2>&1
chmod 600 "$cluster/data/server.key"
stop() { run_pg "$bindir/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$cluster"; }
trap stop EXIT
run_pg "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c max_connections=300 -c ssl=on" start >/dev/null
echo "==> throwaway PostgreSQL on 127.0.0.1:$port"
export PORTAL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PORTAL_TEST_POSTGRES_TLS=1
"$@"
