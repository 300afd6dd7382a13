/* check.h: the C ABI test's own assertion framework (C11, no C++).
 *
 * CHECK* macros print file:line and, for library calls, the wx_error's code and message;
 * they count failures and go on. REQUIRE* macros stop the scenario (exit 1, after the
 * atexit handlers that stop the server and remove the temporary directory). The scenario
 * runner exits nonzero when any check failed.
 *
 * Macros that call the library use a `wx_error err;` declared by the test function: the
 * error is filled with a sentinel first, so a call that fails without writing it shows. */
#ifndef WX_TEST_CHECK_H
#define WX_TEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "werkex.h"

extern int wx_test_failures;

void wx_test_fail(const char* file, int line, const char* what, const char* detail);
/* Text of a successful call (copied, buffer freed); a NULL buffer is fatal. */
char* wx_test_take(wx_buffer* buffer, const wx_error* err, const char* file, int line,
                   const char* expr);
/* Like wx_test_take, but a NULL buffer is a failed check, not the end: returns NULL. */
char* wx_test_take_or_null(wx_buffer* buffer, const wx_error* err, const char* file, int line,
                           const char* expr);
/* A failed call: NULL/false and `err` written with `code` and a NUL-terminated message. */
void wx_test_expect_fail(bool failed, const wx_error* err, wx_error_code code, const char* file,
                         int line, const char* expr);
void wx_test_expect_ok(bool ok, const wx_error* err, const char* file, int line, const char* expr);
void wx_test_poison(wx_error* err);

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) wx_test_fail(__FILE__, __LINE__, "CHECK(" #cond ")", 0); \
  } while (0)

#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond)) {                                                             \
      wx_test_fail(__FILE__, __LINE__, "REQUIRE(" #cond ")", "stopping here"); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STREQ(a, b)                                                                      \
  do {                                                                                         \
    const char* a_ = (a);                                                                      \
    const char* b_ = (b);                                                                      \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
      char d_[512];                                                                            \
      snprintf(d_, sizeof d_, "'%.200s' != '%.200s'", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
      wx_test_fail(__FILE__, __LINE__, "CHECK_STREQ(" #a ", " #b ")", d_);                     \
    }                                                                                          \
  } while (0)

/* `needle` occurs in `hay` (e.g. a member as the library prints compact JSON). */
#define CHECK_HAS(hay, needle)                                                     \
  do {                                                                             \
    const char* h_ = (hay);                                                        \
    const char* n_ = (needle);                                                     \
    if (!h_ || !strstr(h_, n_)) {                                                  \
      char d_[700];                                                                \
      snprintf(d_, sizeof d_, "'%.100s' not in '%.500s'", n_, h_ ? h_ : "(null)"); \
      wx_test_fail(__FILE__, __LINE__, "CHECK_HAS(" #hay ", " #needle ")", d_);    \
    }                                                                              \
  } while (0)

#define CHECK_HASNT(hay, needle)                                                     \
  do {                                                                               \
    const char* h_ = (hay);                                                          \
    const char* n_ = (needle);                                                       \
    if (!h_ || strstr(h_, n_)) {                                                     \
      char d_[700];                                                                  \
      snprintf(d_, sizeof d_, "'%.100s' found in '%.500s'", n_, h_ ? h_ : "(null)"); \
      wx_test_fail(__FILE__, __LINE__, "CHECK_HASNT(" #hay ", " #needle ")", d_);    \
    }                                                                                \
  } while (0)

/* A call returning a wx_buffer that must succeed: evaluates to a malloc'd copy of its text. */
#define TAKE(expr) (wx_test_poison(&err), wx_test_take((expr), &err, __FILE__, __LINE__, #expr))

/* A call returning bool (or a handle) that must succeed. */
#define CHECK_OK(expr)                                       \
  do {                                                       \
    wx_test_poison(&err);                                    \
    bool ok_ = (expr) ? true : false;                        \
    wx_test_expect_ok(ok_, &err, __FILE__, __LINE__, #expr); \
  } while (0)

/* A call returning bool or a handle that must fail with `code` (a handle that unexpectedly
 * came back is leaked: the test failed anyway). */
#define CHECK_FAILS(expr, code)                                            \
  do {                                                                     \
    wx_test_poison(&err);                                                  \
    bool failed_ = (expr) ? false : true;                                  \
    wx_test_expect_fail(failed_, &err, (code), __FILE__, __LINE__, #expr); \
  } while (0)

/* A call returning a wx_buffer that must fail with `code`. */
#define CHECK_FAILS_BUF(expr, code)                                           \
  do {                                                                        \
    wx_test_poison(&err);                                                     \
    wx_buffer* b_ = (expr);                                                   \
    wx_test_expect_fail(b_ == NULL, &err, (code), __FILE__, __LINE__, #expr); \
    wx_buffer_free(b_);                                                       \
  } while (0)

#endif /* WX_TEST_CHECK_H */
