#!/usr/bin/env bash
# The benchmark of subledger's append and read against raw LMDB (the limit) and SQLite
# through GRDB, in a release build. Prints a Markdown report on standard output
# (progress and the build on standard error).
#
#   bash tools/bench.sh                      # N = 1,000,000 events (several minutes)
#   bash tools/bench.sh --events 100000      # a quicker run; or SUBLEDGER_BENCH_EVENTS=100000
#   bash tools/bench.sh --single-events 500  # events for batch size 1 (default min(N, 2000))
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
SUBLEDGER_BENCH_SOURCE="$(git rev-parse --short HEAD 2>/dev/null || echo 'no git')"
git diff --quiet HEAD -- Sources 2>/dev/null || SUBLEDGER_BENCH_SOURCE+=" with uncommitted changes in Sources/"
export SUBLEDGER_BENCH_SOURCE

# The benchmark package builds in its own folder, tools/benchmark/.build.
swift build -c release --package-path tools/benchmark --product subledger-bench >&2
swift run -c release --skip-build --package-path tools/benchmark subledger-bench "$@"
