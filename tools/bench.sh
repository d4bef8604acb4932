#!/usr/bin/env bash
# The benchmark, in release builds. Prints one Markdown report on standard output
# (progress and the builds on standard error):
# - subledger's append and read against raw LMDB (the limit) and SQLite through GRDB;
# - at scale: a store of 10,000,000 generated events over 1,000,000 lines (the demo's
#   generator), and the release `subledger` binary's import, export, verify and status
#   timed as whole processes, the library's status and as-of replay in process;
# - following: a store of 10,000,000 events followed from position 1 by a slow consumer
#   (`Ledger.follow`) in a process of its own: events/s and its peak memory (goal 64 MiB).
#
#   bash tools/bench.sh                      # everything at the default sizes (~25 minutes)
#   bash tools/bench.sh --events 100000 --scale-events 200000 --scale-lines 20000   # quick
#   bash tools/bench.sh --parts scale        # only the scale part (or --parts appends, follow)
#   bash tools/bench.sh --parts follow --follow-events 200000   # only the follower, quick
#   bash tools/bench.sh --parts proof --proof-events 1000000    # proofs and a checkpoint (issue 10)
#   bash tools/bench.sh --single-events 500  # events for batch size 1 (default min(N, 2000))
#   bash tools/bench.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh

# GRDB links the system SQLite.
if ! dpkg-query -W -f='${Status}' libsqlite3-dev 2>/dev/null | grep -q 'install ok installed'; then
  sudo_prefix=()
  [ "$(id -u)" -ne 0 ] && sudo_prefix=(sudo)
  echo "bench: installing libsqlite3-dev" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends libsqlite3-dev >/dev/null \
    || { "${sudo_prefix[@]}" apt-get update -qq >/dev/null
         DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends libsqlite3-dev >/dev/null; }
fi

# What is measured: the commit, and whether the store's sources differ from it.
# (Set SUBLEDGER_BENCH_SOURCE to describe a copy of the tree outside git.)
if [ -z "${SUBLEDGER_BENCH_SOURCE:-}" ]; then
  SUBLEDGER_BENCH_SOURCE="$(git rev-parse --short HEAD 2>/dev/null || echo 'no git')"
  git diff --quiet HEAD -- Sources 2>/dev/null || SUBLEDGER_BENCH_SOURCE+=" with uncommitted changes in Sources/"
fi
export SUBLEDGER_BENCH_SOURCE

# The benchmark package builds in its own folder, tools/benchmark/.build; the subledger
# binary the scale part times, in release mode, in .build-bench (one build at a time).
swift build -c release --product subledger --scratch-path .build-bench >&2
export SUBLEDGER_BENCH_CLI="$PWD/.build-bench/release/subledger"
swift build -c release --package-path tools/benchmark --product subledger-bench >&2

# Whether this run uses the postgres engine: the appends or the scale part runs (by default,
# or named in --parts) and the engines are the default or name postgres.
uses_postgres() {
  local parts="appends,scale" engines="postgres" previous=""
  for argument in "$@"; do
    case "$previous" in
      --parts) parts="$argument" ;;
      --engines) engines="$argument" ;;
    esac
    case "$argument" in
      --parts=*) parts="${argument#--parts=}" ;;
      --engines=*) engines="${argument#--engines=}" ;;
    esac
    previous="$argument"
  done
  [[ (",$parts," == *,appends,* || ",$parts," == *,scale,*) && ",$engines," == *,postgres,* ]]
}

# The postgres engine (issue 15 item 7): a throwaway cluster on loopback, unless a server is
# given (SUBLEDGER_BENCH_POSTGRES_URL=postgres://USER@HOST:PORT/DATABASE), and only when the
# run uses it; stopped at the end.
if [ -z "${SUBLEDGER_BENCH_POSTGRES_URL:-}" ] && uses_postgres "$@"; then
  bench_cluster=$(bash tools/postgres/cluster.sh start)
  trap 'bash tools/postgres/cluster.sh stop "$bench_cluster" >&2' EXIT
  SUBLEDGER_BENCH_POSTGRES_URL=$(bash tools/postgres/cluster.sh url "$bench_cluster")
  export SUBLEDGER_BENCH_POSTGRES_URL
fi
swift run -c release --skip-build --package-path tools/benchmark subledger-bench "$@"
