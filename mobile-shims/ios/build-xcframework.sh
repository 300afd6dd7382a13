#!/usr/bin/env bash
# Builds mobile-shims/swift/CWerkex.xcframework, the C library of the Swift package, on a Mac
# with Xcode (and cmake, ninja, pkg-config): one static libwerkex.a per platform (the C ABI,
# synclib and libsodium merged into one archive) for iOS devices (arm64) and the simulator
# (arm64 + x86_64), with werkex.h and the CWerkex module map as headers.
#
# NOT RUN on the project's machines (Debian, no Xcode): reviewed, not tested. See
# mobile-shims/README.md for what it assumes of the top-level CMakeLists.txt.
#
# Usage: mobile-shims/ios/build-xcframework.sh [--macos]
#   --macos   also a macOS slice (arm64 + x86_64), for `swift build` on the Mac itself.
# Environment (all optional):
#   WERKEX_IOS_DEPS    root of one install prefix per slice (default build/ios-deps): ios-arm64,
#                      iossim-arm64, iossim-x86_64 (and macos-arm64, macos-x86_64), each with
#                      include/sodium.h, lib/libsodium.a and lib/pkgconfig/libsodium.pc.
#   SODIUM_SRC         an unpacked libsodium release tarball: libsodium is first built into any
#                      prefix that lacks it (static, ./configure --host ...).
#   NLOHMANN_JSON_DIR  the directory holding nlohmann_jsonConfig.cmake (header-only, so the
#                      Mac's own will do: $(brew --prefix nlohmann-json)/share/cmake/nlohmann_json).
#   WERKEX_MERGE_SODIUM  0: leave libsodium out of libwerkex.a, for an app that already links
#                      one (e.g. swift-sodium's Clibsodium); its headers are still needed here.
#   WERKEX_WITH_CURL   ON: build the libcurl transport too (libcurl.a and its TLS library must be
#                      in every prefix, and the app must link them); default OFF: the app uses
#                      Transport.of(URLSessionHTTPClient()).
#   IOS_MIN / MACOS_MIN  deployment targets (default 15.0 / 12.0).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD="$ROOT/build/xcframework"
DEPS="${WERKEX_IOS_DEPS:-$ROOT/build/ios-deps}"
OUT="$ROOT/mobile-shims/swift/CWerkex.xcframework"
WITH_CURL="${WERKEX_WITH_CURL:-OFF}"
MERGE_SODIUM="${WERKEX_MERGE_SODIUM:-1}"
IOS_MIN="${IOS_MIN:-15.0}"
MACOS_MIN="${MACOS_MIN:-12.0}"
JOBS=$(sysctl -n hw.ncpu)

# slice  sdk  arch  target (for clang and libsodium's configure)
SLICES=(
  "ios-arm64     iphoneos        arm64  arm64-apple-ios$IOS_MIN"
  "iossim-arm64  iphonesimulator arm64  arm64-apple-ios$IOS_MIN-simulator"
  "iossim-x86_64 iphonesimulator x86_64 x86_64-apple-ios$IOS_MIN-simulator"
)
if [[ "${1:-}" == "--macos" ]]; then
  SLICES+=("macos-arm64 macosx arm64 arm64-apple-macos$MACOS_MIN"
           "macos-x86_64 macosx x86_64 x86_64-apple-macos$MACOS_MIN")
fi

die() { echo "build-xcframework: $*" >&2; exit 1; }

# libsodium for one slice, from its release tarball (which has ./configure), static only.
build_sodium() {  # slice sdk arch target
  local prefix="$DEPS/$1" work="$BUILD/sodium-$1" sysroot
  [[ -f "$prefix/lib/libsodium.a" ]] && return 0
  [[ -n "${SODIUM_SRC:-}" ]] || die "no $prefix/lib/libsodium.a; set SODIUM_SRC to build it"
  sysroot=$(xcrun --sdk "$2" --show-sdk-path)
  rm -rf "$work" && cp -R "$SODIUM_SRC" "$work"
  (cd "$work" &&
    CC="$(xcrun --sdk "$2" -f clang)" \
    CFLAGS="-O2 -target $4 -isysroot $sysroot" LDFLAGS="-target $4 -isysroot $sysroot" \
    ./configure --host="${3/arm64/aarch64}-apple-darwin" --prefix="$prefix" \
      --disable-shared --enable-static --with-pic --disable-dependency-tracking &&
    make -j"$JOBS" install)
}

# werkex for one slice: only the C ABI's static library and what it links (no server, no
# tools, no tests), then every archive merged into one libwerkex.a.
build_werkex() {  # slice sdk arch target
  local dir="$BUILD/$1" prefix="$DEPS/$1"
  local system=(-DCMAKE_SYSTEM_NAME=iOS -DCMAKE_OSX_DEPLOYMENT_TARGET="$IOS_MIN")
  [[ "$2" == macosx ]] && system=(-DCMAKE_OSX_DEPLOYMENT_TARGET="$MACOS_MIN")
  # For iOS, CMake searches only under CMAKE_FIND_ROOT_PATH (the SDK, where it finds
  # libsqlite3.tbd, plus our prefix); pkg-config sees only the slice's .pc files.
  PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH="" \
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "${system[@]}" -DCMAKE_OSX_SYSROOT="$2" -DCMAKE_OSX_ARCHITECTURES="$3" \
    -DCMAKE_FIND_ROOT_PATH="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
    -DBUILD_SHARED_LIBS=OFF \
    -DWERKEX_BUILD_TESTS=OFF -DWERKEX_BUILD_SERVER=OFF -DWERKEX_BUILD_TOOLS=OFF \
    -DWERKEX_WITH_CURL="$WITH_CURL" \
    ${NLOHMANN_JSON_DIR:+-Dnlohmann_json_DIR="$NLOHMANN_JSON_DIR"}
  cmake --build "$dir" --target werkex_c_static -j "$JOBS"

  local archives=("$dir/mobile-shims/c/libwerkex_c_static.a" "$dir/synclib/libwerkex_sync.a")
  [[ "$MERGE_SODIUM" == 0 ]] || archives+=("$prefix/lib/libsodium.a")
  if [[ "$WITH_CURL" == ON ]]; then
    archives+=("$dir/synclib/curl/libwerkex_sync_curl.a" "$prefix/lib/libcurl.a")
  fi
  local a
  for a in "${archives[@]}"; do [[ -f "$a" ]] || die "missing $a"; done
  xcrun libtool -static -o "$dir/libwerkex.a" "${archives[@]}"
}

# One platform's library: the slice's own, or its architectures joined with lipo.
platform_library() {  # output slice...
  local out="$BUILD/$1/libwerkex.a" inputs=() s
  shift
  for s in "$@"; do inputs+=("$BUILD/$s/libwerkex.a"); done
  mkdir -p "$(dirname "$out")"
  xcrun lipo -create "${inputs[@]}" -output "$out"
}

mkdir -p "$BUILD" "$DEPS"
for line in "${SLICES[@]}"; do
  read -r slice sdk arch target <<<"$line"
  echo "== $slice"
  build_sodium "$slice" "$sdk" "$arch" "$target"
  build_werkex "$slice" "$sdk" "$arch" "$target"
done

# Headers: werkex.h as the C ABI ships it, with error_codes.h where its #include finds it, and
# the module map in a folder named after the module (see mobile-shims/swift/CWerkex.modulemap).
HEADERS="$BUILD/headers"
rm -rf "$HEADERS" && mkdir -p "$HEADERS/CWerkex/werkex"
cp "$ROOT/mobile-shims/c/werkex.h" "$ROOT/mobile-shims/c/werkex_signoff.h" "$HEADERS/CWerkex/"
cp "$ROOT/mobile-shims/c/werkex_trash.h" "$ROOT/mobile-shims/c/werkex_requests.h" \
   "$ROOT/mobile-shims/c/werkex_schema.h" "$HEADERS/CWerkex/"
cp "$ROOT/synclib/include/werkex/error_codes.h" "$HEADERS/CWerkex/werkex/"
cp "$ROOT/mobile-shims/swift/CWerkex.modulemap" "$HEADERS/CWerkex/module.modulemap"

platform_library ios ios-arm64
platform_library iossim iossim-arm64 iossim-x86_64
ARGS=(-library "$BUILD/ios/libwerkex.a" -headers "$HEADERS"
      -library "$BUILD/iossim/libwerkex.a" -headers "$HEADERS")
if [[ "${1:-}" == "--macos" ]]; then
  platform_library macos macos-arm64 macos-x86_64
  ARGS+=(-library "$BUILD/macos/libwerkex.a" -headers "$HEADERS")
fi

rm -rf "$OUT"
xcodebuild -create-xcframework "${ARGS[@]}" -output "$OUT"
echo "wrote $OUT"
