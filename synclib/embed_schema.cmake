# Writes the schema JSON into a C++ source as a raw string literal.
file(READ ${INPUT} SCHEMA_TEXT)
file(WRITE ${OUTPUT}.tmp "// Generated from werkex-schema.json; do not edit.\n#include \"werkex/schema.hpp\"\nnamespace werkex {\nstd::string_view Schema::builtin_text() {\n  static constexpr char kText[] = R\"WXSCHEMA(${SCHEMA_TEXT})WXSCHEMA\";\n  return {kText, sizeof kText - 1};\n}\n}  // namespace werkex\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
