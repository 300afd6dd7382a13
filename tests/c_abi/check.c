/* check.c: the assertion framework's failure reporting (see check.h). */
#include "check.h"

#include <stdlib.h>

int wx_test_failures = 0;

void wx_test_fail(const char* file, int line, const char* what, const char* detail) {
  ++wx_test_failures;
  fprintf(stderr, "%s:%d: FAILED: %s%s%s\n", file, line, what, detail ? ": " : "",
          detail ? detail : "");
  fflush(stderr);
}

void wx_test_poison(wx_error* err) {
  /* Not a valid code and no NUL anywhere: a failure that leaves it so is caught. */
  err->code = (wx_error_code)0x5a5a;
  memset(err->message, 'Z', sizeof err->message);
}

static bool message_ok(const wx_error* err) {
  const char* nul = memchr(err->message, '\0', sizeof err->message);
  return nul != NULL && nul != err->message;
}

static void describe(const wx_error* err, char* out, size_t n) {
  if (!message_ok(err)) {
    snprintf(out, n, "error code %d, message not NUL-terminated or empty", (int)err->code);
    return;
  }
  snprintf(out, n, "%s (%d): %.700s", wx_error_code_name(err->code), (int)err->code, err->message);
}

char* wx_test_take_or_null(wx_buffer* buffer, const wx_error* err, const char* file, int line,
                           const char* expr) {
  if (!buffer) {
    char d[900];
    describe(err, d, sizeof d);
    wx_test_fail(file, line, expr, d);
    return NULL;
  }
  return wx_test_take(buffer, err, file, line, expr);
}

char* wx_test_take(wx_buffer* buffer, const wx_error* err, const char* file, int line,
                   const char* expr) {
  if (!buffer) {
    char d[900];
    describe(err, d, sizeof d);
    wx_test_fail(file, line, expr, d);
    exit(1);
  }
  if (!buffer->data || buffer->data[buffer->size] != '\0')
    wx_test_fail(file, line, expr, "buffer not followed by a NUL");
  char* copy = malloc(buffer->size + 1);
  if (!copy) abort();
  memcpy(copy, buffer->data, buffer->size + 1);
  wx_buffer_free(buffer);
  return copy;
}

void wx_test_expect_ok(bool ok, const wx_error* err, const char* file, int line, const char* expr) {
  if (ok) {
    /* Written only on failure: the sentinel must still be there. */
    if ((int)err->code != 0x5a5a || err->message[0] != 'Z')
      wx_test_fail(file, line, expr, "succeeded but wrote out_error");
    return;
  }
  char d[900];
  describe(err, d, sizeof d);
  wx_test_fail(file, line, expr, d);
}

void wx_test_expect_fail(bool failed, const wx_error* err, wx_error_code code, const char* file,
                         int line, const char* expr) {
  char d[1000];
  if (!failed) {
    snprintf(d, sizeof d, "succeeded, expected %s", wx_error_code_name(code));
    wx_test_fail(file, line, expr, d);
    return;
  }
  if (!message_ok(err) || err->code != code) {
    char got[900];
    describe(err, got, sizeof got);
    snprintf(d, sizeof d, "expected %s, got %s", wx_error_code_name(code), got);
    wx_test_fail(file, line, expr, d);
  }
}
