#!/usr/bin/env bash
# The arm64 cross build (preset cross-arm64: synclib, the C ABI, its C test program) and the
# C ABI test's offline scenarios run under qemu-aarch64 (ctest, through the toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR). Used by `tools/dev cross` (after installing the cross
# packages) and by the default build's ctest entry "cross: …", which is skipped (exit 77)
# where the cross toolchain is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v aarch64-linux-gnu-g++ >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
[ -e /usr/lib/aarch64-linux-gnu/libsqlite3.so ] || missing+=(libsqlite3-dev:arm64)
[ -e /usr/lib/aarch64-linux-gnu/pkgconfig/libsodium.pc ] || missing+=(libsodium-dev:arm64)
[ -e /usr/lib/aarch64-linux-gnu/libz.so ] || missing+=(zlib1g-dev:arm64)
if [ ${#missing[@]} -gt 0 ]; then
  echo "cross: skipped, the arm64 cross toolchain is not installed (missing ${missing[*]});" \
    "tools/install-deps.sh --cross installs it"
  exit 77
fi

start=$(date +%s)
cmake --preset cross-arm64 >/dev/null
cmake --build --preset cross-arm64
built=$(date +%s)
readelf -h build/cross-arm64/mobile-shims/c/libwerkex.so | grep -q 'Machine:.*AArch64' || {
  echo "cross: libwerkex.so is not an arm64 library" >&2
  exit 1
}
ctest --preset cross-arm64
echo "cross: arm64 build $((built - start)) s, the C ABI test under qemu $(($(date +%s) - built)) s"
