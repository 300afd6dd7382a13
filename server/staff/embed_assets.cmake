# Writes the staff site's static files (ASSETS: a ;-list of paths under DIR) into a C++ source
# as raw string literals, so the server binary carries its pages' CSS and JS (no files to
# install beside it). Run at build time; rewrites OUTPUT only when it changes. ASSETS is
# comma-separated (a ;-list does not survive the custom command's argument splitting).
string(REPLACE "," ";" ASSETS "${ASSETS}")
set(body "// Generated from server/staff/static by embed_assets.cmake; do not edit.\n")
string(APPEND body "#include \"staff_assets.hpp\"\nnamespace werkex::server {\n")
string(APPEND body "const std::vector<EmbeddedAsset>& embedded_assets() {\n")
string(APPEND body "  static const std::vector<EmbeddedAsset> list = {\n")
foreach(asset IN LISTS ASSETS)
  file(READ ${DIR}/${asset} text)
  string(FIND "${text}" ")WXASSET\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${asset} contains the raw-string delimiter )WXASSET\"")
  endif()
  string(APPEND body "    {\"${asset}\", R\"WXASSET(${text})WXASSET\"},\n")
endforeach()
string(APPEND body "  };\n  return list;\n}\n}  // namespace werkex::server\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
