#!/usr/bin/env bash
# Installs, from Debian 12 packages, whatever the werkex build and tests need and the
# machine lacks. Idempotent: a second run installs nothing and prints nothing but a summary.
set -euo pipefail

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
)

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
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
