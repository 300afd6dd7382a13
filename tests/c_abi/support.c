/* support.c: temporary files, minimal JSON reading, counted contexts (see support.h). */
#include "support.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir_path[64];

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void remove_dir(void) {
  if (dir_path[0] && !getenv("WX_KEEP_TEST_DIR"))
    nftw(dir_path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char* test_dir(void) {
  if (!dir_path[0]) {
    snprintf(dir_path, sizeof dir_path, "/tmp/wx-cabi-XXXXXX");
    REQUIRE(mkdtemp(dir_path) != NULL);
    atexit(remove_dir);
  }
  return dir_path;
}

const char* test_path(const char* name) {
  static char ring[16][512];
  static int next = 0;
  char* out = ring[next++ % 16];
  snprintf(out, sizeof ring[0], "%s/%s", test_dir(), name);
  return out;
}

char* str_printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char* out = malloc((size_t)n + 1);
  if (!out) abort();
  va_start(ap, fmt);
  vsnprintf(out, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return out;
}

static const char* member(const char* json, const char* key) {
  if (!json) return NULL;
  char pattern[256];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char* at = strstr(json, pattern);
  return at ? at + strlen(pattern) : NULL;
}

char* json_string(const char* json, const char* key) {
  const char* v = member(json, key);
  if (!v || *v != '"') return NULL;
  ++v;
  size_t cap = strlen(v) + 1, n = 0;
  char* out = malloc(cap);
  if (!out) abort();
  for (; *v && *v != '"'; ++v) {
    if (*v == '\\' && v[1]) {
      ++v;
      char c = *v == 'n' ? '\n' : *v == 't' ? '\t' : *v; /* enough for these tests */
      out[n++] = c;
    } else {
      out[n++] = *v;
    }
  }
  out[n] = '\0';
  return out;
}

long long json_int(const char* json, const char* key, long long fallback) {
  const char* v = member(json, key);
  if (!v) return fallback;
  char* end = NULL;
  long long n = strtoll(v, &end, 10);
  return end == v ? fallback : n;
}

size_t count_of(const char* hay, const char* needle) {
  size_t n = 0;
  size_t len = strlen(needle);
  for (const char* at = hay ? strstr(hay, needle) : NULL; at; at = strstr(at + len, needle)) ++n;
  return n;
}

bool json_balanced(const char* text) {
  char stack[128];
  int depth = 0;
  bool in_string = false, seen_value = false;
  for (const char* p = text; *p; ++p) {
    char c = *p;
    if (in_string) {
      if (c == '\\' && p[1])
        ++p;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (seen_value && depth == 0) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (depth == (int)sizeof stack) return false;
      stack[depth++] = c;
    } else if (c == ']' || c == '}') {
      if (depth == 0 || stack[depth - 1] != (c == ']' ? '[' : '{')) return false;
      if (--depth == 0) seen_value = true;
    }
  }
  return seen_value && !in_string && depth == 0;
}

bool utf8_valid(const char* bytes, size_t n) {
  const unsigned char* s = (const unsigned char*)bytes;
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    for (size_t k = 1; k < len; ++k)
      if ((s[i + k] & 0xc0) != 0x80) return false;
    i += len;
  }
  return true;
}

bool write_file(const char* path, const void* data, size_t n) {
  FILE* f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(data, 1, n, f) == n;
  return fclose(f) == 0 && ok;
}

char* read_file(const char* path, size_t* n) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0;
  char* out = malloc(cap);
  if (!out) abort();
  size_t got;
  while ((got = fread(out + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len - 1 == 0) {
      cap *= 2;
      out = realloc(out, cap);
      if (!out) abort();
    }
  }
  fclose(f);
  out[len] = '\0';
  if (n) *n = len;
  return out;
}

wx_replica* open_replica(const char* name, const char* user, const char* role) {
  wx_error err;
  wx_replica* r = wx_replica_open(test_path(name), NULL, &err);
  if (!r) {
    fprintf(stderr, "open %s: %s\n", name, err.message);
    REQUIRE(r != NULL);
  }
  if (user) {
    char* identity = str_printf("{\"user\":\"%s\",\"role\":\"%s\"}", user, role);
    CHECK_OK(wx_replica_set_identity(r, identity, &err));
    free(identity);
  }
  return r;
}

counted_ctx* counted_new(int* frees) {
  counted_ctx* c = malloc(sizeof *c);
  if (!c) abort();
  c->magic = 4711;
  c->frees = frees;
  return c;
}

void counted_free(void* ctx) {
  counted_ctx* c = ctx;
  CHECK(c != NULL && c->magic == 4711);
  if (!c) return;
  ++*c->frees;
  c->magic = 0;
  free(c);
}
