#!/usr/bin/env bash
# Runs a real Apache RocketMQ 5.x name server + broker (Java, jars from Maven Central) on 127.0.0.1
# for tests, benchmarks and local use. Needs a JDK (javac on PATH or JAVA_HOME) and mvn (first run only).
#
#   scripts/rocketmq.sh start [--acl]     start both, wait until a topic can be created; prints
#                                         `export ROCKETMQ_NAMESRV_ADDR=...` lines on stdout:
#                                         eval "$(scripts/rocketmq.sh start)"
#   scripts/rocketmq.sh stop              SIGTERM, wait, SIGKILL after ROCKETMQ_STOP_TIMEOUT s; removes the store
#   scripts/rocketmq.sh status            exit 0 running, 1 partly running (e.g. broker killed), 3 stopped
#   scripts/rocketmq.sh env               the export lines of the running instance
#   scripts/rocketmq.sh create-topic NAME [QUEUES] [more mqadmin updateTopic args, e.g. -a +cleanup.policy=COMPACTION]
#   scripts/rocketmq.sh kill-broker       kill -9 the broker (fault tests); the store stays
#   scripts/rocketmq.sh start-broker      start the broker again on the same store
#   scripts/rocketmq.sh restart-broker    graceful broker stop, then start-broker
#   scripts/rocketmq.sh check-acl         (ACL mode) right secret accepted, wrong secret / no credentials rejected
#   scripts/rocketmq.sh admin ARGS...     run mqadmin (MQAdminStartup) against the running instance
#   scripts/rocketmq.sh fetch             only download the jars
#
# Environment (defaults): ROCKETMQ_VERSION (5.3.3), ROCKETMQ_NAMESRV_PORT (9876), ROCKETMQ_BROKER_PORT (10911;
# the broker also uses port-2 (fast channel) and port+1 (HA, bound on all interfaces)),
# ROCKETMQ_STATE_DIR (<repo>/target/rocketmq), ROCKETMQ_MAX_MESSAGE_SIZE (4194304, the broker default),
# ROCKETMQ_ACL=1 (same as start --acl), ROCKETMQ_ACL_ACCESS_KEY (gateway), ROCKETMQ_ACL_SECRET_KEY
# (gateway-secret-123), ROCKETMQ_BROKER_HEAP (512m), ROCKETMQ_START_TIMEOUT (120 s), ROCKETMQ_STOP_TIMEOUT (SIGTERM
# to SIGKILL: 10 s for stop, 60 s for restart-broker; a graceful broker stop takes 8-20 s on 2 cores),
# ROCKETMQ_KEEP_ON_FAILURE=1 (keep the temp dir after a failed start), ROCKETMQ_TLS_SERVER_MODE (disabled;
# RocketMQ's own default is permissive), CONNECT_GATEWAY_CACHE (~/.cache/connect-gateway).
#
# ACL mode uses RocketMQ 5.3's ACL 2.0 authentication (the ACL 1.0 plain_acl.yml validator no longer exists in
# the 5.3 broker). Its remoting check verifies the ACL 1.0 AclClientRPCHook signature (ext fields AccessKey +
# Signature = Base64(HmacSHA1(secret, values of all ext fields sorted by key, then the body))), so
# rocketmq-client-rust's AclClientRPCHook + SessionCredentials work unchanged. Authorization stays off:
# any authenticated user may do anything; unsigned or wrongly signed requests to the broker are rejected.
# The name server does no authentication.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"

VERSION="${ROCKETMQ_VERSION:-5.3.3}"
CACHE="${CONNECT_GATEWAY_CACHE:-$HOME/.cache/connect-gateway}"
LIB="$CACHE/rocketmq-$VERSION-lib"
STATE_DIR="${ROCKETMQ_STATE_DIR:-$ROOT/target/rocketmq}"
STATE_FILE="$STATE_DIR/state"
ENV_FILE="$STATE_DIR/env"
START_TIMEOUT="${ROCKETMQ_START_TIMEOUT:-120}"
STOP_TIMEOUT="${ROCKETMQ_STOP_TIMEOUT:-}" # default: 10 s for stop (the store is deleted anyway), 60 s for restart-broker
CLUSTER=DefaultCluster
BROKER_NAME=broker-a
READY_TOPIC=connect-gateway-readiness
NAMESRV_CLASS=org.apache.rocketmq.namesrv.NamesrvStartup
BROKER_CLASS=org.apache.rocketmq.broker.BrokerStartup
ADMIN_CLASS=org.apache.rocketmq.tools.command.MQAdminStartup
MARKER=.connect-gateway-rocketmq

log() { echo "rocketmq.sh: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N 2>/dev/null || date +%s; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- jars
fetch_jars() {
  if [[ -f "$LIB/.complete" ]] && ls "$LIB"/rocketmq-broker-"$VERSION".jar "$LIB"/rocketmq-namesrv-"$VERSION".jar \
      "$LIB"/rocketmq-tools-"$VERSION".jar "$LIB"/rocketmq-client-"$VERSION".jar >/dev/null 2>&1; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found: needed once to download RocketMQ $VERSION into $LIB"
  local work="$CACHE/rocketmq-$VERSION-build"
  mkdir -p "$work" "$LIB"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.connect-gateway</groupId>
  <artifactId>rocketmq-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-namesrv</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-broker</artifactId><version>$VERSION</version></dependency>
    <!-- MQAdminStartup (mqadmin); rocketmq-client comes with the broker -->
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-tools</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
  log "downloading RocketMQ $VERSION jars into $LIB"
  (cd "$work" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$LIB" -Dmaven.repo.local="$CACHE/m2") >&2
  ls "$LIB"/rocketmq-broker-"$VERSION".jar "$LIB"/rocketmq-namesrv-"$VERSION".jar >/dev/null \
    || die "download finished but rocketmq-broker/namesrv $VERSION jars are missing from $LIB"
  touch "$LIB/.complete"
}

# ---------------------------------------------------------------- state and processes
load_state() {
  [[ -f "$STATE_FILE" ]] || return 1
  # shellcheck disable=SC1090
  source "$STATE_FILE"
}

save_state() {
  mkdir -p "$STATE_DIR"
  {
    for k in RMQ_TMP NAMESRV_PORT BROKER_PORT ACL ACL_ACCESS_KEY ACL_SECRET_KEY MAX_MESSAGE_SIZE STARTED_VERSION; do
      printf '%s=%q\n' "$k" "${!k}"
    done
  } >"$STATE_FILE.tmp"
  mv -f "$STATE_FILE.tmp" "$STATE_FILE"
}

pid_of() { cat "$STATE_DIR/$1.pid" 2>/dev/null || true; }

# alive PID CLASS: the pid runs (not a zombie) and is our java process (guards against pid reuse)
alive() {
  local pid="$1" class="$2" stat args
  [[ -n "$pid" ]] || return 1
  stat="$(ps -o stat= -p "$pid" 2>/dev/null)" || return 1
  [[ "$stat" != Z* ]] || return 1
  args="$(ps -ww -o args= -p "$pid" 2>/dev/null)" || return 1
  [[ "$args" == *"$class"* ]]
}

java_opts() { # ROLE -> fills the array OPTS
  local role="$1"
  OPTS=(-server -XX:+UseG1GC -XX:-UseLargePages -XX:-OmitStackTraceInFastThrow
    -XX:ActiveProcessorCount="${ROCKETMQ_CPUS:-2}"
    -Duser.home="$RMQ_TMP" -Drocketmq.home.dir="$RMQ_TMP" -Djava.io.tmpdir="$RMQ_TMP/tmp")
  if "$JAVA" --version >/dev/null 2>&1; then # JDK 9+: the store casts to sun.nio.ch.DirectBuffer
    OPTS+=(--add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
      --add-opens java.base/java.util=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED)
  fi
  if (( MAX_MESSAGE_SIZE > 15 * 1024 * 1024 )); then # the remoting frame limit is 16 MiB by default
    OPTS+=(-Dcom.rocketmq.remoting.frameMaxLength=$((MAX_MESSAGE_SIZE + 1024 * 1024)))
  fi
  # TLS "permissive" (the default) generates a self-signed certificate at boot: ~3 s per server on 2 cores
  [[ "$role" == admin ]] || OPTS+=(-Dtls.server.mode="${ROCKETMQ_TLS_SERVER_MODE:-disabled}")
  case "$role" in
    namesrv) OPTS+=(-Xms256m -Xmx256m -XX:MaxMetaspaceSize=128m -Drmq.logback.configurationFile=rmq.namesrv.logback.xml) ;;
    broker) OPTS+=(-Xms"${ROCKETMQ_BROKER_HEAP:-512m}" -Xmx"${ROCKETMQ_BROKER_HEAP:-512m}" -XX:MaxDirectMemorySize=256m
      -XX:MaxMetaspaceSize=256m -Drmq.logback.configurationFile=rmq.broker.logback.xml) ;;
    admin) OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms32m -Xmx256m "${OPTS[@]:3}"
      -Drmq.logback.configurationFile=rmq.tools.logback.xml) ;;
  esac
  OPTS+=(-cp "$LIB/*")
}

# launch NAME CLASS ARGS...: detached java process; its pid goes to $STATE_DIR/NAME.pid
launch() {
  local name="$1" class="$2"; shift 2
  local out="$STATE_DIR/$name.out" pidfile="$STATE_DIR/$name.pid"
  [[ -f "$out" ]] && mv -f "$out" "$out.1"
  rm -f "$pidfile"
  java_opts "$name"
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  ROCKETMQ_HOME="$RMQ_TMP" "${detach[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" \
    "$JAVA" "${OPTS[@]}" "$class" "$@" >"$out" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do [[ -s "$pidfile" ]] && return 0; sleep 0.05; done
  die "could not launch $name"
}

show_logs() {
  local f
  for f in "$STATE_DIR/namesrv.out" "$STATE_DIR/broker.out" \
      "${RMQ_TMP:-/nonexistent}/logs/rocketmqlogs/namesrv.log" "${RMQ_TMP:-/nonexistent}/logs/rocketmqlogs/broker.log"; do
    [[ -s "$f" ]] || continue
    echo "----- tail $f" >&2
    tail -n 30 "$f" >&2
  done
}

# wait_line NAME CLASS TEXT DEADLINE_EPOCH
wait_line() {
  local name="$1" class="$2" text="$3" deadline="$4" pid
  pid="$(pid_of "$name")"
  while :; do
    grep -qF "$text" "$STATE_DIR/$name.out" 2>/dev/null && return 0
    if ! alive "$pid" "$class"; then log "$name (pid $pid) exited before \"$text\""; return 1; fi
    if (( $(date +%s) > deadline )); then log "timed out waiting for $name: \"$text\""; return 1; fi
    sleep 0.2
  done
}

# admin ARGS...: mqadmin against our name server. In ACL mode it signs with $RMQ_TMP/conf/tools.yml
# (MQAdminStartup reads ${rocketmq.home.dir}/conf/tools.yml); ADMIN_HOME overrides that directory.
# MQAdminStartup exits 0 even when the command failed, so callers check the output.
admin() {
  java_opts admin
  local home="${ADMIN_HOME:-$RMQ_TMP}" to=()
  command -v timeout >/dev/null && to=(timeout 120)
  "${to[@]}" "$JAVA" "${OPTS[@]}" -Drocketmq.home.dir="$home" "$ADMIN_CLASS" "$@" -n "127.0.0.1:$NAMESRV_PORT" 2>&1 9>&-
}

create_topic() { # NAME QUEUES [ARGS...]
  local name="$1" queues="$2" out; shift 2
  out="$(admin updateTopic -c "$CLUSTER" -t "$name" -r "$queues" -w "$queues" "$@")" || true
  if [[ "$out" == *"create topic to 127.0.0.1:$BROKER_PORT success"* ]]; then return 0; fi
  printf '%s\n' "$out" >&2
  return 1
}

# The broker is registered with the name server (clusterList lists it) and a topic can be created on it.
# The boot line is not enough: the registration inside BrokerController.start() only goes to name
# servers that its client's background scan has already marked available, and when the scan loses
# that race (often on 2 cores, mostly on restarts) the first registration is the periodic one 10 s later.
# Each mqadmin run costs 3-7 s, mostly its client shutdown (ServiceThread joins, netty graceful
# shutdown), so the two checks run in parallel.
wait_broker_ready() {
  local deadline="$1" cl="$STATE_DIR/clusterList.out"
  while :; do
    admin clusterList >"$cl" 2>&1 &
    local clpid=$! ok=0
    create_topic "$READY_TOPIC" 1 2>/dev/null && ok=1
    wait "$clpid" || true
    local listed=0
    grep -qE "^$CLUSTER +$BROKER_NAME +0 +127\.0\.0\.1:$BROKER_PORT " "$cl" && listed=1
    if ((ok && listed)); then
      rm -f "$cl"
      return 0
    fi
    log "not ready yet (clusterList lists $BROKER_NAME: $listed, topic created: $ok)"
    if ! alive "$(pid_of broker)" "$BROKER_CLASS"; then log "broker exited before it was ready"; return 1; fi
    if (( $(date +%s) > deadline )); then
      log "timed out waiting for the broker to register and accept a topic; last clusterList:"
      cat "$cl" >&2
      create_topic "$READY_TOPIC" 1 || true
      return 1
    fi
    sleep 1
  done
}

start_broker_process() { # DEADLINE
  local t0; t0="$(now)"
  launch broker "$BROKER_CLASS" -c "$RMQ_TMP/conf/broker.conf"
  wait_line broker "$BROKER_CLASS" "The broker[$BROKER_NAME, 127.0.0.1:$BROKER_PORT] boot success" "$1" || return 1
  log "broker boot line after $(elapsed "$t0")s (pid $(pid_of broker)); checking registration and topic creation"
  wait_broker_ready "$1"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_env() {
  {
    printf 'export ROCKETMQ_NAMESRV_ADDR=%q\n' "127.0.0.1:$NAMESRV_PORT"
    printf 'export ROCKETMQ_BROKER_ADDR=%q\n' "127.0.0.1:$BROKER_PORT"
    printf 'export ROCKETMQ_CLUSTER_NAME=%q\n' "$CLUSTER"
    printf 'export ROCKETMQ_BROKER_NAME=%q\n' "$BROKER_NAME"
    printf 'export ROCKETMQ_MAX_MESSAGE_SIZE=%q\n' "$MAX_MESSAGE_SIZE"
    printf 'export ROCKETMQ_STORE_DIR=%q\n' "$RMQ_TMP/store"
    if [[ "$ACL" == 1 ]]; then
      printf 'export ROCKETMQ_ACL=1\n'
      printf 'export ROCKETMQ_ACL_ACCESS_KEY=%q\n' "$ACL_ACCESS_KEY"
      printf 'export ROCKETMQ_ACL_SECRET_KEY=%q\n' "$ACL_SECRET_KEY"
    fi
  } >"$ENV_FILE"
}

write_configs() {
  mkdir -p "$RMQ_TMP/conf" "$RMQ_TMP/store" "$RMQ_TMP/tmp"
  cat >"$RMQ_TMP/conf/namesrv.conf" <<EOF
listenPort=$NAMESRV_PORT
bindAddress=127.0.0.1
EOF
  cat >"$RMQ_TMP/conf/broker.conf" <<EOF
brokerClusterName=$CLUSTER
brokerName=$BROKER_NAME
brokerId=0
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
namesrvAddr=127.0.0.1:$NAMESRV_PORT
brokerIP1=127.0.0.1
brokerIP2=127.0.0.1
bindAddress=127.0.0.1
listenPort=$BROKER_PORT
haListenPort=$((BROKER_PORT + 1))
storePathRootDir=$RMQ_TMP/store
storePathCommitLog=$RMQ_TMP/store/commitlog
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
defaultTopicQueueNums=4
enablePropertyFilter=true
maxMessageSize=$MAX_MESSAGE_SIZE
# small files for CI disks (the broker maps them sparsely; defaults 1 GiB / 6 MB / 420 MB / 100 MB)
mappedFileSizeCommitLog=67108864
mappedFileSizeConsumeQueue=1200000
maxHashSlotNum=100000
maxIndexNum=400000
mappedFileSizeTimerLog=8388608
compactionMappedFileSize=16777216
compactionCqMappedFileSize=1048576
maxOffsetMapSize=16777216
EOF
  if [[ "$ACL" == 1 ]]; then
    cat >>"$RMQ_TMP/conf/broker.conf" <<EOF
# ACL 2.0 authentication; checks the ACL 1.0 AclClientRPCHook signature on the remoting protocol
authenticationEnabled=true
authenticationProvider=org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider
authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider
initAuthenticationUser={"username":"$ACL_ACCESS_KEY","password":"$ACL_SECRET_KEY"}
innerClientAuthenticationCredentials={"accessKey":"$ACL_ACCESS_KEY","secretKey":"$ACL_SECRET_KEY"}
authorizationEnabled=false
EOF
    # read by MQAdminStartup (readiness checks, create-topic)
    printf 'accessKey: %s\nsecretKey: %s\n' "$ACL_ACCESS_KEY" "$ACL_SECRET_KEY" >"$RMQ_TMP/conf/tools.yml"
  fi
}

kill_pid() { # NAME CLASS: SIGTERM, wait, SIGKILL
  local name="$1" class="$2" pid t0 i
  pid="$(pid_of "$name")"
  if alive "$pid" "$class"; then
    t0="$(now)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do alive "$pid" "$class" || break; sleep 0.2; done
    if alive "$pid" "$class"; then
      log "$name (pid $pid) still running after ${STOP_TIMEOUT}s: kill -9"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do alive "$pid" "$class" || break; sleep 0.1; done
    fi
    log "stopped $name (pid $pid) in $(elapsed "$t0")s"
  fi
  rm -f "$STATE_DIR/$name.pid"
}

remove_tmp() {
  if [[ -n "${RMQ_TMP:-}" && -f "$RMQ_TMP/$MARKER" ]]; then
    rm -rf "$RMQ_TMP"
  fi
}

# Serialises commands that change the instance. The java processes must not inherit fd 9 (launch
# and admin close it), or they would hold the lock for their lifetime.
lock() {
  mkdir -p "$STATE_DIR"
  if command -v flock >/dev/null; then
    exec 9>"$STATE_DIR/cmd.lock"
    flock -w 300 9 || die "could not lock $STATE_DIR/cmd.lock within 300 s (another rocketmq.sh command running?)"
  fi
}

# ---------------------------------------------------------------- commands
cmd_start() {
  ACL="${ROCKETMQ_ACL:-0}"
  while (($#)); do
    case "$1" in
      --acl) ACL=1 ;;
      *) die "start: unknown option $1" ;;
    esac
    shift
  done
  [[ "$ACL" == 1 ]] || ACL=0
  lock
  if load_state; then
    local ns=0 br=0
    alive "$(pid_of namesrv)" "$NAMESRV_CLASS" && ns=1
    alive "$(pid_of broker)" "$BROKER_CLASS" && br=1
    if ((ns && br)); then
      log "already running: name server 127.0.0.1:$NAMESRV_PORT, broker 127.0.0.1:$BROKER_PORT (acl=$ACL), store $RMQ_TMP/store"
      cat "$ENV_FILE"
      return 0
    elif ((ns || br)); then
      die "partly running (name server up: $ns, broker up: $br); use '$0 start-broker' or '$0 stop'"
    fi
    log "removing stale state of a dead instance ($RMQ_TMP)"
    remove_tmp
    rm -f "$STATE_FILE" "$ENV_FILE"
  fi

  NAMESRV_PORT="${ROCKETMQ_NAMESRV_PORT:-9876}"
  BROKER_PORT="${ROCKETMQ_BROKER_PORT:-10911}"
  MAX_MESSAGE_SIZE="${ROCKETMQ_MAX_MESSAGE_SIZE:-4194304}"
  ACL_ACCESS_KEY="${ROCKETMQ_ACL_ACCESS_KEY:-gateway}"
  ACL_SECRET_KEY="${ROCKETMQ_ACL_SECRET_KEY:-gateway-secret-123}"
  # shellcheck disable=SC2034 # written to the state file by save_state
  STARTED_VERSION="$VERSION"
  [[ "$NAMESRV_PORT$BROKER_PORT$MAX_MESSAGE_SIZE" =~ ^[0-9]+$ ]] || die "ports and max message size must be numbers"
  if [[ "$ACL" == 1 ]]; then
    local re='^[A-Za-z0-9_.@+=/-]{6,}$' # written into JSON and properties unescaped
    [[ "$ACL_ACCESS_KEY" =~ $re && "$ACL_SECRET_KEY" =~ $re ]] ||
      die "ROCKETMQ_ACL_ACCESS_KEY/SECRET_KEY: at least 6 characters of A-Z a-z 0-9 _ . @ + = / -"
  fi
  local p
  for p in "$NAMESRV_PORT" "$BROKER_PORT" $((BROKER_PORT - 2)) $((BROKER_PORT + 1)); do
    port_busy "$p" && die "port $p on 127.0.0.1 is in use (set ROCKETMQ_NAMESRV_PORT / ROCKETMQ_BROKER_PORT)"
  done

  cg_require_java
  fetch_jars
  local t0; t0="$(now)"
  RMQ_TMP="$(mktemp -d "${TMPDIR:-/tmp}/connect-gateway-rocketmq.XXXXXX")"
  touch "$RMQ_TMP/$MARKER"
  write_configs
  save_state
  trap 'start_failed' EXIT
  local deadline=$(($(date +%s) + START_TIMEOUT))

  launch namesrv "$NAMESRV_CLASS" -c "$RMQ_TMP/conf/namesrv.conf"
  wait_line namesrv "$NAMESRV_CLASS" "The Name Server boot success" "$deadline"
  log "name server up on 127.0.0.1:$NAMESRV_PORT after $(elapsed "$t0")s (pid $(pid_of namesrv))"
  start_broker_process "$deadline"
  write_env
  trap - EXIT
  log "broker $BROKER_NAME up on 127.0.0.1:$BROKER_PORT (pid $(pid_of broker), acl=$ACL); store $RMQ_TMP/store"
  log "started in $(elapsed "$t0")s"
  cat "$ENV_FILE"
}

start_failed() {
  local rc=$?
  ((rc != 0)) || return 0
  log "start failed"
  show_logs
  STOP_TIMEOUT="${STOP_TIMEOUT:-10}"
  kill_pid broker "$BROKER_CLASS"
  kill_pid namesrv "$NAMESRV_CLASS"
  if [[ "${ROCKETMQ_KEEP_ON_FAILURE:-0}" == 1 ]]; then
    log "kept $RMQ_TMP (ROCKETMQ_KEEP_ON_FAILURE=1); run '$0 stop' to remove it"
  else
    remove_tmp
    rm -f "$STATE_FILE" "$ENV_FILE"
  fi
  exit "$rc"
}

cmd_stop() {
  lock
  if ! load_state; then
    log "not running (no state in $STATE_DIR)"
    return 0
  fi
  STOP_TIMEOUT="${STOP_TIMEOUT:-10}"
  kill_pid broker "$BROKER_CLASS"   # first, so it can unregister from the name server
  kill_pid namesrv "$NAMESRV_CLASS"
  remove_tmp
  rm -f "$STATE_FILE" "$ENV_FILE"
  log "stopped; removed ${RMQ_TMP:-?}"
}

cmd_status() {
  if ! load_state; then
    log "stopped"
    return 3
  fi
  local ns=0 br=0
  alive "$(pid_of namesrv)" "$NAMESRV_CLASS" && ns=1
  alive "$(pid_of broker)" "$BROKER_CLASS" && br=1
  log "name server 127.0.0.1:$NAMESRV_PORT: $( ((ns)) && echo "running, pid $(pid_of namesrv)" || echo down)"
  log "broker      127.0.0.1:$BROKER_PORT: $( ((br)) && echo "running, pid $(pid_of broker)" || echo down) (acl=$ACL)"
  log "store       $RMQ_TMP/store ($(du -sh "$RMQ_TMP/store" 2>/dev/null | cut -f1) on disk)"
  log "logs        $STATE_DIR/{namesrv,broker}.out $RMQ_TMP/logs/rocketmqlogs/"
  if ((ns && br)); then return 0; elif ((ns || br)); then return 1; else return 3; fi
}

cmd_env() {
  load_state && alive "$(pid_of namesrv)" "$NAMESRV_CLASS" && [[ -f "$ENV_FILE" ]] ||
    die "not running (start it with: $0 start)"
  cat "$ENV_FILE"
}

require_running_namesrv() {
  load_state || die "not running (start it with: $0 start)"
  alive "$(pid_of namesrv)" "$NAMESRV_CLASS" || die "name server is down; run '$0 stop' then '$0 start'"
  cg_require_java
}

cmd_kill_broker() {
  lock
  require_running_namesrv
  local pid i; pid="$(pid_of broker)"
  alive "$pid" "$BROKER_CLASS" || { log "broker is not running"; return 0; }
  kill -KILL "$pid"
  for ((i = 0; i < 100; i++)); do alive "$pid" "$BROKER_CLASS" || break; sleep 0.1; done
  alive "$pid" "$BROKER_CLASS" && die "broker pid $pid survived kill -9"
  rm -f "$STATE_DIR/broker.pid"
  log "killed broker (pid $pid, SIGKILL); store kept at $RMQ_TMP/store"
}

cmd_start_broker() {
  lock
  require_running_namesrv
  if alive "$(pid_of broker)" "$BROKER_CLASS"; then
    log "broker already running (pid $(pid_of broker))"
    return 0
  fi
  local t0; t0="$(now)"
  if ! start_broker_process $(($(date +%s) + START_TIMEOUT)); then
    show_logs
    STOP_TIMEOUT="${STOP_TIMEOUT:-10}"
    kill_pid broker "$BROKER_CLASS"
    die "broker did not come back (instance left running; '$0 stop' cleans up)"
  fi
  log "broker up again on 127.0.0.1:$BROKER_PORT (pid $(pid_of broker)) in $(elapsed "$t0")s, same store $RMQ_TMP/store"
}

cmd_restart_broker() {
  (
    lock
    require_running_namesrv
    STOP_TIMEOUT="${STOP_TIMEOUT:-60}" # a clean shutdown, so the restart takes the normal recovery path
    kill_pid broker "$BROKER_CLASS"
  )
  cmd_start_broker
}

cmd_create_topic() {
  (($# >= 1)) || die "usage: $0 create-topic NAME [QUEUES] [updateTopic args...]"
  local name="$1" queues="${2:-4}"
  shift; (($#)) && shift
  require_running_namesrv
  create_topic "$name" "$queues" "$@" || die "could not create topic $name"
  log "topic $name created with $queues queues on $BROKER_NAME"
}

cmd_admin() {
  require_running_namesrv
  admin "$@"
}

cmd_check_acl() {
  require_running_namesrv
  [[ "$ACL" == 1 ]] || die "the running instance was not started with --acl"
  local bad ok=1 out
  bad="$(mktemp -d)"
  mkdir -p "$bad/conf" "$bad/none/conf"
  printf 'accessKey: %s\nsecretKey: %s\n' "$ACL_ACCESS_KEY" "wrong-$ACL_SECRET_KEY" >"$bad/conf/tools.yml"
  if create_topic "$READY_TOPIC" 1 2>/dev/null; then log "right secret: accepted"; else log "right secret: REJECTED"; ok=0; fi
  out="$(ADMIN_HOME="$bad" admin updateTopic -c "$CLUSTER" -t "$READY_TOPIC" -r 1 -w 1)" || true
  if [[ "$out" == *"check signature failed"* ]]; then log "wrong secret: rejected (check signature failed)"
  else log "wrong secret: NOT rejected as expected:"; printf '%s\n' "$out" | tail -5 >&2; ok=0; fi
  out="$(ADMIN_HOME="$bad/none" admin updateTopic -c "$CLUSTER" -t "$READY_TOPIC" -r 1 -w 1)" || true
  if [[ "$out" == *"success"* ]]; then log "no credentials: NOT rejected"; ok=0
  else log "no credentials: rejected ($(printf '%s\n' "$out" | grep -o 'username cannot be null' | head -1))"; fi
  rm -rf "$bad"
  ((ok)) || die "ACL check failed"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; }

cmd="${1:-}"
(($#)) && shift
case "$cmd" in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  fetch) cg_require_java; fetch_jars; log "jars in $LIB" ;;
  create-topic) cmd_create_topic "$@" ;;
  kill-broker) cmd_kill_broker ;;
  start-broker) cmd_start_broker ;;
  restart-broker) cmd_restart_broker ;;
  check-acl) cmd_check_acl ;;
  admin) cmd_admin "$@" ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
