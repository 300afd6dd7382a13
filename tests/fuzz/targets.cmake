# The libFuzzer targets (tests/fuzz/fuzz_<name>), shared by the fuzz build (CMakeLists.txt
# here), the ctest hook of the default build (tests/CMakeLists.txt) and `tools/dev fuzz`
# (which reads the names from this line).
set(WERKEX_FUZZ_TARGETS bundle sync_json sync_cbor sync_msgpack qr cli_json apply)
# Runs per target under ctest: enough to replay the corpus and mutate a little, in seconds.
set(WERKEX_FUZZ_CTEST_RUNS 2000)
