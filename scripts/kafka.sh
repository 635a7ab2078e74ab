#!/usr/bin/env bash
# A real Apache Kafka 4.x on this machine, for the side-by-side compatibility harness
# (scripts/compat.sh): a single-node KRaft broker (combined broker + controller), a Kafka Connect
# distributed worker and a Kafka Connect standalone worker, all on 127.0.0.1, with Kafka's
# connect-file plugin (FileStreamSource/FileStreamSink) on plugin.path.
#
#   scripts/kafka.sh fetch     download the jars (cached; nothing to do when present)
#   scripts/kafka.sh start     fetch, start all three, wait until ready, print export lines
#   scripts/kafka.sh status    say what runs; exit 1 if something is down
#   scripts/kafka.sh env       print the export lines of the running set
#   scripts/kafka.sh stop      stop what `start` started (idempotent)
#
# `eval "$(scripts/kafka.sh start)"` sets KAFKA_BOOTSTRAP, KAFKA_CONNECT_URL and
# KAFKA_CONNECT_STANDALONE_URL. Progress goes to stderr, the export lines to stdout and to
# target/kafka/env.sh. Logs: target/kafka/logs/. Data: a temporary directory removed by `stop`.
#
# Environment: KAFKA_VERSION (default below), KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), KAFKA_CONNECT_PORT (18083),
# KAFKA_CONNECT_STANDALONE_PORT (18084), KAFKA_HEAP (-Xmx512m), KAFKA_START_TIMEOUT (180 s),
# CONNECT_GATEWAY_CACHE (~/.cache/connect-gateway). Needs a JDK 17+ (javac on PATH or JAVA_HOME),
# mvn and curl.
set -euo pipefail

# The newest 4.x for which kafka_2.13, connect-runtime, connect-json, connect-transforms AND
# connect-file all resolve. (4.4.0 has every artifact but connect-file; connect-file 4.3.1 does not
# load on a 4.4.0 runtime: it calls org.apache.kafka.common.utils.AppInfoParser, which 4.4 moved.)
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_CONNECT_PORT="${KAFKA_CONNECT_PORT:-18083}"
KAFKA_CONNECT_STANDALONE_PORT="${KAFKA_CONNECT_STANDALONE_PORT:-18084}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms128m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CONNECT_GATEWAY_CACHE:-$HOME/.cache/connect-gateway}"
DIST="$CACHE/kafka-$KAFKA_VERSION-dist"
LIB="$DIST/lib"
PLUGINS="$DIST/plugins"
STATE="$ROOT/target/kafka"
HOST=127.0.0.1

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

find_java() {
  if [[ -z "${JAVA_HOME:-}" ]]; then
    local javac_path
    javac_path="$(command -v javac || true)"
    [[ -n "$javac_path" ]] || die "javac not found on PATH and JAVA_HOME unset"
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$javac_path")")")"
    export JAVA_HOME
  fi
  JAVA="$JAVA_HOME/bin/java"
  [[ -x "$JAVA" ]] || die "no java at $JAVA"
}

# mvn copy-dependencies of one generated pom into $2; $1 holds the <dependency> elements.
mvn_copy() {
  local deps="$1" out="$2" work
  work="$(mktemp -d "${TMPDIR:-/tmp}/kafka-fetch.XXXXXX")"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.connect-gateway</groupId>
  <artifactId>kafka-dist</artifactId>
  <version>1</version>
  <dependencies>
$deps
  </dependencies>
</project>
POM
  local rc=0
  (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$out" -Dmaven.repo.local="$CACHE/m2") >"$work/mvn.log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    grep -E '^\[ERROR\]' "$work/mvn.log" | head -3 >&2 || true
  fi
  rm -rf "$work"
  return $rc
}

dep() { echo "    <dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }

cmd_fetch() {
  if [[ -f "$DIST/complete" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found"
  rm -rf "$DIST" && mkdir -p "$LIB" "$PLUGINS/connect-file"
  log "fetching Apache Kafka $KAFKA_VERSION (broker, Connect runtime, json, transforms) into $LIB"
  local deps log4j
  deps="$(dep org.apache.kafka kafka_2.13 "$KAFKA_VERSION")
$(dep org.apache.kafka connect-runtime "$KAFKA_VERSION")
$(dep org.apache.kafka connect-json "$KAFKA_VERSION")
$(dep org.apache.kafka connect-transforms "$KAFKA_VERSION")"
  mvn_copy "$deps" "$LIB" || die "could not resolve Kafka $KAFKA_VERSION"
  # Kafka's distribution binds slf4j (1.7 API) to log4j2 as its libs/ directory does.
  log4j="$(basename "$(ls "$LIB"/log4j-core-*.jar)" .jar)"
  log4j="${log4j#log4j-core-}"
  mvn_copy "$(dep org.apache.logging.log4j log4j-slf4j-impl "$log4j")" "$LIB" \
    || die "could not resolve log4j-slf4j-impl $log4j"
  # connect-file goes on plugin.path only: in a distribution it is a plugin, loaded in isolation.
  mvn_copy "    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-file</artifactId><version>$KAFKA_VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>" \
    "$PLUGINS/connect-file" || die "connect-file $KAFKA_VERSION does not resolve (the harness needs all of kafka_2.13, connect-runtime, connect-json, connect-transforms and connect-file at one version)"
  touch "$DIST/complete"
  log "fetched $(ls "$LIB" | wc -l) jars; connect-file on plugin.path"
}

# --- process bookkeeping -------------------------------------------------------------------
# Every JVM we start carries -Dconnect.gateway.kafka.state=$STATE so stop never touches another
# process that happens to reuse a recorded pid.
MARK="-Dconnect.gateway.kafka.state=$STATE"

ours() { # pid -> true if alive and started by this script for this $STATE
  local pid="$1" cmdline
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *"$MARK"* ]]
}

pid_of() { cat "$STATE/$1.pid" 2>/dev/null || true; }

running() { ours "$(pid_of "$1")"; }

launch() { # name main-class args...
  local name="$1" main="$2"
  shift 2
  # shellcheck disable=SC2086
  setsid "$JAVA" $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "$MARK" -Dlog4j2.configurationFile="$STATE/config/log4j2.properties" \
    -Dkafka.logs.dir="$STATE/logs" -cp "$LIB/*" "$main" "$@" \
    >"$STATE/logs/$name.out" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

wait_for() { # description deadline-epoch check-command...
  local what="$1" deadline="$2" name="$3"
  shift 3
  until "$@"; do
    running "$name" || { tail -30 "$STATE/logs/$name.out" >&2; die "$what: process exited (log: $STATE/logs/$name.out)"; }
    (($(date +%s) < deadline)) || die "$what: not ready after ${KAFKA_START_TIMEOUT}s (log: $STATE/logs/$name.out)"
    sleep 0.5
  done
}

connect_ready() { # url
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health")" == 200 ]] &&
    curl -sf "$1/connector-plugins" | grep -q 'FileStreamSourceConnector'
}

env_lines() {
  cat <<EOF
export KAFKA_VERSION=$KAFKA_VERSION
export KAFKA_BOOTSTRAP=$HOST:$KAFKA_PORT
export KAFKA_CONNECT_URL=http://$HOST:$KAFKA_CONNECT_PORT
export KAFKA_CONNECT_STANDALONE_URL=http://$HOST:$KAFKA_CONNECT_STANDALONE_PORT
EOF
}

write_configs() {
  local data="$1"
  mkdir -p "$STATE/config"
  cat >"$STATE/config/log4j2.properties" <<EOF
# Only the root logger is configured, so GET /admin/loggers starts as {"root": ...}.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
EOF
  cat >"$STATE/config/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/kraft
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
share.coordinator.state.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  local common
  common="bootstrap.servers=$HOST:$KAFKA_PORT
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
plugin.path=$PLUGINS
rest.advertised.host.name=$HOST"
  cat >"$STATE/config/connect-distributed.properties" <<EOF
$common
listeners=http://$HOST:$KAFKA_CONNECT_PORT
group.id=connect-compat
config.storage.topic=connect-compat-configs
offset.storage.topic=connect-compat-offsets
status.storage.topic=connect-compat-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
offset.storage.partitions=1
status.storage.replication.factor=1
status.storage.partitions=1
EOF
  cat >"$STATE/config/connect-standalone.properties" <<EOF
$common
listeners=http://$HOST:$KAFKA_CONNECT_STANDALONE_PORT
offset.storage.file.filename=$data/connect-standalone.offsets
EOF
}

cmd_start() {
  if running broker && running connect-distributed && running connect-standalone; then
    log "already running"
    cmd_env
    return 0
  fi
  cmd_stop 2>/dev/null || true
  cmd_fetch
  find_java
  command -v curl >/dev/null || die "curl not found"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_CONNECT_PORT" "$KAFKA_CONNECT_STANDALONE_PORT"; do
    port_open "$p" && die "port $p on $HOST is already in use"
  done
  local t0 data cid deadline
  t0=$(date +%s%N)
  mkdir -p "$STATE/logs"
  rm -f "$STATE"/logs/*
  data="$(mktemp -d "${TMPDIR:-/tmp}/connect-gateway-kafka.XXXXXX")"
  echo "$data" >"$STATE/data-dir"
  cid="$("$JAVA" -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  write_configs "$data"
  "$JAVA" -Xmx256m -cp "$LIB/*" -Dlog4j2.configurationFile="$STATE/config/log4j2.properties" \
    kafka.tools.StorageTool format --standalone -t "$cid" -c "$STATE/config/server.properties" \
    >"$STATE/logs/storage-format.out" 2>&1 || { cat "$STATE/logs/storage-format.out" >&2; die "storage format failed"; }
  log "starting Kafka $KAFKA_VERSION broker (KRaft, cluster $cid) on $HOST:$KAFKA_PORT"
  launch broker kafka.Kafka "$STATE/config/server.properties"
  deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
  wait_for "broker" "$deadline" broker grep -q "Kafka Server started" "$STATE/logs/broker.out"
  log "broker up after $((($(date +%s%N) - t0) / 1000000)) ms; starting Connect workers"
  launch connect-distributed org.apache.kafka.connect.cli.ConnectDistributed "$STATE/config/connect-distributed.properties"
  launch connect-standalone org.apache.kafka.connect.cli.ConnectStandalone "$STATE/config/connect-standalone.properties"
  wait_for "Connect distributed worker" "$deadline" connect-distributed connect_ready "http://$HOST:$KAFKA_CONNECT_PORT"
  wait_for "Connect standalone worker" "$deadline" connect-standalone connect_ready "http://$HOST:$KAFKA_CONNECT_STANDALONE_PORT"
  env_lines >"$STATE/env.sh"
  log "ready in $((($(date +%s%N) - t0) / 1000000)) ms (broker + Connect distributed + standalone)"
  cat "$STATE/env.sh"
}

stop_one() {
  local name="$1" pid i
  pid="$(pid_of "$name")"
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 60); do
      ours "$pid" || break
      sleep 0.5
    done
    if ours "$pid"; then
      log "$name (pid $pid) did not stop in 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$STATE/$name.pid"
}

cmd_stop() {
  stop_one connect-standalone
  stop_one connect-distributed
  stop_one broker
  local data
  data="$(cat "$STATE/data-dir" 2>/dev/null || true)"
  if [[ -n "$data" && -d "$data" && "$data" == */connect-gateway-kafka.* ]]; then
    rm -rf "$data"
  fi
  rm -f "$STATE/data-dir" "$STATE/env.sh"
}

cmd_status() {
  local rc=0 name
  for name in broker connect-distributed connect-standalone; do
    if running "$name"; then
      echo "$name: running (pid $(pid_of "$name"))"
    else
      echo "$name: stopped"
      rc=1
    fi
  done
  return $rc
}

cmd_env() {
  [[ -f "$STATE/env.sh" ]] || die "not running (scripts/kafka.sh start)"
  cat "$STATE/env.sh"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 fetch|start|stop|status|env" >&2
    exit 2
    ;;
esac
