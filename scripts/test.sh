#!/usr/bin/env bash
# The project's test command: installs what is missing, builds into build/ and
# runs every test through ctest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install-deps.sh
# LIENTHONG_BUILD_DIR lets a developer who shares the tree keep a build of their own.
BUILD_DIR="${LIENTHONG_BUILD_DIR:-$ROOT/build}"
bash scripts/build.sh "$BUILD_DIR"
ctest --test-dir "$BUILD_DIR" --output-on-failure
