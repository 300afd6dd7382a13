# Cross build for arm64 Linux (phones are arm64) on Debian 12 with multiarch: the aarch64 g++
# (g++-aarch64-linux-gnu) and synclib's libraries as arm64 packages (libsqlite3-dev:arm64,
# libsodium-dev:arm64), installed by `tools/install-deps.sh --cross`. What it builds runs
# under qemu-user: ctest and `tools/dev cross` use CMAKE_CROSSCOMPILING_EMULATOR below.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(WERKEX_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${WERKEX_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${WERKEX_CROSS_TRIPLE}-g++)
# Debian multiarch: arm64 libraries in /usr/lib/aarch64-linux-gnu, headers in /usr/include
# (shared with the native ones; nlohmann-json is headers only).
set(CMAKE_LIBRARY_ARCHITECTURE ${WERKEX_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${WERKEX_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# pkg-config (libsodium) reads the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${WERKEX_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
# Run arm64 programs (tests) under qemu: its loader and libc from the cross toolchain, the
# multiarch arm64 libraries from /usr/lib/aarch64-linux-gnu.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/${WERKEX_CROSS_TRIPLE}
    -E LD_LIBRARY_PATH=/usr/lib/${WERKEX_CROSS_TRIPLE}:/lib/${WERKEX_CROSS_TRIPLE})
