#!/usr/bin/env bash
# The Java half of the JVM bridge (jvm-bridge/java, a Maven module; contract: jvm-bridge/PROTOCOL.md):
# build it, test it, and fetch real Kafka Connect plugins for a plugin.path.
#
#   scripts/jvm.sh build     build the shim when its pom or main sources changed (a cheap no-op
#                            otherwise); put connect-gateway-shim.jar and every runtime dependency jar
#                            (Kafka Connect's runtime class path) into $CARGO_TARGET_DIR/jvm-bridge/lib/;
#                            print that directory
#   scripts/jvm.sh test      run the shim's JUnit tests (they call Bridge as the Rust side does,
#                            against the real connect-file jar) and print a summary
#   scripts/jvm.sh plugins   download connector plugins into $CONNECT_GATEWAY_CACHE/plugins/<name>/, one
#                            isolated plugin.path entry each (jars as they are, plugin archives unpacked;
#                            cached: no network when present); print that plugin.path directory
#   scripts/jvm.sh test-plugins
#                            compile the fault-test plugins of jvm-bridge/test-plugins with javac
#                            against the lib directory (runs `build` first) into
#                            $CARGO_TARGET_DIR/jvm-bridge/test-plugins/ (one plugin directory each,
#                            plus a jar that is no plugin and a corrupt one); a no-op when the sources
#                            and the lib are unchanged; print that plugin.path directory
#
# `lib="$(scripts/jvm.sh build)"` gives the class path directory (every jar in it). Only paths go to
# stdout; progress and Maven's errors go to stderr. Maven runs offline (-o) against
# $CONNECT_GATEWAY_CACHE/m2 and goes online only when that cache lacks something.
#
# Environment: CONNECT_GATEWAY_CACHE (~/.cache/connect-gateway), CARGO_TARGET_DIR (<repo>/target),
# KAFKA_VERSION (version of Kafka's own plugins `plugins` fetches; default 4.3.1, the shim's Kafka),
# DEBEZIUM_VERSION (Debezium's PostgreSQL connector plugin; default 3.7.0.Final, built on Kafka 4.3.1).
# Needs a JDK 17+ (javac on PATH or JAVA_HOME) and mvn.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
DEBEZIUM_VERSION="${DEBEZIUM_VERSION:-3.7.0.Final}"
CACHE="${CONNECT_GATEWAY_CACHE:-$HOME/.cache/connect-gateway}"
M2="$CACHE/m2"
MODULE="$ROOT/jvm-bridge/java"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET" == /* ]] || TARGET="$PWD/$TARGET"
OUT="$TARGET/jvm-bridge"
LIB="$OUT/lib"
JAR=connect-gateway-shim.jar
PLUGINS="$CACHE/plugins"
TEST_PLUGIN_SRC="$ROOT/jvm-bridge/test-plugins"
TEST_PLUGINS="$OUT/test-plugins"
# Test plugins packaged as a lone jar at the top of the plugin.path directory (Kafka treats each
# top-level jar as a plugin location of its own) instead of a plugin directory.
TOP_LEVEL_JARS=(not-a-plugin)

# Plugins `plugins` installs: <directory name>=<groupId>:<artifactId>:<version>[:<type>:<classifier>],
# one isolated plugin.path entry each. A plain jar must be self-contained (copied without
# dependencies); a tar.gz or zip is a plugin archive with every jar the plugin needs, unpacked.
PLUGIN_ARTIFACTS=(
  "connect-file=org.apache.kafka:connect-file:$KAFKA_VERSION"
  "debezium-postgres=io.debezium:debezium-connector-postgres:$DEBEZIUM_VERSION:tar.gz:plugin"
)

# Fully qualified goals (the version comes from the pom's pluginManagement): a goal prefix such as
# `dependency:` needs repository metadata, which an offline run with a fresh cache does not have.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin

log() { echo "jvm.sh: $*" >&2; }
die() { log "$*"; exit 1; }

require_tools() {
  cg_require_java || exit 1
  command -v mvn >/dev/null || die "mvn not found on PATH (install Maven 3.8+)"
}

# mvn <args…> on the shim's pom: offline first; online only when the offline run failed for lack of
# something in the cache. On failure prints Maven's errors and returns 1.
mvn_run() {
  local mvn_log rc=0
  mvn_log="$(mktemp "${TMPDIR:-/tmp}/jvm-mvn.XXXXXX")"
  mvn -q -B -o -f "$MODULE/pom.xml" -Dmaven.repo.local="$M2" "$@" >"$mvn_log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]] && grep -qE "offline mode|No plugin found for prefix|has not been downloaded" "$mvn_log"; then
    log "the Maven cache ($M2) lacks something; resolving online"
    rc=0
    mvn -q -B -f "$MODULE/pom.xml" -Dmaven.repo.local="$M2" "$@" >"$mvn_log" 2>&1 || rc=$?
  fi
  if [[ $rc -ne 0 ]]; then
    # Test failures print long traces: the last lines hold the summary and the first failure.
    grep -v '^\[INFO\]' "$mvn_log" | tail -n 60 >&2 || true
  fi
  rm -f "$mvn_log"
  return $rc
}

# Fingerprint of everything that goes into the lib directory: the pom and the main sources.
sources_stamp() {
  (cd "$MODULE" && find pom.xml src/main -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

cmd_build() {
  mkdir -p "$OUT"
  # One build at a time (cargo may run several test binaries that each ask for the jar).
  exec 9>"$OUT/.lock"
  if command -v flock >/dev/null; then flock 9; fi

  local stamp
  stamp="$(sources_stamp)"
  if [[ -f "$LIB/$JAR" && "$(cat "$LIB/.stamp" 2>/dev/null || true)" == "$stamp" ]]; then
    echo "$LIB"
    return 0
  fi
  require_tools
  log "building the JVM shim into $LIB"
  local staging="$OUT/lib.staging"
  rm -rf "$staging"
  mvn_run -Dmaven.test.skip=true package "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$staging" || die "build failed (module: $MODULE)"
  cp "$MODULE/target/$JAR" "$staging/$JAR"
  echo "$stamp" >"$staging/.stamp"
  # Replace the directory whole, so jars of an older dependency set never linger on the class path.
  rm -rf "$LIB"
  mv "$staging" "$LIB"
  log "$(find "$LIB" -name '*.jar' | wc -l) jars in $LIB"
  echo "$LIB"
}

cmd_test() {
  require_tools
  local start=$SECONDS
  rm -rf "$MODULE/target/surefire-reports"
  local rc=0
  mvn_run test || rc=$?
  local reports="$MODULE/target/surefire-reports"
  if compgen -G "$reports/TEST-*.xml" >/dev/null; then
    # Sum surefire's per-class counts: tests, failures, errors, skipped.
    sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2 \3 \4/p' \
      "$reports"/TEST-*.xml | awk -v s=$((SECONDS - start)) \
      '{t+=$1; e+=$2; k+=$3; f+=$4} END {printf "jvm shim tests: %d run, %d failed, %d errors, %d skipped (%ds)\n", t, f, e, k, s}'
  fi
  [[ $rc -eq 0 ]] || die "tests failed (reports: $reports)"
}

# Unpacks a plugin archive (tar.gz or zip) into a directory.
unpack() { # ARCHIVE DIR
  case "$1" in
    *.tar.gz | *.tgz) tar -xzf "$1" -C "$2" ;;
    *.zip) (cd "$2" && "$JAVA_HOME/bin/jar" xf "$1") ;;
    *) die "cannot unpack $1 (tar.gz or zip expected)" ;;
  esac
}

cmd_plugins() {
  local entry name gav artifact version type dir staging archive
  for entry in "${PLUGIN_ARTIFACTS[@]}"; do
    name="${entry%%=*}"
    gav="${entry#*=}"
    artifact="$(cut -d: -f2 <<<"$gav")"
    version="$(cut -d: -f3 <<<"$gav")"
    type="$(cut -d: -f4 <<<"$gav")"
    dir="$PLUGINS/$name"
    # Present: the marker names this very artifact (a jar copied before markers existed counts too).
    [[ "$(cat "$dir/.artifact" 2>/dev/null || true)" == "$gav" ]] && continue
    [[ -z "$type" && -f "$dir/$artifact-$version.jar" ]] && continue
    require_tools
    log "fetching $gav into $dir"
    staging="$dir.staging"
    rm -rf "$staging" "$dir.download"
    if [[ -z "$type" ]]; then
      mvn_run "$DEPENDENCY_PLUGIN:copy" -Dartifact="$gav" -DoutputDirectory="$staging" -Dmdep.overWriteReleases=true ||
        die "could not download $gav"
    else
      mvn_run "$DEPENDENCY_PLUGIN:copy" -Dartifact="$gav" -DoutputDirectory="$dir.download" -Dmdep.overWriteReleases=true ||
        die "could not download $gav"
      archive="$(find "$dir.download" -maxdepth 1 -type f -name "*.$type" | head -n 1)"
      [[ -n "$archive" ]] || die "no .$type in what Maven fetched for $gav"
      mkdir -p "$staging"
      unpack "$archive" "$staging"
      rm -rf "$dir.download"
      log "$(find "$staging" -name '*.jar' | wc -l) jars from $(basename "$archive") ($(du -sh "$staging" | cut -f1))"
    fi
    echo "$gav" >"$staging/.artifact"
    rm -rf "$dir"
    mv "$staging" "$dir"
  done
  echo "$PLUGINS"
}

# javac <classpath> <out dir> <source dir>: every .java under the source dir; other files (the
# META-INF/services manifests Kafka's ServiceLoader discovery reads) are copied as they are.
compile_tree() {
  local cp="$1" classes="$2" src="$3"
  mkdir -p "$classes"
  local sources=()
  mapfile -d '' sources < <(find "$src" -name '*.java' -print0 | LC_ALL=C sort -z)
  if [[ ${#sources[@]} -gt 0 ]]; then
    "$JAVAC" --release 17 -encoding UTF-8 -nowarn -cp "$cp" -d "$classes" "${sources[@]}" >&2 ||
      die "javac failed for $src"
  fi
  (cd "$src" && find . -type f ! -name '*.java' -print0 | xargs -0 -r cp --parents -t "$classes")
}

# Fingerprint of the test plugins' sources and of the lib they are compiled against.
test_plugins_stamp() {
  {
    (cd "$TEST_PLUGIN_SRC" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    cat "$LIB/.stamp"
  } | sha256sum | cut -d' ' -f1
}

cmd_test_plugins() {
  # `build` takes the lock on $OUT/.lock (fd 9) and holds it until this script exits, so the
  # test plugins are built under the same lock.
  cmd_build >/dev/null
  local stamp
  stamp="$(test_plugins_stamp)"
  if [[ "$(cat "$TEST_PLUGINS/.stamp" 2>/dev/null || true)" == "$stamp" ]]; then
    echo "$TEST_PLUGINS"
    return 0
  fi
  cg_require_java || exit 1
  local jar_tool="$JAVA_HOME/bin/jar"
  [[ -x "$jar_tool" ]] || die "no jar tool at $jar_tool (a JDK, not a JRE, is needed)"
  log "building the test plugins into $TEST_PLUGINS"
  local staging="$OUT/test-plugins.staging" work="$OUT/test-plugins.work"
  rm -rf "$staging" "$work"
  mkdir -p "$staging" "$work"
  local plugin name lib_src lib_name cp dest
  for plugin in "$TEST_PLUGIN_SRC"/*/; do
    plugin="${plugin%/}"
    name="$(basename "$plugin")"
    [[ -d "$plugin/src" ]] || continue
    if [[ " ${TOP_LEVEL_JARS[*]} " == *" $name "* ]]; then
      dest="$staging"
    else
      dest="$staging/$name"
    fi
    mkdir -p "$dest"
    cp="$LIB/*"
    # Libraries the plugin bundles: lib/<name>/src → <plugin dir>/<name>.jar, beside the plugin's jar.
    for lib_src in "$plugin"/lib/*/src; do
      [[ -d "$lib_src" ]] || continue
      lib_name="$(basename "$(dirname "$lib_src")")"
      compile_tree "$LIB/*" "$work/$name/lib/$lib_name" "$lib_src"
      "$jar_tool" --create --file "$dest/$lib_name.jar" -C "$work/$name/lib/$lib_name" .
      cp="$cp:$dest/$lib_name.jar"
    done
    compile_tree "$cp" "$work/$name/classes" "$plugin/src"
    "$jar_tool" --create --file "$dest/$name.jar" -C "$work/$name/classes" .
  done
  # Random bytes named .jar: Kafka's scan must skip it, not fail the whole plugin.path.
  head -c 4096 /dev/urandom >"$staging/corrupt.jar"
  echo "$stamp" >"$staging/.stamp"
  rm -rf "$work" "$TEST_PLUGINS"
  mv "$staging" "$TEST_PLUGINS"
  log "test plugins: $(cd "$TEST_PLUGINS" && find . -name '*.jar' | LC_ALL=C sort | tr '\n' ' ')"
  echo "$TEST_PLUGINS"
}

case "${1:-}" in
  build) cmd_build ;;
  test) cmd_test ;;
  plugins) cmd_plugins ;;
  test-plugins) cmd_test_plugins ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
