# What `cmake --install` puts under the prefix, for apps built against werkex:
#   lib/libwerkex_sync.a            synclib (werkex::sync), static
#   lib/libwerkex_sync_curl.a       its libcurl transport (werkex::sync_curl), if built
#   lib/libwerkex.so.1              the C ABI (werkex::c)
#   include/werkex/*.hpp, *.h       synclib's public headers
#   include/werkex*.h               the C ABI's headers (werkex.h and its sub-headers)
#   lib/cmake/werkex/               the CMake package: find_package(werkex) gives the targets
#                                   above and finds SQLite, libsodium, nlohmann_json (and curl)
#   lib/pkgconfig/werkex.pc         pkg-config for synclib: static, so link with --static
# The server, the tools and the tests are not installed.
include(CMakePackageConfigHelpers)
set(WERKEX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/werkex)

install(TARGETS werkex_sync EXPORT werkexTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/synclib/include/werkex
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(WERKEX_INSTALLED_CURL OFF)
if(TARGET werkex_sync_curl)
  set(WERKEX_INSTALLED_CURL ON)
  install(TARGETS werkex_sync_curl EXPORT werkexTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/synclib/curl/include/werkex
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
if(TARGET werkex_c)
  install(TARGETS werkex_c EXPORT werkexTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  file(GLOB WERKEX_C_HEADERS ${PROJECT_SOURCE_DIR}/mobile-shims/c/werkex*.h)
  install(FILES ${WERKEX_C_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

install(EXPORT werkexTargets NAMESPACE werkex:: DESTINATION ${WERKEX_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/werkexConfig.cmake.in
  ${PROJECT_BINARY_DIR}/werkexConfig.cmake INSTALL_DESTINATION ${WERKEX_CMAKE_DIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/werkexConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/werkexConfig.cmake
              ${PROJECT_BINARY_DIR}/werkexConfigVersion.cmake
        DESTINATION ${WERKEX_CMAKE_DIR})

# werkex.pc, relocatable: the prefix is found from where the file lies.
file(RELATIVE_PATH WERKEX_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/werkex.pc.in ${PROJECT_BINARY_DIR}/werkex.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/werkex.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
