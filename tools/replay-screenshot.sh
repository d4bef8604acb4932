#!/usr/bin/env bash
# Writes the replay page of a disputed line of the demo and takes a screenshot of it in
# headless Chromium, to look at the page as a person would (not part of the test suite:
# the tests check the page's content without a browser).
#
#   tools/replay-screenshot.sh [LINE]
#
# Environment: STORE (the demo store, built with `subledger demo` when missing; default
# /tmp/subledger-screenshot-store), OUT (folder for the HTML and the PNG; default
# /tmp/subledger-screenshot), SCRATCH (SwiftPM scratch path; default .build-demo),
# CONFIGURATION (debug or release; default release), SEED (default 1400), SUBSCRIBERS
# (default 3000), WINDOW (default 1280,1600).
#
# Needs Debian's chromium (apt-get install -y chromium) and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
STORE=${STORE:-/tmp/subledger-screenshot-store}
OUT=${OUT:-/tmp/subledger-screenshot}
SCRATCH=${SCRATCH:-.build-demo}
CONFIGURATION=${CONFIGURATION:-release}
SEED=${SEED:-1400}
SUBSCRIBERS=${SUBSCRIBERS:-3000}
WINDOW=${WINDOW:-1280,1600}

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "replay-screenshot: no chromium: install it with apt-get install -y chromium" >&2
    exit 2
fi

swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product subledger >&2
subledger="$SCRATCH/$CONFIGURATION/subledger"

if [ ! -f "$STORE/data.mdb" ]; then
    echo "replay-screenshot: building the demo store in $STORE" >&2
    "$subledger" demo --db "$STORE" --seed "$SEED" --subscribers "$SUBSCRIBERS" > "$OUT.demo.txt" || {
        cat "$OUT.demo.txt" >&2
        exit 1
    }
fi

line=${1:-}
if [ -z "$line" ]; then
    # The disputed line: a cut that relied on a notice known to have failed (CUT-1, DLV-1);
    # else the first line with a violation.
    line=$("$subledger" audit --db "$STORE" --json | python3 -c '
import json, sys
findings = json.load(sys.stdin)
violations = [f for f in findings if f["severity"] == "violation"]
disputed = [f for f in violations if f["rule"] == "CUT-1" and "failed" in f["message"]]
chosen = (disputed or violations or findings)
print(chosen[0]["line"] if chosen else "")
')
fi
if [ -z "$line" ]; then
    echo "replay-screenshot: no line to replay in $STORE" >&2
    exit 1
fi

mkdir -p "$OUT"
html="$OUT/replay-${line#+}.html"
png="$OUT/replay-${line#+}.png"
"$subledger" replay "$line" --db "$STORE" --html "$html" >&2
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$png" --window-size="$WINDOW" "file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")" 2>/dev/null
echo "$png"
