#!/usr/bin/env bash
# The action's install step: put grantlint VERSION on the PATH.
#   1. a binary already in the tool cache (restored by actions/cache), if it is that version;
#   2. else the release's prebuilt binary for this runner, its SHA-256 checked against the
#      release's .sha256 file (a mismatch stops the job: it is never "fixed" by building);
#   3. else (no release, no binary for this platform, no checksum) a build with cargo: from the
#      action's own source when VERSION is the action's version, else from the release tag.
# `install.sh --resolve` only prints where it would install (outputs dir, key, version,
# target), for actions/cache.
#
# Inputs come from the environment, never from the script's text: INPUT_VERSION,
# ACTION_REPOSITORY (owner/name of the action), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# RUNNER_TOOL_CACHE, GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH.
# For tests only: GRANTLINT_ACTION_RELEASES_URL (the releases' download base, e.g. file:///...)
# and GRANTLINT_ACTION_CARGO (the cargo to run).
set -euo pipefail

error() { echo "::error title=grantlint action::$*"; exit "${2:-1}"; }
notice() { echo "::notice title=grantlint action::$*"; }
# One line per output: a value with a line break could forge another output.
output() {
    case "$2" in *$'\n'* | *$'\r'*) echo "::error title=grantlint action::the $1 output holds a line break"; exit 2 ;; esac
    printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"
}

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
own_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
version=${INPUT_VERSION:-$own_version}
version=${version#v}
# A version is also part of a path and a URL: nothing but a semantic version gets through.
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    echo "::error title=grantlint action::version must be a release version such as 0.1.0 or v0.1.0"
    exit 2
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *) target="" ;; # no prebuilt binary: built with cargo
esac
exe=grantlint
[ "${RUNNER_OS:-}" = Windows ] && exe=grantlint.exe
cache_root=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}
dir="$cache_root/grantlint/$version/${target:-source-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}}"
bin="$dir/bin/$exe"

if [ "${1:-}" = --resolve ]; then
    output dir "$dir"
    output key "grantlint-$version-${target:-source}-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}"
    output version "$version"
    output target "$target"
    exit 0
fi

is_version() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "grantlint $version" ]; }

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
    else shasum -a 256 "$1" | cut -d ' ' -f 1; fi
}

# Download the release's binary into $dir; 0 when installed, 1 when there is none to use.
from_release() {
    [ -n "$target" ] || { notice "no prebuilt grantlint for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"; return 1; }
    local base=${GRANTLINT_ACTION_RELEASES_URL:-}
    local proto="=https"
    if [ -n "$base" ]; then
        proto="=https,http,file"
    else
        [ -n "${ACTION_REPOSITORY:-}" ] || { notice "the action's repository is unknown"; return 1; }
        base="https://github.com/$ACTION_REPOSITORY/releases/download"
    fi
    local asset="grantlint-v$version-$target.tar.gz"
    local tmp
    tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/grantlint-download.XXXXXX")
    local fetch=(curl --fail --silent --show-error --location --proto "$proto" --retry 3)
    if ! "${fetch[@]}" -o "$tmp/$asset" "$base/v$version/$asset" 2>"$tmp/curl.err"; then
        notice "no release binary $asset for v$version ($(head -c 300 "$tmp/curl.err"))"
        rm -rf "$tmp"
        return 1
    fi
    if ! "${fetch[@]}" -o "$tmp/$asset.sha256" "$base/v$version/$asset.sha256" 2>"$tmp/curl.err"; then
        notice "the release has no checksum for $asset: not using an unverified binary"
        rm -rf "$tmp"
        return 1
    fi
    local want got
    want=$(cut -d ' ' -f 1 <"$tmp/$asset.sha256" | tr -d '\r' | tr 'A-F' 'a-f')
    got=$(sha256 "$tmp/$asset")
    if ! [[ $want =~ ^[0-9a-f]{64}$ ]] || [ "$want" != "$got" ]; then
        rm -rf "$tmp"
        error "checksum mismatch for $asset: the release says ${want:0:64}, the download is $got; refusing to install it"
    fi
    # Only the binary is extracted, by name, with relative paths (GNU tar reads "C:" as a host).
    mkdir -p "$tmp/x"
    (cd "$tmp" && tar -xzf "$asset" -C x "$exe") || { rm -rf "$tmp"; error "$asset holds no $exe"; }
    if ! { mkdir -p "$dir/bin" && mv -f "$tmp/x/$exe" "$bin" && chmod +x "$bin"; }; then
        error "cannot install into $dir"
    fi
    rm -rf "$tmp"
}

# Build with cargo into $dir.
from_source() {
    local cargo=${GRANTLINT_ACTION_CARGO:-cargo}
    command -v "$cargo" >/dev/null 2>&1 || error "no release binary and no cargo to build grantlint $version with: add a Rust toolchain (dtolnay/rust-toolchain) or use a released version"
    if [ "$version" = "$own_version" ]; then
        notice "building grantlint $version from the action's source with cargo (slow; a release binary is used when one exists)"
        "$cargo" install --locked --path "$action_path" --root "$dir"
    else
        [ -n "${ACTION_REPOSITORY:-}" ] || error "the action's repository is unknown: cannot build grantlint $version"
        notice "building grantlint $version from tag v$version with cargo (slow)"
        "$cargo" install --locked --git "https://github.com/$ACTION_REPOSITORY" --tag "v$version" --root "$dir" grantlint
    fi
}

if is_version "$bin"; then
    source=cache
elif from_release; then
    source=release
else
    from_source
    source=cargo
fi
is_version "$bin" || error "the installed $bin does not report grantlint $version"
echo "grantlint $version from $source: $bin"
echo "$dir/bin" >>"${GITHUB_PATH:-/dev/null}"
output path "$bin"
output version "$version"
output source "$source"
