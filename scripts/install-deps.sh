#!/usr/bin/env bash
# Installs the Debian 12 packages lienthong needs to build, test, fuzz and
# benchmark (docs/DEPENDENCIES.md says why each one is here).
# Idempotent: when every package is already installed it does not touch apt at
# all, so it is fast and works offline.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build g++
  libboost-dev rapidjson-dev libpugixml-dev libsqlite3-dev libssl-dev
  catch2 libbenchmark-dev
  clang libclang-rt-14-dev
  python3-hl7
  tzdata
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: not root and no sudo; install these by hand: ${missing[*]}" >&2
    exit 1
  fi
fi
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
