/* server.c: starts and stops werkex-server, reads its URL and codes (see server.h). */
#include "server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

static test_server* running[4];
static size_t running_count;
static char data_dirs[4][512];

static void stop_all(void) {
  for (size_t i = 0; i < running_count; ++i) server_stop(running[i]);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* One "  Name With Spaces   role        CODE" line: the code is the last word, the role the
 * word before it, the name what precedes the role. False if the line does not fit. */
static bool parse_person(const char* line, size_t len, demo_person* p) {
  size_t end = len;
  while (end > 2 && line[end - 1] == ' ') --end;
  size_t code_at = end;
  while (code_at > 2 && line[code_at - 1] != ' ') --code_at;
  size_t role_end = code_at;
  while (role_end > 2 && line[role_end - 1] == ' ') --role_end;
  size_t role_at = role_end;
  while (role_at > 2 && line[role_at - 1] != ' ') --role_at;
  size_t name_end = role_at;
  while (name_end > 2 && line[name_end - 1] == ' ') --name_end;
  if (name_end <= 2 || role_at == role_end || code_at == end) return false;
  if (name_end - 2 >= sizeof p->name || role_end - role_at >= sizeof p->role ||
      end - code_at >= sizeof p->code)
    return false;
  snprintf(p->name, sizeof p->name, "%.*s", (int)(name_end - 2), line + 2);
  snprintf(p->role, sizeof p->role, "%.*s", (int)(role_end - role_at), line + role_at);
  snprintf(p->code, sizeof p->code, "%.*s", (int)(end - code_at), line + code_at);
  return true;
}

/* True once the URL and the codes are in the log. */
static bool parse_log(test_server* s) {
  char* all = read_file(s->log_path, NULL);
  if (!all) return false;
  bool done = false;
  const char* from = NULL;
  for (const char* at = strstr(all, "\"listening\""); at; at = strstr(at + 1, "\"listening\""))
    from = at;
  if (from && strstr(from, "Try,")) {
    const char* line_start = from;
    while (line_start > all && line_start[-1] != '\n') --line_start;
    const char* line_end = strchr(from, '\n');
    char* line = str_printf("%.*s", (int)(line_end - line_start), line_start);
    char* url = json_string(line, "url");
    if (url) snprintf(s->url, sizeof s->url, "%s", url);
    free(url);
    free(line);
    const char* pos = strstr(from, "Enrolment codes");
    pos = pos ? strchr(pos, '\n') : NULL;
    s->people_count = 0;
    while (pos && pos[1] == ' ' && pos[2] == ' ' &&
           s->people_count < sizeof s->people / sizeof s->people[0]) {
      const char* l = pos + 1;
      const char* e = strchr(l, '\n');
      if (!e) break;
      if (parse_person(l, (size_t)(e - l), &s->people[s->people_count])) ++s->people_count;
      pos = e;
    }
    done = s->url[0] != '\0';
  }
  free(all);
  return done;
}

test_server* server_start(const char* name) {
  REQUIRE(running_count < 4);
  test_server* s = calloc(1, sizeof *s);
  REQUIRE(s != NULL);
  char* data = data_dirs[running_count];
  snprintf(data, sizeof data_dirs[0], "%s", test_path(name));
  snprintf(s->log_path, sizeof s->log_path, "%s.log", data);
  fflush(NULL);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!freopen(s->log_path, "a", stdout)) _exit(126);
#ifdef WERKEX_SERVER /* not in a build without the server: its scenarios are not run */
    execl(WERKEX_SERVER, WERKEX_SERVER, "--data", data, "--listen", "127.0.0.1:0", "--demo",
          (char*)NULL);
#endif
    _exit(127);
  }
  s->pid = pid;
  if (running_count == 0) atexit(stop_all);
  running[running_count++] = s;
  /* Up to a minute: a sanitizer build starts slowly. */
  for (int attempt = 0; attempt < 1200 && !parse_log(s); ++attempt) {
    int status;
    if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
      s->pid = 0;
      fprintf(stderr, "werkex-server exited early; log %s\n", s->log_path);
      break;
    }
    sleep_ms(50);
  }
  REQUIRE(s->url[0] != '\0');
  REQUIRE(s->people_count >= 7);
  return s;
}

const char* server_code(const test_server* s, const char* name) {
  for (size_t i = 0; i < s->people_count; ++i)
    if (strcmp(s->people[i].name, name) == 0) return s->people[i].code;
  fprintf(stderr, "no demo person '%s'\n", name);
  REQUIRE(false);
  return NULL;
}

const char* server_role(const test_server* s, const char* name) {
  for (size_t i = 0; i < s->people_count; ++i)
    if (strcmp(s->people[i].name, name) == 0) return s->people[i].role;
  return NULL;
}

const char* server_data(const test_server* s) {
  for (size_t i = 0; i < running_count; ++i)
    if (running[i] == s) return data_dirs[i];
  return NULL;
}

void server_stop(test_server* s) {
  if (!s || s->pid <= 0) return;
  kill(s->pid, SIGTERM);
  int status = 0;
  waitpid(s->pid, &status, 0);
  s->pid = 0;
}

char* server_admin(const test_server* s, const char* args) {
#ifdef WERKEX_ADMIN
  char* cmd = str_printf("%s --data %s %s", WERKEX_ADMIN, server_data(s), args);
  FILE* p = popen(cmd, "r");
  free(cmd);
  if (!p) return NULL;
  char buf[256] = {0};
  char* line = fgets(buf, sizeof buf, p);
  int rc = pclose(p);
  if (!line || rc != 0) return NULL;
  size_t n = strlen(buf);
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
  return str_printf("%s", buf);
#else
  (void)s;
  (void)args;
  return NULL;
#endif
}
