#!/usr/bin/env bash
# Builds the release tarball: rms-<version>-linux-x86_64.tar.gz with a Java runtime made by jlink
# (only the JDK modules the server and CLI need, found with jdeps), bin/rms, the jar and its default
# JVM options (lib/jvm.options), the example
# config, the systemd unit, the Grafana dashboard, LICENSE/NOTICE/README and docs. A host that unpacks it needs no JDK and
# no Maven. Called by `./rms dist`, by the cli module's `-Pdist` Maven profile and by ReleaseIT.
#
#   scripts/dist.sh <rms.jar> <output-dir>
#
# The version is the jar's (its manifest's Implementation-Version, set by the build). The JDK
# used is $JAVA_HOME, else the one `java` on the PATH belongs to; it must have jlink, jdeps and
# jmods/ (Debian/Ubuntu: openjdk-17-jdk-headless). Prints the tarball's path on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "rms dist: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: scripts/dist.sh <rms.jar> <output-dir>"
JAR="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
OUT="$2"
[ -f "$JAR" ] || die "$JAR is missing; build it first (mvn -DskipTests -pl cli -am package)"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] \
  || die "the jar carries linux-x86_64 native libraries only; build the release on Linux x86_64"

if [ -n "${JAVA_HOME:-}" ]; then
  JDK="$JAVA_HOME"
else
  JDK="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
for tool in java jlink jdeps; do
  [ -x "$JDK/bin/$tool" ] || die "$JDK/bin/$tool is missing: a full JDK 17+ is needed (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless)"
done
[ -d "$JDK/jmods" ] || die "$JDK/jmods is missing: jlink needs the JDK's jmods (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless)"

VERSION="$("$JDK/bin/java" -jar "$JAR" --version)"
VERSION="${VERSION#rms }"
case "$VERSION" in
  ""|dev|*" "*) die "cannot read the version from $JAR (got '$VERSION'); build it with Maven" ;;
esac
NAME="rms-$VERSION"
TARBALL="rms-$VERSION-linux-x86_64.tar.gz"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/$NAME"
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/config" "$STAGE/systemd" "$STAGE/docs" "$STAGE/grafana"

# Modules: what jdeps finds in the jar, plus those used without a static reference:
#   jdk.crypto.ec     elliptic-curve TLS (ECDHE key exchange, ECDSA certificates) for server.tls
#   jdk.naming.dns    JNDI DNS, used by Netty's and Lettuce's DNS resolvers (cluster.redisUrl host names)
#   jdk.management    com.sun.management JVM metrics, looked up reflectively
#   jdk.jcmd          jcmd/jstack/jmap in runtime/bin, for thread and heap dumps of a live server
MODULES="$("$JDK/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$JAR")"
[ -n "$MODULES" ] || die "jdeps found no modules in $JAR"
MODULES="$MODULES,jdk.crypto.ec,jdk.naming.dns,jdk.management,jdk.jcmd"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$STAGE/runtime"

cp "$JAR" "$STAGE/lib/rms.jar"
cp "$ROOT/dist/jvm.options" "$STAGE/lib/jvm.options"
install -m 0755 "$ROOT/dist/bin/rms" "$STAGE/bin/rms"
cp "$ROOT/config/rms.example.yaml" "$STAGE/config/"
cp "$ROOT/dist/rms.service" "$STAGE/systemd/"
cp "$ROOT/dist/grafana/rms-dashboard.json" "$STAGE/grafana/"
cp "$ROOT/LICENSE" "$ROOT/NOTICE" "$ROOT/README.md" "$STAGE/"
cp "$ROOT"/docs/*.md "$STAGE/docs/"
if [ -d "$ROOT/docs/images" ]; then cp -r "$ROOT/docs/images" "$STAGE/docs/"; fi
echo "$MODULES" > "$STAGE/runtime/MODULES"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# Same bytes for the same inputs: sorted entries, no owner names, the jar's time stamp.
MTIME="@$(stat -c %Y "$JAR")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$MTIME" -C "$WORK" -cf - "$NAME" \
  | gzip -6n > "$OUT/$TARBALL.tmp"
mv "$OUT/$TARBALL.tmp" "$OUT/$TARBALL"
echo "$OUT/$TARBALL"
