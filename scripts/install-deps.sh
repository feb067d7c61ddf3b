#!/usr/bin/env bash
# Installs the Debian 12 packages lienthong needs to build, test, fuzz and
# benchmark (docs/DEPENDENCIES.md says why each one is here).
# Idempotent: when every package is already installed it does not touch apt at
# all, so it is fast and works offline. Then it installs the test-only npm
# packages of tests/fhir_schema (the FHIR R4 JSON schema validator) when their
# node_modules is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  build-essential cmake ninja-build g++
  libboost-dev rapidjson-dev libpugixml-dev libsqlite3-dev libssl-dev liblz4-dev libre2-dev
  catch2 libbenchmark-dev
  clang libclang-rt-14-dev
  python3-hl7
  tzdata
)
# Test-only: node and npm run the official FHIR R4 JSON schema validator
# (tests/fhir_schema). Debian's packages are installed only when the machine has
# no node/npm at all: a Node.js installed otherwise (another apt source, a
# tarball) already serves, and Debian's npm package would conflict with it.
NODE_PACKAGES=(nodejs npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  for pkg in "${NODE_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
fi

if [[ ${#missing[@]} -gt 0 ]]; then
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
fi

# The FHIR schema validator's npm packages, exactly as pinned in
# tests/fhir_schema/package-lock.json, into the git-ignored node_modules; only
# when that is missing, so later runs stay offline.
if [[ ! -d "$ROOT/tests/fhir_schema/node_modules" ]]; then
  echo "install-deps: npm ci in tests/fhir_schema" >&2
  (cd "$ROOT/tests/fhir_schema" && npm ci --no-audit --no-fund)
fi
