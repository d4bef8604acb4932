#!/usr/bin/env bash
# Forges a line export of the worked example in five ways and shows both verifiers catch
# each (issue 10): changed, dropped, reordered, appended, and the whole chain rewritten
# after a checkpoint was kept. Exits non-zero if any forgery passes.
#   bash tools/forgeries.sh [path/to/subledger]   (default: a debug build of this tree)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
binary=${1:-}
if [ -z "$binary" ]; then swift build --product subledger >&2 && binary=$root/.build/debug/subledger; fi
binary=$(realpath "$binary")
example=$root/Tests/Fixtures/spec-examples/threshold-cut.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.keys"' EXIT
cd "$work"
run() { echo "\$ $*"; "$@"; echo "(exit $?)"; }
expect_refused() {
  local kind=$1 file=$2; shift 2
  for verifier in "$binary verify" "python3 $root/tools/verify_export.py"; do
    echo "\$ $verifier $file $*"
    $verifier "$file" "$@"
    # 1 is "bad"; 0 would be a forgery passing, 2 a file that could not be read.
    if [ $? -eq 1 ]; then echo "(refused)"; else echo "FORGERY NOT CAUGHT: $kind"; failed=1; fi
  done
}
failed=0
export SUBLEDGER_DB=$work/store
"$binary" import "$example" >/dev/null || exit 2
"$binary" checkpoint --json > kept.json
line=$(python3 -c 'import json,sys; print(next(json.loads(l)["line"] for l in open(sys.argv[1]) if "line" in json.loads(l)))' "$example")
run "$binary" export --line "$line" --output line.jsonl --proof line.proof.json
expect_ok() { for verifier in "$binary verify" "python3 $root/tools/verify_export.py"; do run $verifier line.jsonl --filtered --proof line.proof.json || failed=1; done; }
expect_ok
for kind in changed-one changed-all dropped reordered appended; do
  echo; echo "== forged: $kind"
  python3 "$root/tools/forge_export.py" "$kind" line.jsonl "$kind.jsonl"
  expect_refused "$kind" "$kind.jsonl" --filtered --proof line.proof.json
done
echo; echo "== forged: the whole log rewritten (one amount changed, every recordedAt kept) after kept.json was kept"
"$binary" export --output whole.jsonl
python3 - <<'PY'
import json
with open("forged-input.jsonl", "w") as out:
    changed = False
    for text in open("whole.jsonl"):
        event = json.loads(text)
        for field in ("position", "streamVersion", "prevHash", "hash", "streamPrevHash"): event.pop(field)
        if not changed and event["type"] == "UsageRecorded":
            event["data"]["amount"] //= 2  # the first usage halved
            changed = True
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
PY
"$binary" import --db "$work/forged" forged-input.jsonl >/dev/null
"$binary" export --db "$work/forged" --output forged-whole.jsonl
run "$binary" verify --db "$work/forged"
echo "\$ $binary verify --db forged --checkpoint kept.json"
"$binary" verify --db "$work/forged" --checkpoint kept.json
if [ $? -eq 1 ]; then echo "(refused)"; else echo "FORGERY NOT CAUGHT: rewritten"; failed=1; fi
echo "\$ python3 tools/verify_export.py forged-whole.jsonl --checkpoint kept.json"
python3 "$root/tools/verify_export.py" forged-whole.jsonl --checkpoint kept.json
if [ $? -eq 1 ]; then echo "(refused)"; else echo "FORGERY NOT CAUGHT: rewritten"; failed=1; fi
echo "\$ $binary verify --checkpoint kept.json   # the true store"
"$binary" verify --checkpoint kept.json || failed=1
exit $failed
