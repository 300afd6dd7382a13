/* scenarios.h: every scenario of the C ABI test; main.c runs one by name (ctest registers
 * one test per scenario, see CMakeLists.txt). */
#ifndef WX_TEST_SCENARIOS_H
#define WX_TEST_SCENARIOS_H

void scenario_version_and_errors(void);
void scenario_bad_handles(void);
void scenario_closed_replica(void);
void scenario_open_and_identity(void);
void scenario_entities_and_queries(void);
void scenario_export_import_conflicts(void);
void scenario_dossier_cycle(void);
void scenario_todo(void);
void scenario_trash(void);
void scenario_extended_schema(void);
void scenario_messages(void);
void scenario_requests(void);
void scenario_observers(void);
void scenario_transports(void);
void scenario_threads_writing(void);
void scenario_close_during_sync(void);
void scenario_syncs_take_turns(void);
void scenario_sync_curl(void);
void scenario_sync_callback(void);
void scenario_sync_while_writing(void);
void scenario_blobs(void);
void scenario_signoff(void);
void scenario_signoff_story(void);

#endif /* WX_TEST_SCENARIOS_H */
