#!/usr/bin/env bash
# Regenerates native-connectors/tests/fixtures/json-converter.json from Kafka's real converter
# jars, so the Rust converters are checked against bytes Kafka itself produced.
# Needs: a JDK (javac), mvn, python3. Downloads go to ${CONNECT_GATEWAY_CACHE:-~/.cache/connect-gateway}.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURES="$ROOT/native-connectors/tests/fixtures"
CACHE="${CONNECT_GATEWAY_CACHE:-$HOME/.cache/connect-gateway}"
LIB="$CACHE/kafka-$KAFKA_VERSION-json-lib"
WORK="$CACHE/json-fixtures-build"

if [[ -z "${JAVA_HOME:-}" ]]; then
  javac_path="$(command -v javac || true)"
  if [[ -z "$javac_path" ]]; then
    echo "javac not found on PATH and JAVA_HOME unset" >&2
    exit 1
  fi
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$javac_path")")")"
  export JAVA_HOME
fi
JAVAC="$JAVA_HOME/bin/javac"
JAVA="$JAVA_HOME/bin/java"

mkdir -p "$LIB" "$WORK"
if ! ls "$LIB"/connect-runtime-"$KAFKA_VERSION".jar >/dev/null 2>&1; then
  cat >"$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.connect-gateway</groupId>
  <artifactId>json-fixtures</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-json</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-api</artifactId><version>$KAFKA_VERSION</version></dependency>
    <!-- only for ByteArrayConverter, which needs nothing beyond connect-api -->
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId><version>$KAFKA_VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>
  </dependencies>
</project>
POM
  (cd "$WORK" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$LIB" -Dmaven.repo.local="$CACHE/m2")
fi

python3 "$FIXTURES/json-converter-cases.py" "$FIXTURES/json-converter-cases.json"

CP="$(find "$LIB" -name '*.jar' | sort | tr '\n' ':')"
rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
"$JAVAC" -nowarn -d "$WORK/classes" -cp "$CP" "$FIXTURES/java/GenJsonFixtures.java"
"$JAVA" -cp "$WORK/classes:$CP" -Dkafka.version="$KAFKA_VERSION" GenJsonFixtures \
  "$FIXTURES/json-converter-cases.json" "$FIXTURES/json-converter.json"
echo "wrote $FIXTURES/json-converter.json"
