#!/usr/bin/env bash
# Checks the Java SDK's install step and Maven coordinates as docs/sdk-java.md states them:
#   1. `mvn -DskipTests -pl sdk,sdk-webrtc -am install` at the repo root (the documented command),
#   2. a separate project (this folder's pom.xml) depending on ca.metered.realtime:sdk and
#      sdk-webrtc by coordinates compiles, and its program talks to a real server (env RMS_JAR,
#      default ../../cli/target/rms.jar): two SDK clients, one publish, one delivery.
# Both Maven runs use a local repository of their own (target/m2), never the shared ~/.m2, so no
# SNAPSHOT leaks into it. Released artifacts already in ~/.m2 are read from there (declared as a
# file:// repository, releases only) so that a run downloads only what is missing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RMS_JAR="${RMS_JAR:-$ROOT/cli/target/rms.jar}"
[[ -f "$RMS_JAR" ]] || { echo "sdk-consumer: server jar not found at '$RMS_JAR'; build it first or set RMS_JAR" >&2; exit 2; }

WORK="$HERE/target"
REPO="$WORK/m2"
mkdir -p "$REPO"
rm -rf "$REPO/ca/metered"   # only what this run installs may satisfy the consumer
SETTINGS="$WORK/settings.xml"
cat > "$SETTINGS" <<EOF
<settings>
  <profiles>
    <profile>
      <id>shared-releases</id>
      <repositories>
        <repository><id>shared-m2</id><url>file://$HOME/.m2/repository</url>
          <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository><id>shared-m2</id><url>file://$HOME/.m2/repository</url>
          <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>shared-releases</activeProfile></activeProfiles>
</settings>
EOF
MVN=(mvn -B -ntp -q -s "$SETTINGS" -Dmaven.repo.local="$REPO")

echo "sdk-consumer: installing the SDK (mvn -DskipTests -pl sdk,sdk-webrtc -am install) into $REPO"
(cd "$ROOT" && "${MVN[@]}" -DskipTests -pl sdk,sdk-webrtc -am install)
VERSIONS=("$REPO"/ca/metered/realtime/sdk/*/)
[[ ${#VERSIONS[@]} -eq 1 && -d "${VERSIONS[0]}" ]] || { echo "sdk-consumer: expected one installed sdk version, found: ${VERSIONS[*]}" >&2; exit 1; }
VERSION="$(basename "${VERSIONS[0]}")"

echo "sdk-consumer: building the consumer against ca.metered.realtime:sdk:$VERSION"
"${MVN[@]}" -f "$HERE/pom.xml" -Drms.version="$VERSION" compile dependency:build-classpath \
  -Dmdep.outputFile="$WORK/classpath.txt"

CONFIG="$WORK/rms.yaml"
cp "$ROOT/config/rms.example.yaml" "$CONFIG"
LOG="$WORK/server.log"
java -jar "$RMS_JAR" serve --config "$CONFIG" --port 0 > "$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
URL=""
for _ in $(seq 1 300); do
  URL="$(sed -n 's/^rms listening on \(ws:\/\/[^ ]*\).*/\1/p' "$LOG")"
  [[ -n "$URL" ]] && break
  kill -0 "$SERVER" 2>/dev/null || { echo "sdk-consumer: server exited:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
[[ -n "$URL" ]] || { echo "sdk-consumer: server did not start within 60 s:" >&2; cat "$LOG" >&2; exit 1; }

java -cp "$WORK/classes:$(cat "$WORK/classpath.txt")" example.Consumer "$URL" pk_live_demo
