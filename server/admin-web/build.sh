#!/usr/bin/env bash
# Run by the server module's Maven build (generate-resources): installs the packages pinned by
# package-lock.json (only when node_modules is stale) and bundles the admin dashboard into $1.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:?usage: build.sh OUTDIR}"
if ! command -v npm >/dev/null 2>&1; then
  echo "rms build: 'npm' is not on the PATH. The server's /admin/ dashboard is bundled from npm packages;" >&2
  echo "rms build: install Node.js 20+ and npm (Debian/Ubuntu: apt-get install nodejs npm), then build again." >&2
  exit 1
fi
marker=node_modules/.package-lock.json
if [[ ! -f "$marker" || package-lock.json -nt "$marker" || ! -x node_modules/.bin/esbuild ]]; then
  npm ci --no-audit --no-fund --prefer-offline
fi
node build.mjs "$out"
