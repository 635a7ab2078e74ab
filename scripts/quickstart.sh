#!/usr/bin/env bash
# One command: build the gateway and run a FileStreamSource -> embedded topic ->
# FileStreamSink pipeline, then show that the output equals the input.
#   scripts/quickstart.sh           run, check, and stop
#   scripts/quickstart.sh --keep    leave the worker running (REST on :8083) after the check
# Environment: QUICKSTART_PORT (Kafka Connect REST API, 8083), QUICKSTART_ROCKETMQ_PORT
# (RocketMQ Connect REST API, 8082; set but empty turns it off, as scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true
port=${QUICKSTART_PORT:-8083}
rmq_port=${QUICKSTART_ROCKETMQ_PORT-8082}
rmq_listener=${rmq_port:+http://127.0.0.1:$rmq_port}

command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
echo "==> building connect-gateway"
cargo build --quiet -p gateway --bin connect-gateway
bin="${CARGO_TARGET_DIR:-target}/debug/connect-gateway"

rm -rf demo-out && mkdir -p demo-out
for i in $(seq 1 1000); do echo "record $i: the quick brown fox jumps over the lazy dog"; done > demo-out/input.txt
sed -e "s/8083/$port/" -e "s|^rocketmq.rest.listeners=.*|rocketmq.rest.listeners=$rmq_listener|" \
  config/quickstart-worker.properties > demo-out/worker.properties

echo "==> starting: $bin standalone demo-out/worker.properties config/file-source.properties config/file-sink.json"
"$bin" standalone demo-out/worker.properties config/file-source.properties config/file-sink.json \
  > demo-out/gateway.log 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  if cmp -s demo-out/input.txt demo-out/output.txt; then break; fi
  kill -0 $pid 2>/dev/null || { echo "gateway exited; see demo-out/gateway.log" >&2; tail -20 demo-out/gateway.log >&2; exit 1; }
  sleep 0.2
done
if ! cmp -s demo-out/input.txt demo-out/output.txt; then
  echo "FAIL: output differs from input after 60 s (see demo-out/gateway.log)" >&2
  exit 1
fi
echo "==> connector status (GET /connectors?expand=status):"
curl -s "http://127.0.0.1:$port/connectors?expand=status"; echo
echo "==> OK: demo-out/output.txt equals demo-out/input.txt ($(wc -l < demo-out/input.txt) lines)"
if $keep; then
  trap - EXIT
  echo "worker still running as pid $pid; try: curl -s localhost:$port/connectors | head; stop with: kill $pid"
  [ -n "$rmq_port" ] && echo "RocketMQ Connect REST API: curl -s localhost:$rmq_port/connectors/list"
  exit 0
fi
kill -TERM $pid
wait $pid
echo "==> worker stopped cleanly (offsets in demo-out/connect.offsets)"
