#!/bin/sh
# install: cmake --install BUILD into a temporary prefix, then build against it as an app
# would: this project through find_package(werkex) (C++ on werkex::sync, C on werkex::c),
# and main.cpp by hand with `pkg-config --cflags --libs --static werkex`; run all three.
# Usage: run.sh BUILD_DIR [FLAGS]  (FLAGS: compiler and linker flags the installed libraries
# need of an app, e.g. the sanitizers of the build that installed them)
set -eu
build=$1
extra=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/werkex-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
launcher=""
if command -v ccache >/dev/null; then launcher=ccache; fi

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/werkex.h"
test -f "$tmp/prefix/include/werkex/store.hpp"

cmake -S "$here" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" -DCMAKE_C_COMPILER_LAUNCHER="$launcher" \
  -DCMAKE_CXX_FLAGS="$extra" -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" >/dev/null
cmake --build "$tmp/build"
"$tmp/build/consumer" "$tmp"
"$tmp/build/consumer_c" "$tmp"

pc=$(find "$tmp/prefix" -name werkex.pc)
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs --static werkex)
echo "pkg-config --cflags --libs --static werkex: $flags"
# shellcheck disable=SC2086  # the flags are words
$launcher c++ -std=c++20 $extra "$here/main.cpp" -o "$tmp/consumer_pc" $flags
mkdir "$tmp/pc"
"$tmp/consumer_pc" "$tmp/pc"
echo "install: the CMake and pkg-config consumers built and ran"
