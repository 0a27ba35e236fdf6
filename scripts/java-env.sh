# shellcheck shell=bash
# Sourced by the jlibp2p scripts: finds a JDK >= 21 and exports JAVA_HOME and PATH.
#
# Order: $JAVA_HOME if its java is >= 21, else `java` on PATH if >= 21, else the newest JDK
# under /usr/lib/jvm ($JLIBP2P_JVM_DIR overrides that folder). Prints an error and returns 1
# when none is found.

jlibp2p_java_major() {
  # prints the feature version of the given java binary (8 for 1.8.x), nothing on failure
  local line
  # the line with the version: JAVA_TOOL_OPTIONS and _JAVA_OPTIONS print a line of their own first
  line=$(JAVA_TOOL_OPTIONS= _JAVA_OPTIONS= "$1" -version 2>&1 | grep -m 1 ' version "') || return 1
  line=${line#*version \"}
  line=${line%%\"*}
  case "$line" in
    1.*) line=${line#1.} ;;
  esac
  line=${line%%[.+-]*}
  [[ "$line" =~ ^[0-9]+$ ]] && echo "$line"
}

jlibp2p_find_java_home() {
  local min=21 major candidate best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    major=$(jlibp2p_java_major "$JAVA_HOME/bin/java")
    if [[ -n "$major" && "$major" -ge "$min" ]]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  if candidate=$(command -v java 2>/dev/null); then
    major=$(jlibp2p_java_major "$candidate")
    if [[ -n "$major" && "$major" -ge "$min" ]]; then
      candidate=$(readlink -f "$candidate")
      echo "${candidate%/bin/java}"
      return 0
    fi
  fi
  for candidate in "${JLIBP2P_JVM_DIR:-/usr/lib/jvm}"/*; do
    [[ -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    major=$(jlibp2p_java_major "$candidate/bin/java")
    if [[ -n "$major" && "$major" -ge "$min" && "$major" -gt "$best_major" ]]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [[ -n "$best" ]]; then
    echo "$best"
    return 0
  fi
  return 1
}

if _jlibp2p_jh=$(jlibp2p_find_java_home); then
  export JAVA_HOME="$_jlibp2p_jh"
  export PATH="$JAVA_HOME/bin:$PATH"
  unset _jlibp2p_jh
  # Maven's bundled Guava calls sun.misc.Unsafe; JDK 23+ warns about it on every build.
  if [[ "$(jlibp2p_java_major "$JAVA_HOME/bin/java")" -ge 23 && "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
else
  unset _jlibp2p_jh
  echo "jlibp2p: no JDK >= 21 found (checked \$JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
  echo "jlibp2p: install one (e.g. a Temurin 21+ JDK) or set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
