#!/usr/bin/env bash
# Installs what the test suite needs beyond the JDK and Maven, only when it is missing.
set -euo pipefail

need_apt=()
command -v mvn >/dev/null || need_apt+=(maven)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v openssl >/dev/null || need_apt+=(openssl)   # TlsIT and ReleaseIT make self-signed certificates
# ReleaseIT builds the release tarball: jlink, jdeps and the JDK's jmods (all in the headless JDK).
command -v jlink >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v redis-server >/dev/null || need_apt+=(redis-server)   # cluster ITs start their own on a free port
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)  # docs/clustering.md baseline

command -v ip >/dev/null || need_apt+=(iproute2)        # WebRTC tests: veth pair in a private netns
command -v unshare >/dev/null || need_apt+=(util-linux)
# TURN tests (sdk-webrtc TurnRelayIT, interop/browser turn.test.mjs) start their own coturn in the
# test's network namespace; the package's service is never started (no systemd here, and the tests
# pass every setting on the command line).
command -v turnserver >/dev/null || need_apt+=(coturn)
# Browser interop (interop/browser): playwright-core drives the system Chromium; it downloads none.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# webrtc-java's native library links against these (WebRTC ITs and `rms peer echo`).
for pkg in libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
