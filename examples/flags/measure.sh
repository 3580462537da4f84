#!/bin/sh
# Builds bench.c with the flags in build.flags, checks its answer, prints its run time (readonly).
set -eu
flags=$(grep -v '^#' build.flags | sed -n 's/^[A-Z_]*=//p' | tr '\n' ' ')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "gcc $flags"
# shellcheck disable=SC2086
gcc $flags -o "$out/bench" bench.c -lm
echo "binary_bytes: $(wc -c < "$out/bench")"
"$out/bench" > "$out/result"
cat "$out/result"
expected="21902.738 283146 843.799"
actual=$(sed -n 's/^checksum: //p' "$out/result")
if [ "$actual" != "$expected" ]; then
    echo "wrong answer: checksum $actual, expected $expected" >&2
    exit 1
fi
