#!/usr/bin/env bash
# Installs, from Debian 12 packages, whatever the werkex build and tests need and the
# machine lacks. Idempotent: a second run installs nothing and prints nothing but a summary.
#   tools/install-deps.sh           the native build (every preset but cross-arm64)
#   tools/install-deps.sh --cross   also the arm64 cross build (preset cross-arm64, `tools/dev
#                                   cross`): dpkg's arm64 architecture, the aarch64 g++, qemu-user
#                                   to run what it builds, and synclib's arm64 libraries.
#                                   WERKEX_CROSS=1 in the environment does the same.
set -euo pipefail

cross=${WERKEX_CROSS:-0}
for arg in "$@"; do
  case "$arg" in
    --cross) cross=1 ;;
    *) echo "usage: tools/install-deps.sh [--cross]" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libsqlite3-dev sqlite3 nlohmann-json3-dev libsodium-dev zlib1g-dev libcurl4-openssl-dev
  catch2 libboost1.81-dev libssl-dev openssl
  libvips-dev  # the nightly dossier exports: thumbnails (JPEG, PNG, HEIC through libheif)
  default-jdk-headless
  libcsv-dev  # the roster readers (server/school)
  clang libclang-rt-14-dev  # the fuzz targets: clang with libFuzzer and the sanitizers
  libqrencode-dev  # the enrolment letters' QR codes (werkex-admin nightly)
  # The browser tests (tests/browser): the exported portfolio and the letters opened in a real
  # headless Chromium, driven from Debian's python3 through Selenium and chromedriver.
  chromium chromium-driver python3-selenium
  libjs-chart.js  # the staff dashboard's charts, served by werkex-server at /static/chart.js
  # The server's PostgreSQL engine (issue 15, docs/design.md): libpq to build it; the server
  # itself so ctest can start a throwaway cluster (initdb + pg_ctl) for the tests that need one.
  libpq-dev postgresql
)
if [ "$cross" = 1 ]; then
  # synclib's libraries for arm64 (nlohmann-json is headers only, the native one serves).
  packages+=(g++-aarch64-linux-gnu qemu-user libsqlite3-dev:arm64 libsodium-dev:arm64
             zlib1g-dev:arm64)
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ "$cross" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "install-deps: adding the arm64 architecture"
  $sudo dpkg --add-architecture arm64
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
