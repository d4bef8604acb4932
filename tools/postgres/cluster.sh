#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests and the benchmark (issue 15 item 6).
# It installs nothing (tools/install-deps.sh brings Debian's `postgresql`): it runs the
# server's own initdb and pg_ctl, found under /usr/lib/postgresql/*/bin, in a new temporary
# folder, as the `postgres` user when we are root (the server refuses to run as root), as
# ourselves otherwise. Trust authentication, loopback only, a port free when it starts.
#
#   dir=$(bash tools/postgres/cluster.sh start)   # starts a cluster; prints its folder
#   dir=$(bash tools/postgres/cluster.sh start --tls)  # the same, serving TLS as well (below)
#   bash tools/postgres/cluster.sh url "$dir"     # postgres://postgres@127.0.0.1:PORT/postgres
#   bash tools/postgres/cluster.sh rootcert "$dir"  # the CA certificate of a --tls cluster
#   bash tools/postgres/cluster.sh restart "$dir" # pg_ctl restart -m fast: sessions cut, same port
#   bash tools/postgres/cluster.sh stop "$dir"    # stops it and removes the folder
#
# With --tls the server offers TLS (`ssl=on`) with a certificate for `localhost` (not for
# 127.0.0.1, so that a test sees a name checked) signed by a CA made for this cluster alone
# (openssl, in the cluster's folder); plain connections still work.
set -euo pipefail

usage() { echo "usage: $0 start [--tls] | url DIR | rootcert DIR | restart DIR | stop DIR" >&2; exit 2; }

bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "cluster.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin (bash tools/install-deps.sh installs it)" >&2
    exit 1
  fi
  echo "$found"
}

# Runs a server program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Runs "$@" holding none of the descriptors the script was given beyond 0, 1 and 2. pg_ctl
# leaves the server running after it returns, and a server that inherited its caller's pipe or
# socket keeps that caller waiting forever for it to close: Foundation's Process (the tests)
# sees its child end only when the socket it shares with it does.
without_inherited_descriptors() {
  (
    for path in /proc/self/fd/*; do
      fd=${path##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    "$@"
  )
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A CA and a server certificate for localhost in $1/tls, owned by the server.
make_certificates() {
  local tls="$1/tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=subledger test CA" \
    -keyout "$tls/root.key" -out "$tls/root.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=DNS:localhost\n' >"$tls/san.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/root.crt" -CAkey "$tls/root.key" -CAcreateserial \
    -days 2 -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
  chmod 0600 "$tls/server.key" "$tls/root.key"
  chmod 0644 "$tls/root.crt" "$tls/server.crt"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$tls"
  return 0
}

start() {
  local tls=${1:-} bin dir port
  bin=$(bin_dir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/subledger-postgres.XXXXXX")
  chmod 0755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=$(free_port)
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300"
  if [ "$tls" = "--tls" ]; then
    command -v openssl >/dev/null 2>&1 || { echo "cluster.sh: --tls needs openssl (bash tools/install-deps.sh)" >&2; exit 1; }
    make_certificates "$dir" || { echo "cluster.sh: openssl could not make the certificates" >&2; exit 1; }
    options+=" -c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key"
  fi
  if ! without_inherited_descriptors as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" \
    -w -t 60 start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
  fi
  echo "$port" >"$dir/port"
  echo "$dir"
}

url() {
  local dir=$1
  [ -f "$dir/port" ] || { echo "cluster.sh: $dir holds no cluster started by this script" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

rootcert() {
  local dir=$1
  [ -f "$dir/tls/root.crt" ] || { echo "cluster.sh: $dir holds no cluster started with --tls" >&2; exit 1; }
  echo "$dir/tls/root.crt"
}

# Restarts the server (fast: open sessions are ended, their transactions rolled back), with the
# options it was started with (pg_ctl keeps them in postmaster.opts), so on the same port.
restart() {
  local dir=$1 bin
  [ -d "$dir/data" ] || { echo "cluster.sh: $dir holds no cluster" >&2; exit 1; }
  bin=$(bin_dir)
  without_inherited_descriptors as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart \
    >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
}

stop() {
  local dir=$1 bin
  [ -d "$dir/data" ] || { echo "cluster.sh: $dir holds no cluster" >&2; exit 1; }
  bin=$(bin_dir)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -eq 1 ] || { [ $# -eq 2 ] && [ "$2" = "--tls" ]; } || usage; start "${2:-}" ;;
  url) [ $# -eq 2 ] || usage; url "$2" ;;
  rootcert) [ $# -eq 2 ] || usage; rootcert "$2" ;;
  restart) [ $# -eq 2 ] || usage; restart "$2" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
