#!/usr/bin/env bash
# Package one release binary the way the action's install.sh expects it:
#   OUT/grantlint-vVERSION-TARGET.tar.gz        grantlint (grantlint.exe on Windows) and README.md
#   OUT/grantlint-vVERSION-TARGET.tar.gz.sha256 "<sha256>  <archive name>", as sha256sum writes it
# Usage: package.sh TARGET VERSION BINARY OUT
set -euo pipefail
[ "$#" -eq 4 ] || { echo "usage: package.sh TARGET VERSION BINARY OUT" >&2; exit 2; }
target=$1 version=${2#v} binary=$3 out=$4
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name="grantlint-v${version}-${target}.tar.gz"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
exe=$(basename "$binary")
cp "$binary" "$stage/$exe"
cp "$root/README.md" "$stage/README.md"
mkdir -p "$out"
tar -czf "$out/$name" -C "$stage" "$exe" README.md
if command -v sha256sum >/dev/null 2>&1; then
    (cd "$out" && sha256sum "$name" >"$name.sha256")
else
    (cd "$out" && shasum -a 256 "$name" >"$name.sha256")
fi
echo "$out/$name"
