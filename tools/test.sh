#!/usr/bin/env bash
# The whole test suite: first the house's shape (files, functions and lines within their
# limits: tools/check_shape.py, seconds), then it installs what it needs and runs the Python
# tests (the auditors' verifier's and the shape check's, standard library), the Swift tests,
# with a throwaway PostgreSQL cluster on loopback for the PostgreSQL backend's tests (issue 15
# item 6: tools/postgres/cluster.sh, serving TLS with a CA of its own), stopped and removed
# however the tests end, and the HTTP service against its OpenAPI document.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 tools/check_shape.py
python3 tools/check_docs.py
bash tools/install-deps.sh
python3 -m unittest discover -s tools/tests
cluster=$(bash tools/postgres/cluster.sh start --tls)
trap 'bash tools/postgres/cluster.sh stop "$cluster"' EXIT
SUBLEDGER_TEST_POSTGRES_URL=$(bash tools/postgres/cluster.sh url "$cluster")
SUBLEDGER_TEST_POSTGRES_ROOT_CERT=$(bash tools/postgres/cluster.sh rootcert "$cluster")
export SUBLEDGER_TEST_POSTGRES_URL SUBLEDGER_TEST_POSTGRES_ROOT_CERT
swift test
# The service on a loopback port: schemathesis against docs/openapi.yaml, the Python client (issue 14).
bash tools/service/test_service.sh
