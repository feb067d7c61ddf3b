#!/usr/bin/env bash
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Configures (Ninja, RelWithDebInfo unless overridden) and builds BUILD_DIR
# (default: build/ at the repository root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
shift || true

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$BUILD_DIR" -j"$(nproc)"
