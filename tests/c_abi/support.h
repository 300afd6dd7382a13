/* support.h: what the C ABI scenarios share: a temporary directory removed at exit, minimal
 * JSON reading (members as the library prints compact JSON), files, UTF-8 checks, and a
 * callback context whose free is counted.
 *
 * The JSON helpers are deliberately small: they find `"key":` at any depth, so tests call
 * them on documents where that key is unambiguous (or on a slice of one). */
#ifndef WX_TEST_SUPPORT_H
#define WX_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* A fresh directory for this run ("/tmp/wx-cabi-XXXXXX"), removed with its content at exit. */
const char* test_dir(void);
/* test_dir() + "/" + name, in a static ring of buffers (valid for the next 15 calls). */
const char* test_path(const char* name);

/* The string value of the first `"key":"..."` (unescaped, malloc'd), or NULL. */
char* json_string(const char* json, const char* key);
/* The integer value of the first `"key":N`; `fallback` if absent or not a number. */
long long json_int(const char* json, const char* key, long long fallback);
/* How often `needle` occurs in `hay`. */
size_t count_of(const char* hay, const char* needle);
/* Whether `text` ends in a balanced JSON document: brackets and braces matched outside
 * strings, and only whitespace after the top-level value. */
bool json_balanced(const char* text);
/* Whether `bytes` (size n) are well-formed UTF-8. */
bool utf8_valid(const char* bytes, size_t n);
/* malloc'd printf. */
char* str_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes `n` bytes to `path`; false on failure. */
bool write_file(const char* path, const void* data, size_t n);
/* Reads a whole file (malloc'd, NUL-terminated; size in *n); NULL on failure. */
char* read_file(const char* path, size_t* n);

/* Opens a replica at test_path(name), fatal on failure; with an identity when `user` given. */
wx_replica* open_replica(const char* name, const char* user, const char* role);

/* A callback context: frees are counted, so a test can check "exactly once". */
typedef struct counted_ctx {
  int magic;
  int* frees;
} counted_ctx;
counted_ctx* counted_new(int* frees);
void counted_free(void* ctx);

#endif /* WX_TEST_SUPPORT_H */
