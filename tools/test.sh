#!/usr/bin/env bash
# The whole test suite: installs what it needs, then the auditors' verifier's tests
# (Python, standard library) and the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
python3 -m unittest discover -s tools/tests
swift test
