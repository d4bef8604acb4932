#!/usr/bin/env bash
# The whole test suite: first the house's shape (files, functions and lines within their
# limits: tools/check_shape.py, seconds), then it installs what it needs and runs the Python
# tests (the auditors' verifier's and the shape check's, standard library) and the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 tools/check_shape.py
python3 tools/check_docs.py
bash tools/install-deps.sh
python3 -m unittest discover -s tools/tests
swift test
