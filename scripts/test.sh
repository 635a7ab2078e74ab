#!/usr/bin/env bash
# Every test: format, lints, all unit/integration tests (the RocketMQ ones against a real
# broker, Debezium's against a real PostgreSQL), the side-by-side compatibility suite against a
# real Kafka Connect, the quickstart.
# This is what `.ci/run` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$(date +%s)
step() { echo; echo "==> $* ($(( $(date +%s) - start ))s)"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "RocketMQ (real name server + broker for the RocketMQ tests)"
# Own ports and state dir, so a RocketMQ a developer runs on the defaults is left alone.
export ROCKETMQ_STATE_DIR="$PWD/target/rocketmq-test"
export ROCKETMQ_NAMESRV_PORT="${ROCKETMQ_NAMESRV_PORT:-39876}"
export ROCKETMQ_BROKER_PORT="${ROCKETMQ_BROKER_PORT:-40911}"
scripts/rocketmq.sh stop >/dev/null 2>&1 || true
trap 'scripts/rocketmq.sh stop >/dev/null 2>&1 || true; scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
# Two steps, so a failed start stops the run here (eval of empty output would not).
rocketmq_env="$(scripts/rocketmq.sh start)"
eval "$rocketmq_env"

step "PostgreSQL (logical replication, for the Debezium tests; scripts/postgres.sh)"
export POSTGRES_STATE_DIR="$PWD/target/postgres-test"
export POSTGRES_PORT="${POSTGRES_PORT:-45432}"
scripts/postgres.sh stop >/dev/null 2>&1 || true
postgres_env="$(scripts/postgres.sh start)"
eval "$postgres_env"

step "JVM bridge: the Java shim, its tests, connector plugins (scripts/jvm.sh)"
# Builds into $CARGO_TARGET_DIR/jvm-bridge/lib, next to the binaries the tests run.
scripts/jvm.sh build >/dev/null
scripts/jvm.sh test 2>&1 | tee target/jvm-test-output.txt
CONNECT_GATEWAY_PLUGIN_PATH="$(scripts/jvm.sh plugins)"
export CONNECT_GATEWAY_PLUGIN_PATH
# Our own faulty, library-conflicting and junk plugins for gateway/tests/jvm_faults.rs.
CONNECT_GATEWAY_TEST_PLUGIN_PATH="$(scripts/jvm.sh test-plugins)"
export CONNECT_GATEWAY_TEST_PLUGIN_PATH

step "cargo test"
# compat-tests needs a real Kafka Connect and the gateway running: scripts/compat.sh runs it.
cargo test --workspace --exclude compat-tests --no-fail-fast 2>&1 | tee target/test-output.txt

step "compatibility with a real Kafka Connect (scripts/compat.sh)"
scripts/compat.sh 2>&1 | tee target/compat-output.txt

step "quickstart"
# RocketMQ Connect REST API off: 8082 may be taken on this machine.
QUICKSTART_PORT=${QUICKSTART_PORT:-18083} QUICKSTART_ROCKETMQ_PORT= scripts/quickstart.sh

step "all tests passed"
# The closing line CI reads: every cargo test result summed, plus the quickstart check.
{
  cat target/test-output.txt target/compat-output.txt | grep -E "^test result:"
  # The shim's JUnit summary ("jvm shim tests: N run, F failed, E errors, S skipped"), same shape.
  awk '/^jvm shim tests:/ {print "test result: ok. " $4-$6-$8-$10 " passed; " $6+$8 " failed"}' target/jvm-test-output.txt
} | awk '{p+=$4; f+=$6} END {print "tests: " p+1 " passed, " f " failed"}'
