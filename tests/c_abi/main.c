/* The C ABI test program: `werkex_c_abi_test SCENARIO` runs one scenario and exits 0 only if
 * every check held. Written in C11 and linked against the shared libwerkex like an app, so
 * it also proves that werkex.h is plain C and that libwerkex exports what it declares. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "scenarios.h"

static const struct {
  const char* name;
  void (*run)(void);
} scenarios[] = {
    {"version", scenario_version_and_errors},
    {"bad_handles", scenario_bad_handles},
    {"closed", scenario_closed_replica},
    {"open_identity", scenario_open_and_identity},
    {"entities", scenario_entities_and_queries},
    {"conflicts", scenario_export_import_conflicts},
    {"dossier", scenario_dossier_cycle},
    {"todo", scenario_todo},
    {"trash", scenario_trash},
    {"extended_schema", scenario_extended_schema},
    {"messages", scenario_messages},
    {"requests", scenario_requests},
    {"observers", scenario_observers},
    {"transports", scenario_transports},
    {"threads", scenario_threads_writing},
    {"close_during_sync", scenario_close_during_sync},
    {"syncs_take_turns", scenario_syncs_take_turns},
    {"sync_curl", scenario_sync_curl},
    {"sync_callback", scenario_sync_callback},
    {"sync_while_writing", scenario_sync_while_writing},
    {"blobs", scenario_blobs},
    {"signoff", scenario_signoff},
    {"signoff_story", scenario_signoff_story},
};

int main(int argc, char** argv) {
  size_t n = sizeof scenarios / sizeof scenarios[0];
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCENARIO\nscenarios:", argv[0]);
    for (size_t i = 0; i < n; ++i) fprintf(stderr, " %s", scenarios[i].name);
    fprintf(stderr, "\n");
    return 2;
  }
  for (size_t i = 0; i < n; ++i) {
    if (strcmp(argv[1], scenarios[i].name) != 0) continue;
    scenarios[i].run();
    fprintf(stderr, "%s: %d failed check(s)\n", argv[1], wx_test_failures);
    return wx_test_failures == 0 ? 0 : 1;
  }
  fprintf(stderr, "unknown scenario '%s'\n", argv[1]);
  return 2;
}
