#!/usr/bin/env bash
# Side-by-side compatibility: the same REST scenarios against Apache Kafka Connect (started by
# scripts/kafka.sh unless already running) and the gateway (started here on a free port with a
# temporary directory). Prints the table and writes it to target/compat/table.md.
#
#   scripts/compat.sh                   run the suite (exit 1 on an unexplained difference)
#   scripts/compat.sh --update-readme   then replace README.md's Compatibility section
#                                       (between <!-- compat:begin --> and <!-- compat:end -->)
#
# Environment: GATEWAY_BIN (default: `cargo build -p gateway`, target/debug/connect-gateway),
# COMPAT_ONLY=scenario,... (run a subset; stale allow-list entries are then not reported),
# COMPAT_KEEP_KAFKA=1 (leave a Kafka this script started running), CARGO_TARGET_DIR (honoured).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/compat"
update_readme=false
for arg in "$@"; do
  case "$arg" in
    --update-readme) update_readme=true ;;
    *) echo "usage: $0 [--update-readme]" >&2; exit 2 ;;
  esac
done
log() { echo "compat.sh: $*" >&2; }
if $update_readme && [[ -n "${COMPAT_ONLY:-}" ]]; then
  log "--update-readme needs the full suite (unset COMPAT_ONLY)"
  exit 2
fi
mkdir -p "$OUT"

started_kafka=false
gateway_pid=""
work=""
cleanup() {
  if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  [[ -n "$work" ]] && rm -rf "$work"
  if $started_kafka && [[ "${COMPAT_KEEP_KAFKA:-0}" != 1 ]]; then
    scripts/kafka.sh stop || true
  fi
}
trap cleanup EXIT

# 1. Kafka: broker + Connect distributed + Connect standalone.
t0=$(date +%s)
if scripts/kafka.sh status >/dev/null 2>&1; then
  log "using the running Kafka (scripts/kafka.sh status)"
else
  started_kafka=true
  scripts/kafka.sh start >/dev/null
fi
eval "$(scripts/kafka.sh env)"

# 2. The gateway, configured like the Kafka workers (same converters, same flush interval), with
# the RocketMQ Connect REST API off (the suite does not use it; 8082 may be taken).
if [[ -z "${GATEWAY_BIN:-}" ]]; then
  log "building the gateway"
  cargo build --quiet -p gateway --bin connect-gateway
  GATEWAY_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/connect-gateway"
fi
[[ -x "$GATEWAY_BIN" ]] || { log "no gateway binary at $GATEWAY_BIN"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=18190
while port_open "$port"; do port=$((port + 1)); done
work="$(mktemp -d "${TMPDIR:-/tmp}/connect-gateway-compat.XXXXXX")"
cat >"$work/worker.properties" <<EOF
listeners=http://127.0.0.1:$port
rocketmq.rest.listeners=
rest.advertised.host.name=127.0.0.1
offset.storage.file.filename=$work/connect.offsets
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
EOF
"$GATEWAY_BIN" standalone "$work/worker.properties" >"$OUT/gateway.log" 2>&1 &
gateway_pid=$!
export GATEWAY_URL="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY_URL/")" == 200 ]] && break
  kill -0 "$gateway_pid" 2>/dev/null || { tail -20 "$OUT/gateway.log" >&2; log "gateway exited"; exit 1; }
  sleep 0.2
done
log "Kafka $KAFKA_VERSION at $KAFKA_CONNECT_URL (distributed), $KAFKA_CONNECT_STANDALONE_URL (standalone); gateway at $GATEWAY_URL ($(( $(date +%s) - t0 ))s)"

# 3. The suite.
rm -f "$OUT/table.md" "$OUT/readme-section.md" "$OUT/failures.md"
set +e
COMPAT_OUT_DIR="$OUT" cargo test --quiet -p compat-tests --test compat 2>&1 | tee "$OUT/test-output.txt" | grep -E '^(test result|compat: )'
rc=${PIPESTATUS[0]}
set -e
[[ -f "$OUT/table.md" ]] || { log "the suite wrote no table (see $OUT/test-output.txt)"; tail -30 "$OUT/test-output.txt" >&2; exit 1; }
echo
cat "$OUT/table.md"
if [[ $rc -ne 0 ]]; then
  echo
  echo "Unexplained differences (also in $OUT/failures.md):"
  cat "$OUT/failures.md"
  log "FAILED: differences from Kafka Connect that compat-tests/allow-list.toml does not explain"
  exit "$rc"
fi

# 4. README.
if $update_readme; then
  grep -q '<!-- compat:begin -->' README.md && grep -q '<!-- compat:end -->' README.md \
    || { log "README.md lacks the compat markers"; exit 1; }
  awk -v f="$OUT/readme-section.md" '
    /<!-- compat:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
    /<!-- compat:end -->/ { skip = 0 }
    !skip' README.md >"$OUT/README.md.new"
  mv "$OUT/README.md.new" README.md
  log "README.md Compatibility section updated"
fi
log "OK: table in $OUT/table.md"
