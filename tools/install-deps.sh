#!/usr/bin/env bash
# Installs what subledger needs from Debian/Ubuntu: liblmdb-dev (the store), pkg-config
# (how SwiftPM finds it) and postgresql (the server the PostgreSQL backend's tests start a
# throwaway cluster of: tools/postgres/cluster.sh, issue 15 item 6; openssl makes its TLS
# certificates); and from PyPI schemathesis (the service's tests against docs/openapi.yaml,
# tools/service/test_service.sh).
# Idempotent and silent when everything is there.
set -euo pipefail

if ! command -v schemathesis >/dev/null 2>&1; then
  echo "install-deps: installing schemathesis (pip)" >&2
  python3 -m pip install -q schemathesis >/dev/null
fi

packages=(liblmdb-dev pkg-config postgresql openssl)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_prefix=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo_prefix=(sudo)
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine finds nothing until the package lists exist.
"${sudo_prefix[@]}" apt-get update -qq >/dev/null
"${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
