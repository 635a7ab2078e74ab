# shellcheck shell=bash disable=SC2034 # JAVA and JAVAC are for the sourcing script
# Source-able helper: `source scripts/lib/java.sh && cg_require_java` sets JAVA_HOME (from the
# javac on PATH when unset), JAVA and JAVAC, or prints why not and returns 1.
cg_require_java() {
  if [[ -z "${JAVA_HOME:-}" ]]; then
    local javac_path
    javac_path="$(command -v javac || true)"
    if [[ -z "$javac_path" ]]; then
      echo "javac not found on PATH and JAVA_HOME unset: install a JDK (17 or newer)" >&2
      return 1
    fi
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$javac_path")")")"
  fi
  export JAVA_HOME
  JAVA="$JAVA_HOME/bin/java"
  JAVAC="$JAVA_HOME/bin/javac"
  if [[ ! -x "$JAVA" ]]; then
    echo "no java at $JAVA (JAVA_HOME=$JAVA_HOME)" >&2
    return 1
  fi
}
