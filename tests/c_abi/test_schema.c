/* A replica with the app's own entity types (werkex_schema.h): written, read, queried and
 * labelled like werkex's; bad extensions refused with a clear message and nothing opened. */
#include <stdlib.h>
#include <unistd.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

/* NULL is passed on purpose where werkex_schema.h says non-null: the library must refuse it. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wnonnull"
#endif

/* The app's logbook: hours worked per day of a placement, with a mood of its own enum. */
static const char kLogbook[] =
    "{\"types\":{\"stage_log\":{\"doc\":\"hours worked on a placement day\",\"bucket\":\"pupil\","
    "\"write\":[\"pupil\"],\"fields\":{"
    "\"day\":{\"kind\":\"date\",\"required\":true},"
    "\"hours\":{\"kind\":\"int\"},"
    "\"mood\":{\"kind\":\"enum\",\"enum\":\"app_mood\"},"
    "\"experience\":{\"kind\":\"ref\",\"to\":[\"experience\"],\"same_bucket\":true}}}},"
    "\"enums\":{\"app_mood\":[\"goed\",\"zwaar\"]},"
    "\"enum_labels\":{\"app_mood\":{\"goed\":{\"nl\":\"goed\",\"en\":\"good\"},"
    "\"zwaar\":{\"nl\":\"zwaar\",\"en\":\"hard\"}}}}";

/* Opening `name` with `schema` fails with WX_INVALID_ARGUMENT, the message naming `why`, and
 * leaves no file behind. */
static void refused(const char* name, const char* schema, const char* why) {
  wx_error err;
  CHECK_FAILS(wx_replica_open_with_schema(test_path(name), NULL, schema, &err),
              WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "wx_replica_open_with_schema");
  CHECK_HAS(err.message, why);
  CHECK(access(test_path(name), F_OK) != 0);
}

void scenario_extended_schema(void) {
  wx_error err;
  char* builtin = TAKE(wx_schema_builtin(&err));
  CHECK_HAS(builtin, "\"schema_version\"");
  CHECK_HAS(builtin, "\"experience\"");
  free(builtin);

  wx_replica* r =
      wx_replica_open_with_schema(test_path("app.db"), "{\"durable\":false}", kLogbook, &err);
  REQUIRE(r != NULL);
  CHECK_OK(wx_replica_set_identity(r, "{\"user\":\"" SEM "\",\"role\":\"pupil\"}", &err));
  /* werkex's types as before, the app's beside them, refs between the two. */
  char* exp = TAKE(wx_replica_put(r,
                                  "{\"type\":\"experience\",\"occurred_at\":\"2026-03-02T10:00:"
                                  "00Z\",\"note\":\"Bij de bakker\"}",
                                  &err));
  char* doc = str_printf(
      "{\"type\":\"stage_log\",\"day\":\"2026-03-02\",\"hours\":6,\"mood\":\"hard\","
      "\"experience\":\"%s\"}",
      exp);
  char* id = TAKE(wx_replica_put(r, doc, &err));
  free(doc);
  char* got = TAKE(wx_replica_get(r, id, &err));
  CHECK_HAS(got, "\"type\":\"stage_log\"");
  CHECK_HAS(got, "\"hours\":6");
  CHECK_HAS(got, "\"mood\":\"zwaar\""); /* the English label was taken for the value */
  CHECK_HAS(got, exp);
  free(got);
  uint64_t n = 0;
  CHECK_OK(wx_replica_count(r, "{\"type\":\"stage_log\"}", &n, &err));
  CHECK(n == 1);
  char* labels = TAKE(wx_replica_labels(r, "app_mood", &err));
  CHECK_HAS(labels, "\"en\":\"hard\"");
  free(labels);
  /* The app's fields are checked as werkex's are. */
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"stage_log\",\"hours\":6}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "day");
  CHECK_FAILS_BUF(
      wx_replica_put(r, "{\"type\":\"stage_log\",\"day\":\"2026-03-03\",\"hours\":\"zes\"}", &err),
      WX_INVALID_ARGUMENT);
  CHECK_OK(wx_replica_close(r, &err));
  wx_replica_release(r);

  /* Opened again with the extension, the entity is there. */
  r = wx_replica_open_with_schema(test_path("app.db"), NULL, kLogbook, &err);
  REQUIRE(r != NULL);
  got = TAKE(wx_replica_get(r, id, &err));
  CHECK_HAS(got, "\"hours\":6");
  free(got);
  wx_replica_release(r);
  free(id);
  free(exp);

  /* Bad extensions: refused before anything is opened or created. */
  refused("bad1.db", "{\"types\":", "not valid JSON");
  refused("bad2.db", "[]", "not a JSON object");
  refused("bad3.db", "{}", "'types' is missing");
  refused("bad4.db", "{\"types\":{}}", "'types' is missing");
  refused("bad5.db", "{\"roles\":[\"mentor\"],\"types\":{\"x\":{}}}", "unknown key 'roles'");
  refused("bad6.db",
          "{\"types\":{\"contact\":{\"bucket\":\"pupil\",\"write\":[\"pupil\"],\"fields\":{}}}}",
          "'contact' is in the built-in schema");
  refused("bad7.db", "{\"enums\":{\"emotion\":[\"blij\"]},\"types\":{\"x\":{}}}",
          "'emotion' is in the built-in schema");
  refused("bad8.db",
          "{\"types\":{\"x\":{\"bucket\":\"pupil\",\"write\":[\"pupil\"],\"fields\":{\"m\":"
          "{\"kind\":\"enum\",\"enum\":\"nope\"}}}}}",
          "unknown enum 'nope'");
  refused("bad9.db", "{\"types\":{\"x\":{\"bucket\":\"klas\",\"write\":[\"pupil\"]}}}",
          "bucket must be");
  refused("bad10.db", "{\"types\":{\"x\":{\"bucket\":5}}}", "wrong JSON type");
  refused("bad11.db", "{\"types\":[1]}", "'types' is not an object");
  /* The enum's labels are required as for werkex's own. */
  refused("bad12.db",
          "{\"enums\":{\"m\":[\"a\"]},\"types\":{\"x\":{\"bucket\":\"pupil\",\"write\":[\"pupil\"],"
          "\"fields\":{\"m\":{\"kind\":\"enum\",\"enum\":\"m\"}}}}}",
          "m");
  CHECK_FAILS(wx_replica_open_with_schema(test_path("bad13.db"), NULL, NULL, &err),
              WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "schema_json");
  CHECK_FAILS(
      wx_replica_open_with_schema(test_path("bad14.db"), "{\"durabel\":true}", kLogbook, &err),
      WX_INVALID_ARGUMENT);
  CHECK(access(test_path("bad14.db"), F_OK) != 0);
  CHECK_FAILS(wx_replica_open_with_schema(NULL, NULL, kLogbook, &err), WX_INVALID_ARGUMENT);
}
