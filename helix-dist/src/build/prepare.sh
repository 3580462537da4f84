#!/bin/sh
# The generated parts of a release, in TARGET: share/man/man1 (a page per command), share/completions
# (bash, zsh, fish), and, unless the second argument is "no-runtime", runtime/: a Java runtime made by
# jlink of only the modules helix.jar needs (jdeps says which), made again only when they or the JDK change.
set -eu
target="$1"; runtime="$2"; root="$3"
jar="$root/helix-cli/target/helix.jar"
. "$root/scripts/find-java.sh"
helix_find_java 21 || { helix_no_java 21; exit 1; }
jdk="$(dirname "$(dirname "$(readlink -f "$HELIX_JAVA_FOUND")")")"
java="$jdk/bin/java"

rm -rf "$target/share"
mkdir -p "$target/share/man/man1" "$target/share/completions"
"$java" -cp "$jar" dev.helix.cli.ManPages "$target/share/man/man1" "$target/share/completions"

[ "$runtime" != no-runtime ] || exit 0
[ -x "$jdk/bin/jlink" ] || { echo "no jlink in $jdk: a JDK (not a JRE) is needed to build the runtime" >&2; exit 1; }
modules="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 "$jar")"
# Besides what the classes name: the zip file system (helix demo reads its example from the jar) and
# elliptic-curve TLS (HTTPS to hosted models), both reached through service lookups jdeps cannot see.
extra="jdk.zipfs"
"$java" --list-modules | grep -q '^jdk.crypto.ec@' && extra="$extra,jdk.crypto.ec"
# The runtime depends on the JDK and the modules only, not on Helix's code: made again only when they change.
made="$jdk $modules,$extra"
if [ -f "$target/runtime/helix-runtime.txt" ] && [ "$(cat "$target/runtime/helix-runtime.txt")" = "$made" ]; then exit 0; fi
rm -rf "$target/runtime"
"$jdk/bin/jlink" --add-modules "$modules,$extra" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --generate-cds-archive --output "$target/runtime"
echo "$made" > "$target/runtime/helix-runtime.txt"
echo "runtime: $modules,$extra ($(du -sh "$target/runtime" | cut -f1))"
