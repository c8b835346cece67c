# shellcheck shell=bash
# Sourced by the other bin/ scripts (which run with `set -euo pipefail`).
# Finds a JDK 21 or newer, exports JAVA_HOME and puts its bin/ first on PATH; checks that Maven is there.
# Also defines dk_build_if_needed (used by bin/local-cluster and bin/durable-kafka).

DK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DK_MIN_JAVA=21

# Prints the feature version (8, 17, 21, ...) of the given java binary; fails if it cannot tell.
dk_java_major() {
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')" || return 1
  [[ -n "$v" ]] || return 1
  [[ "$v" == 1.* ]] && v="${v#1.}"
  v="${v%%[.+_-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$v"
}

# Succeeds if $1 is a JDK home whose java is >= DK_MIN_JAVA.
dk_is_good_jdk() {
  local home="$1" major
  [[ -n "$home" && -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 1
  major="$(dk_java_major "$home/bin/java" 2>/dev/null)" || return 1
  (( major >= DK_MIN_JAVA ))
}

dk_find_jdk() {
  local candidate java_bin home
  if [[ -n "${JAVA_HOME:-}" ]] && dk_is_good_jdk "$JAVA_HOME"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  for candidate in /usr/lib/jvm/* /opt/* /opt/*/Contents/Home "${HOME:-/nonexistent}"/.sdkman/candidates/java/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [[ -d "$candidate" ]] && dk_is_good_jdk "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  if java_bin="$(command -v java 2>/dev/null)" && [[ -n "$java_bin" ]]; then
    home="$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/^ *java\.home = / { print $2; exit }')"
    if [[ -n "$home" ]] && dk_is_good_jdk "$home"; then
      printf '%s\n' "$home"
      return 0
    fi
  fi
  return 1
}

if ! DK_JAVA_HOME="$(dk_find_jdk)"; then
  echo "durable-kafka needs a JDK $DK_MIN_JAVA or newer; set JAVA_HOME" \
       "(JAVA_HOME=${JAVA_HOME:-<unset>}; looked in /usr/lib/jvm, /opt, ~/.sdkman and on PATH)" >&2
  exit 1
fi
export JAVA_HOME="$DK_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
DK_JAVA_MAJOR="$(dk_java_major "$JAVA_HOME/bin/java")"
unset DK_JAVA_HOME

if ! command -v mvn >/dev/null 2>&1; then
  echo "durable-kafka needs Apache Maven (mvn) on PATH to build; install Maven 3.9+ (https://maven.apache.org)" >&2
  exit 1
fi

# JVM options for running the launcher: quiet JDK 24+ warnings about sun.misc.Unsafe and JNI (Kafka, RocksDB).
# Maven's own JVM gets them too (its Guava and Jansi trigger the same warnings); the test JVMs get them from the
# root pom's jdk24+ profile.
DK_DEFAULT_JAVA_OPTS=""
if (( DK_JAVA_MAJOR >= 24 )); then
  DK_DEFAULT_JAVA_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$DK_DEFAULT_JAVA_OPTS"
fi

# Builds (mvn install, no tests) when deploy/target/lib, a module jar or the marker deploy/target/.built is
# missing, or when any pom.xml or src/ file is newer than the marker.
dk_build_if_needed() {
  local marker="$DK_ROOT/deploy/target/.built" reason="" module jars newer
  if [[ ! -d "$DK_ROOT/deploy/target/lib" ]]; then
    reason="deploy/target/lib is missing"
  elif [[ ! -f "$marker" ]]; then
    reason="never built by this script"
  else
    for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$DK_ROOT/pom.xml"); do
      jars=("$DK_ROOT/$module"/target/*.jar)   # any name: a module's artifactId may differ from its directory
      if [[ ! -e "${jars[0]}" ]]; then
        reason="$module/target has no jar"
        break
      fi
    done
    if [[ -z "$reason" ]]; then
      newer="$(cd "$DK_ROOT" && find . \( -name target -o -name .git -o -name node_modules \) -prune -o \
        -type f \( -name pom.xml -o -path '*/src/*' \) -newer "$marker" -print -quit)"
      [[ -n "$newer" ]] && reason="${newer#./} changed"
    fi
  fi
  [[ -z "$reason" ]] && return 0
  echo "Building durable-kafka ($reason)..." >&2
  rm -rf "$DK_ROOT/deploy/target/lib"   # copy-dependencies never removes jars of old versions
  mkdir -p "$DK_ROOT/target"
  local log="$DK_ROOT/target/build.log"
  if ! (cd "$DK_ROOT" && mvn -B -ntp -Dstyle.color=never -DskipTests install) > "$log" 2>&1; then
    # The errors (compiler messages included) without Maven's generic advice; the whole output is in the log.
    local errors
    errors="$(awk '/BUILD FAILURE/ { after = 1; next }
      after && /^\[ERROR\]/ {
        sub(/ *-> \[Help [0-9]+\]$/, "")
        if ($0 ~ /^\[ERROR\] *$/ || $0 ~ /\[Help [0-9]+\] http|full stack trace|Re-run Maven|For more information about|After correcting the problems|mvn <args>/) next
        print
      }' "$log")"
    if [[ -n "$errors" ]]; then echo "$errors" >&2; else tail -n 30 "$log" >&2; fi
    echo "The build failed; Maven's whole output is in ${log#"$DK_ROOT"/}" >&2
    exit 1
  fi
  touch "$marker"
}
