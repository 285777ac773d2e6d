#!/usr/bin/env bash
# Sourced by the launcher and the test script: exports JAVA_HOME pointing at a JDK >= 21.
# Looks at JAVA_HOME, then `java` on the PATH, then every JDK under /usr/lib/jvm.
corral_java_ok() {
  local java="$1/bin/java"
  [ -x "$java" ] && [ -x "$1/bin/javac" ] || return 1
  local version
  version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ -n "$version" ] && [ "${version%%.*}" -ge 21 ]
}
corral_find_jdk() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && corral_java_ok "$JAVA_HOME"; then echo "$JAVA_HOME"; return 0; fi
  if command -v java >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if corral_java_ok "$candidate"; then echo "$candidate"; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    if corral_java_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME="$(corral_find_jdk)"; then
  echo "corral needs a JDK 21 or newer: install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled Guava touches sun.misc.Unsafe; JDK 24+ warns about it on every build unless allowed.
if [ "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
