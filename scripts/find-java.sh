# Finds a Java runtime for Helix; sourced (POSIX sh) by the source launcher (./helix) and by a release's
# bin/helix, so that both look in the same places and say the same when they find none.
#
# helix_find_java MIN: sets HELIX_JAVA_FOUND and HELIX_JAVA_MAJOR to the first java of version MIN or
# newer among HELIX_JAVA, JAVA_HOME, PATH and the usual install folders, and returns 0; else returns 1
# with HELIX_JAVA_SEEN naming what it found ("/usr/bin/java (17), ...").

# The major version of java binary $1, into HELIX_JAVA_MAJOR: from its runtime's release file when
# there is one (read by the shell itself: starting a JVM per candidate would cost more than Helix's
# own start-up), else by asking it.
helix_java_major() {
  HELIX_JAVA_MAJOR=""
  _hj_release="${1%/bin/java}/release"
  if [ ! -f "$_hj_release" ]; then
    _hj_real="$(readlink -f "$1" 2>/dev/null || true)"
    _hj_release="${_hj_real%/bin/java}/release"
  fi
  if [ -f "$_hj_release" ]; then
    while IFS='=' read -r _hj_key _hj_value; do
      if [ "$_hj_key" = JAVA_VERSION ]; then
        _hj_value="${_hj_value#\"}"; _hj_value="${_hj_value%\"}"; _hj_value="${_hj_value#1.}"
        HELIX_JAVA_MAJOR="${_hj_value%%[!0-9]*}"
        break
      fi
    done < "$_hj_release"
  fi
  [ -n "$HELIX_JAVA_MAJOR" ] || HELIX_JAVA_MAJOR="$("$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {v=$2; sub(/^1\./, "", v); split(v, p, "."); print p[1]; exit}')"
}

helix_find_java() {
  HELIX_JAVA_FOUND=""
  HELIX_JAVA_SEEN=""
  _hj_path_java="$(command -v java 2>/dev/null || true)"
  for _hj_c in "${HELIX_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$_hj_path_java" \
      /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java "${HOME:-/nonexistent}"/.sdkman/candidates/java/*/bin/java \
      /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
    [ -n "$_hj_c" ] && [ -x "$_hj_c" ] || continue
    helix_java_major "$_hj_c" || true
    if [ -n "$HELIX_JAVA_MAJOR" ] && [ "$HELIX_JAVA_MAJOR" -ge "$1" ] 2>/dev/null; then
      HELIX_JAVA_FOUND="$_hj_c"
      return 0
    fi
    HELIX_JAVA_SEEN="${HELIX_JAVA_SEEN:+$HELIX_JAVA_SEEN, }$_hj_c (${HELIX_JAVA_MAJOR:-version unknown})"
  done
  return 1
}

# The message when no java will do, on stderr.
helix_no_java() {
  echo "helix: no Java $1 or newer found (looked at HELIX_JAVA, JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman)." >&2
  [ -z "$HELIX_JAVA_SEEN" ] || echo "  found: $HELIX_JAVA_SEEN" >&2
  echo "  fix: install one (e.g. Temurin 21 or 25) or point HELIX_JAVA at its bin/java" >&2
}
