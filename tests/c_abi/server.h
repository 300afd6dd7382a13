/* server.h: the real werkex-server as a child process for the sync scenarios.
 *
 * Started with `--data DIR --listen 127.0.0.1:0 --demo`, its stdout goes to a log file that
 * is polled until the URL and the demo school's enrolment codes are printed (the same
 * parsing as tests/integration/server_process.hpp). Stopped with SIGTERM at exit. */
#ifndef WX_TEST_SERVER_H
#define WX_TEST_SERVER_H

#include <stddef.h>

typedef struct demo_person {
  char name[64];
  char role[32];
  char code[32];
} demo_person;

typedef struct test_server {
  int pid;
  char url[128];
  char log_path[512];
  demo_person people[16];
  size_t people_count;
} test_server;

/* Starts the server with data in test_path(name); fatal if it does not come up. */
test_server* server_start(const char* name);
/* The enrolment code of a demo person by name; fatal if unknown. */
const char* server_code(const test_server* s, const char* name);
/* The role printed for a demo person, or NULL. */
const char* server_role(const test_server* s, const char* name);
/* The data directory (for werkex-admin). */
const char* server_data(const test_server* s);
/* SIGTERM and wait; also done at exit. */
void server_stop(test_server* s);

/* Runs werkex-admin with `args` on the server's data and returns its first output line
 * (malloc'd), or NULL if the tool is not built or failed. */
char* server_admin(const test_server* s, const char* args);

#endif /* WX_TEST_SERVER_H */
