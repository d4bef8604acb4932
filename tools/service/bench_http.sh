#!/usr/bin/env bash
# The service's rates over HTTP (issue 14 item 6), with wrk (Debian's package) against a release
# subledger-server on loopback, over a new store of 64 active lines:
# - single-event appends from 64 connections (each request one UsageRecorded, lines round robin);
# - appends in batches of 1,000 facts, from 4 connections;
# - GET status from 1 connection: p50/p99 latency.
# Prints a Markdown table. Usage: bash tools/service/bench_http.sh [SECONDS]   (default 10 each)
# Then, in the same run, the library's rows to compare with (issue 14 item 6), when the release
# subledger-bench is built (bash tools/bench.sh builds it): the store's batches of 10,000, its
# 64 concurrent single-event appenders (group commit) and the ledger's 64 concurrent
# Ledger.record tasks, on subledger alone.
# Needs: swift build -c release --product subledger-server; apt-get install wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
server="${SUBLEDGER_SERVER:-.build/release/subledger-server}"
[ -x "$server" ] || { echo "bench_http: build $server first (swift build -c release --product subledger-server)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench_http: install wrk (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$work"' EXIT

export KEY="$("$server" --keys "$work/keys.jsonl" --add-key bench --scopes admin)"
"$server" --store "$work/store" --keys "$work/keys.jsonl" --port 0 --log-level error > "$work/listening.json" &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/listening.json" ] && break; sleep 0.1; done
port="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listening"]["port"])' "$work/listening.json")"
url="http://127.0.0.1:$port"

python3 - "$url" <<'PY'
import json, os, sys, urllib.request
facts = [{"type": "SubscriberRegistered", "subscriber": "S-1", "occurredAt": "2025-01-01T00:00:00Z",
          "data": {"subscriberId": "S-1", "kind": "individual", "governmental": False, "name": "N", "nationalId": "1"}}]
facts += [{"type": "LineActivated", "line": "+9891200%05d" % n, "occurredAt": "2025-01-01T00:01:00Z",
           "data": {"subscriberId": "S-1", "service": "mobile", "plan": "noDeposit", "connectionFee": 0,
                    "vanityPremium": 0}} for n in range(64)]
request = urllib.request.Request(sys.argv[1] + "/v1/facts", json.dumps({"facts": facts}).encode(),
                                 {"Authorization": "Bearer " + os.environ["KEY"], "Content-Type": "application/json"})
urllib.request.urlopen(request).read()
PY

cat > "$work/single.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"facts":[{"type":"UsageRecorded","line":"+9891200%05d","occurredAt":"2025-01-02T00:00:00Z","data":{"amount":1,"description":"u"}}]}', n % 64)
  return wrk.format("POST", "/v1/facts", {["Authorization"] = "Bearer " .. os.getenv("KEY"), ["Content-Type"] = "application/json"}, body)
end
LUA
python3 - > "$work/batch.json" <<'PY'
import json
print(json.dumps({"facts": [{"type": "UsageRecorded", "line": "+9891200%05d" % (n % 64), "occurredAt": "2025-01-02T00:00:00Z",
                             "data": {"amount": 1, "description": "u"}} for n in range(1000)]}))
PY
cat > "$work/batch.lua" <<LUA
local file = io.open("$work/batch.json")
local body = file:read("*a")
file:close()
request = function()
  return wrk.format("POST", "/v1/facts", {["Authorization"] = "Bearer " .. os.getenv("KEY"), ["Content-Type"] = "application/json"}, body)
end
LUA
cat > "$work/status.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
LUA

rate() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$1"; }
errors() { grep -E "Non-2xx|Socket errors" "$1" || true; }
wrk -t2 -c64 -d"${seconds}s" -s "$work/single.lua" "$url" > "$work/single.txt"
wrk -t2 -c4 -d"${seconds}s" -s "$work/batch.lua" "$url" > "$work/batch.txt"
wrk -t1 -c1 -d"${seconds}s" --latency -s "$work/status.lua" "$url/v1/lines/%2B989120000001/status" > "$work/status.txt"
single="$(rate "$work/single.txt")"
batches="$(rate "$work/batch.txt")"
head="$(curl -s -H "Authorization: Bearer $KEY" "$url/health")"
echo "| over HTTP, loopback, $server, ${seconds} s each (wrk) | rate |"
echo "| --- | --- |"
echo "| single-event appends, 64 connections | $single requests/s = events/s $(errors "$work/single.txt") |"
echo "| appends in batches of 1,000, 4 connections | $batches requests/s × 1,000 events $(errors "$work/batch.txt") |"
echo "| GET status, 1 connection: p50 / p99 | $(awk '/50%/{print $2}' "$work/status.txt") / $(awk '/99%/{print $2}' "$work/status.txt") ($(rate "$work/status.txt") requests/s) |"
echo "| the store's head after the run | $head |"

bench="${SUBLEDGER_BENCH:-tools/benchmark/.build/release/subledger-bench}"
if [ -x "$bench" ]; then
  kill -TERM "$pid" && wait "$pid" || true
  pid=""
  echo
  echo "The library in the same run ($bench --parts appends --engines subledger --events 20000 --rounds 5):"
  echo
  "$bench" --parts appends --engines subledger --events 20000 --rounds 5 2>/dev/null \
    | sed -n '/^### Throughput/,/^### Size on disk/p' | grep -E "^\|" || true
else
  echo "bench_http: $bench is not built: no library rows to compare with (bash tools/bench.sh builds it)" >&2
fi
