#!/usr/bin/env bash
# Browser interop: headless Chromium (system package, driven by playwright-core) runs the demo
# page and the official JS MeteredPeer against the rms jar, with `rms peer echo` as a Java peer.
# Everything runs inside a private network namespace made here (docs/webrtc-testing.md):
# WebRTC needs a non-loopback interface, and no traffic may leave the machine. Needs root,
# iproute2 and util-linux (unshare), Chromium, Java, Node 20+; npm install happens before the
# namespace is entered, as nothing can be downloaded inside it.
set -euo pipefail
cd "$(dirname "$0")/.."

export RMS_JAR="${RMS_JAR:-../cli/target/rms.jar}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
fail() { echo "interop/browser: $*" >&2; exit 2; }
[[ -f "$RMS_JAR" ]] || fail "server jar not found at '$RMS_JAR'; build it first (mvn -B -DskipTests package) or set RMS_JAR"
[[ -x "$CHROMIUM_PATH" ]] || fail "Chromium not found at $CHROMIUM_PATH; install it (scripts/install-test-deps.sh, or apt-get install chromium)"
command -v java >/dev/null || fail "'java' is not on PATH"
command -v node >/dev/null || fail "'node' (v20+) is not on PATH"
command -v unshare >/dev/null && command -v ip >/dev/null || fail "needs 'unshare' (util-linux) and 'ip' (iproute2)"
[[ "$(id -u)" -eq 0 ]] || fail "needs root to create a network namespace (unshare -n)"

if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

# The test files are named explicitly (see ../run.sh).
exec unshare -n bash -c '
  set -e
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.200.0.1/24 dev v0
  ip link set v0 up
  ip link set v1 up
  ip route add default dev v0   # Chromium gathers no candidates without a default route
  exec "$@"' _ node --test --test-concurrency=1 browser/*.test.mjs
