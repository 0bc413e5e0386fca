#!/usr/bin/env bash
# Run by the server module's Maven build (generate-resources): installs the official
# @metered-ca/realtime SDK pinned by package-lock.json, whose dist/index.mjs the build then
# copies into the jar for the /demo/ page. Skips npm when node_modules is already up to date.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "rms build: 'npm' is not on the PATH. The server's /demo/ page bundles the official JS SDK from npm;" >&2
  echo "rms build: install Node.js 20+ and npm (Debian/Ubuntu: apt-get install nodejs npm), then build again." >&2
  exit 1
fi
marker=node_modules/.package-lock.json
if [[ -f "$marker" && "$marker" -nt package-lock.json && -f node_modules/@metered-ca/realtime/dist/index.mjs ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --prefer-offline
