/* Offline: opening, identity and server, entities and queries, export/import and conflicts. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

void scenario_open_and_identity(void) {
  wx_error err;
  /* Options are read strictly. */
  CHECK_FAILS(wx_replica_open(test_path("o1.db"), "{\"durable\":\"no\"}", &err),
              WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "durable");
  CHECK_FAILS(wx_replica_open(test_path("o1.db"), "{\"durabel\":true}", &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "durabel");
  CHECK_FAILS(wx_replica_open(test_path("o1.db"), "{\"durable\":", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_open(test_path("o1.db"), "[true]", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_open(test_path("no/such/dir/o.db"), NULL, &err), WX_IO);
  CHECK(wx_replica_open(test_path("no/such/dir/o.db"), NULL, NULL) == NULL);
  REQUIRE(write_file(test_path("text.db"), "not a database, just text\n", 26));
  CHECK_FAILS(wx_replica_open(test_path("text.db"), NULL, &err), WX_CORRUPT);

  wx_replica* r = wx_replica_open(test_path("o1.db"), "{\"durable\":false}", &err);
  REQUIRE(r != NULL);
  char* status = TAKE(wx_replica_status(r, &err));
  CHECK(json_balanced(status));
  static const char* const members[] = {"replica",       "user",      "role",     "bucket",
                                        "school_bucket", "server",    "last_seq", "waiting_to_push",
                                        "quarantined",   "last_sync", "entities", "blobs"};
  for (size_t i = 0; i < sizeof members / sizeof members[0]; ++i) {
    char* key = str_printf("\"%s\":", members[i]);
    CHECK_HAS(status, key);
    free(key);
  }
  CHECK_HAS(status, "\"server\":null");
  CHECK_HAS(status, "\"last_sync\":null");
  CHECK_HAS(status, "\"activity\":0");
  char* replica_id = json_string(status, "replica");
  CHECK(replica_id && strlen(replica_id) >= 16);
  free(status);

  /* Identity: refused input changes nothing. */
  CHECK_OK(wx_replica_set_identity(r, "{\"user\":\"" SEM "\",\"role\":\"pupil\"}", &err));
  CHECK_FAILS(wx_replica_set_identity(r, "{\"user\":\"x\",\"role\":\"wizard\"}", &err),
              WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "wizard");
  CHECK_FAILS(wx_replica_set_identity(r, "{\"user\":\"x\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_identity(r, "{\"user\":5,\"role\":\"pupil\"}", &err),
              WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_identity(r, "{\"user\":\"x\",\"role\":\"pupil\",\"age\":13}", &err),
              WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "age");
  CHECK_FAILS(wx_replica_set_identity(r, "{\"user\":\"x\",", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_identity(r, "\"pupil\"", &err), WX_INVALID_ARGUMENT);
  CHECK(!wx_replica_set_identity(r, "{", NULL));
  status = TAKE(wx_replica_status(r, &err));
  CHECK_HAS(status, "\"user\":\"" SEM "\"");
  CHECK_HAS(status, "\"role\":\"pupil\"");
  CHECK_HAS(status, "\"bucket\":\"pupil:" SEM "\"");
  CHECK_HAS(status, "\"school_bucket\":\"school:default\"");
  free(status);

  /* Server URL: http:// or https:// only. */
  CHECK_FAILS(wx_replica_set_server(r, "ftp://werkex.school.nl", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_server(r, "werkex.school.nl", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_server(r, "", &err), WX_INVALID_ARGUMENT);
  CHECK_OK(wx_replica_set_server(r, "https://werkex.school.nl", &err));
  status = TAKE(wx_replica_status(r, &err));
  CHECK_HAS(status, "\"server\":\"https://werkex.school.nl\"");
  free(status);

  /* A teacher with explicit buckets; the replica id stays. */
  CHECK_OK(wx_replica_set_identity(
      r, "{\"user\":\"t1\",\"role\":\"teacher\",\"bucket\":\"\",\"school_bucket\":\"school:x\"}",
      &err));
  status = TAKE(wx_replica_status(r, &err));
  CHECK_HAS(status, "\"role\":\"teacher\"");
  CHECK_HAS(status, "\"school_bucket\":\"school:x\"");
  char* again = json_string(status, "replica");
  CHECK_STREQ(again, replica_id);
  free(again);
  free(replica_id);
  free(status);
  wx_replica_release(r);

  /* blob_dir: where attached files go. */
  char* options = str_printf("{\"blob_dir\":\"%s\",\"durable\":true}", test_path("myblobs"));
  r = wx_replica_open(test_path("o2.db"), options, &err);
  free(options);
  REQUIRE(r != NULL);
  CHECK_OK(wx_replica_set_identity(r, "{\"user\":\"" SEM "\",\"role\":\"pupil\"}", &err));
  char* act = TAKE(wx_dossier_plan_activity(r, "{\"kind\":\"thuis_hobby\"}", &err));
  char* doc = str_printf("{\"activity\":\"%s\",\"note\":\"Taart gebakken\"}", act);
  char* exp = TAKE(wx_dossier_record_experience(r, doc, &err));
  REQUIRE(write_file(test_path("taart.png"), "\x89PNG fake", 9));
  char* blob = TAKE(wx_blob_attach(r, exp, test_path("taart.png"), NULL, "Mijn taart", &err));
  CHECK_HAS(blob, "\"mime\":\"image/png\"");
  CHECK_HAS(blob, "\"size\":9");
  char* sha = json_string(blob, "sha256");
  char* info = TAKE(wx_blob_info(r, sha, &err));
  char* path = json_string(info, "path");
  CHECK(path && strncmp(path, test_path("myblobs"), strlen(test_path("myblobs"))) == 0);
  size_t n = 0;
  char* bytes = read_file(path ? path : "", &n);
  CHECK(bytes && n == 9 && memcmp(bytes, "\x89PNG fake", 9) == 0);
  free(bytes);
  free(path);
  free(info);
  free(sha);
  free(blob);
  free(exp);
  free(doc);
  free(act);
  wx_replica_release(r);
}

/* Position of `needle` in `hay`, or -1. */
static long pos_of(const char* hay, const char* needle) {
  const char* at = strstr(hay, needle);
  return at ? (long)(at - hay) : -1;
}

static uint64_t count_q(wx_replica* r, const char* query) {
  wx_error err;
  uint64_t n = 12345;
  CHECK_OK(wx_replica_count(r, query, &n, &err));
  return n;
}

void scenario_entities_and_queries(void) {
  wx_error err;
  wx_replica* r = open_replica("e.db", SEM, "pupil");
  char* a1 = TAKE(wx_replica_put(
      r, "{\"type\":\"activity\",\"kind\":\"snuffelstage\",\"title\":\"Bakker\"}", &err));
  char* a2 = TAKE(wx_replica_put(
      r,
      "{\"type\":\"activity\",\"kind\":\"interview\",\"title\":\"Arts\",\"chosen_by_pupil\":true}",
      &err));
  char* a3 = TAKE(wx_replica_put(r,
                                 "{\"type\":\"activity\",\"kind\":\"snuffelstage\",\"title\":"
                                 "\"Czaar\",\"competencies\":[\"netwerken\",\"werkexploratie\"]}",
                                 &err));
  char* c1 =
      TAKE(wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"Piet \\\"de kok\\\"\"}", &err));
  CHECK(strlen(a1) == 36 && strcmp(a1, a2) != 0);

  char* doc = TAKE(wx_replica_get(r, a1, &err));
  CHECK(json_balanced(doc));
  char* want = str_printf("\"id\":\"%s\"", a1);
  CHECK_HAS(doc, want);
  free(want);
  CHECK_HAS(doc, "\"type\":\"activity\"");
  CHECK_HAS(doc, "\"title\":\"Bakker\"");
  CHECK_HAS(doc, "\"kind\":\"snuffelstage\"");
  free(doc);
  doc = TAKE(wx_replica_get(r, c1, &err));
  CHECK_HAS(doc, "\"name\":\"Piet \\\"de kok\\\"\"");
  free(doc);

  /* An update writes only the fields given; a set takes add/remove. */
  char* upd = str_printf("{\"id\":\"%s\",\"title\":\"Bakkerij\"}", a1);
  char* id = TAKE(wx_replica_put(r, upd, &err));
  CHECK_STREQ(id, a1);
  free(id);
  free(upd);
  doc = TAKE(wx_replica_get(r, a1, &err));
  CHECK_HAS(doc, "\"title\":\"Bakkerij\"");
  CHECK_HAS(doc, "\"kind\":\"snuffelstage\"");
  free(doc);
  upd = str_printf(
      "{\"id\":\"%s\",\"competencies\":{\"add\":[\"loopbaansturing\"],\"remove\":[\"netwerken\"]}}",
      a3);
  free(TAKE(wx_replica_put(r, upd, &err)));
  free(upd);
  doc = TAKE(wx_replica_get(r, a3, &err));
  CHECK_HAS(doc, "loopbaansturing");
  CHECK_HAS(doc, "werkexploratie");
  CHECK_HASNT(doc, "netwerken");
  free(doc);

  /* Refused writes write nothing. */
  uint64_t total = count_q(r, NULL);
  CHECK(total == 4);
  CHECK_FAILS_BUF(
      wx_replica_put(r, "{\"type\":\"activity\",\"kind\":\"snuffelstage\",\"colour\":\"red\"}",
                     &err),
      WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "colour");
  CHECK_FAILS_BUF(
      wx_replica_put(
          r, "{\"type\":\"activity\",\"kind\":\"snuffelstage\",\"chosen_by_pupil\":\"yes\"}", &err),
      WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"activity\",\"kind\":\"ruimtevaart\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"activity\",\"title\":\"zonder soort\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"spaceship\",\"name\":\"x\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"activity\",", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, "[{\"type\":\"activity\"}]", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(
      wx_replica_put(r, "{\"id\":\"0190a000-0000-7000-8000-00000000ffff\",\"title\":\"x\"}", &err),
      WX_NOT_FOUND);
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"company\",\"name\":\"Bistro\"}", &err),
                  WX_PERMISSION_DENIED);
  CHECK(count_q(r, NULL) == total);

  /* Queries. */
  CHECK(count_q(r, "{}") == 4);
  CHECK(count_q(r, "{\"type\":\"activity\"}") == 3);
  char* list = TAKE(wx_replica_list(
      r, "{\"type\":\"activity\",\"field\":\"kind\",\"equals\":\"snuffelstage\"}", &err));
  CHECK(json_balanced(list) && list[0] == '[');
  CHECK(strstr(list, a1) && strstr(list, a3) && !strstr(list, a2));
  free(list);
  CHECK(count_q(r, "{\"type\":\"activity\",\"field\":\"chosen_by_pupil\",\"equals\":true}") == 1);
  CHECK(
      count_q(r,
              "{\"type\":\"activity\",\"field\":\"competencies\",\"equals\":\"werkexploratie\"}") ==
      1);
  CHECK(count_q(r, "{\"type\":\"activity\",\"field\":\"competencies\",\"equals\":\"netwerken\"}") ==
        0);
  CHECK(count_q(r, "{\"bucket\":\"pupil:" SEM "\"}") == 4);
  CHECK(count_q(r, "{\"bucket\":\"pupil:someone-else\"}") == 0);
  list = TAKE(wx_replica_list(r, "{\"type\":\"activity\",\"order_by\":\"title\"}", &err));
  long arts = pos_of(list, "\"Arts\""), bakkerij = pos_of(list, "\"Bakkerij\""),
       czaar = pos_of(list, "\"Czaar\"");
  CHECK(arts >= 0 && arts < bakkerij && bakkerij < czaar);
  free(list);
  list = TAKE(wx_replica_list(
      r, "{\"type\":\"activity\",\"order_by\":\"title\",\"limit\":1,\"offset\":1}", &err));
  CHECK_HAS(list, "\"Bakkerij\"");
  CHECK(count_of(list, "\"type\":\"activity\"") == 1);
  free(list);
  list = TAKE(wx_replica_list(r, "{\"type\":\"activity\",\"limit\":2}", &err));
  CHECK(count_of(list, "\"type\":\"activity\"") == 2);
  free(list);
  list = TAKE(wx_replica_list(r, "{\"type\":\"activity\",\"offset\":2}", &err));
  CHECK(count_of(list, "\"type\":\"activity\"") == 1);
  free(list);
  static const char* const bad[] = {"{\"typo\":1}",   "{\"limit\":\"x\"}",
                                    "{\"limit\":-1}", "{\"include_deleted\":1}",
                                    "{\"type\":5}",   "[1]",
                                    "{\"type\":",     "{\"offset\":1.5}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    CHECK_FAILS_BUF(wx_replica_list(r, bad[i], &err), WX_INVALID_ARGUMENT);
    uint64_t n = 77;
    CHECK_FAILS(wx_replica_count(r, bad[i], &n, &err), WX_INVALID_ARGUMENT);
    CHECK(n == 77);
  }
  /* Names the schema does not know would quietly match nothing: refused, naming them. */
  CHECK_FAILS_BUF(wx_replica_list(r, "{\"type\":\"activity\",\"order_by\":\"titel\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "activity has no field 'titel'");
  CHECK_FAILS_BUF(
      wx_replica_list(r, "{\"type\":\"activity\",\"field\":\"soort\",\"equals\":\"x\"}", &err),
      WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "activity has no field 'soort'");
  CHECK_FAILS_BUF(wx_replica_list(r, "{\"type\":\"activiteit\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "unknown type 'activiteit'");
  {
    uint64_t n = 77;
    CHECK_FAILS(wx_replica_count(r, "{\"type\":\"activiteit\"}", &n, &err), WX_INVALID_ARGUMENT);
    CHECK(n == 77);
  }
  CHECK_FAILS_BUF(wx_replica_list(r, "{\"type\":\"activity\",\"field\":\"kind\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "'field' and 'equals' go together");

  /* Delete: a tombstone; the entity stays readable and refuses writes. */
  CHECK_OK(wx_replica_delete(r, a2, &err));
  doc = TAKE(wx_replica_get(r, a2, &err));
  CHECK_HAS(doc, "\"deleted\":true");
  free(doc);
  CHECK(count_q(r, "{\"type\":\"activity\"}") == 2);
  CHECK(count_q(r, "{\"type\":\"activity\",\"include_deleted\":true}") == 3);
  upd = str_printf("{\"id\":\"%s\",\"title\":\"terug\"}", a2);
  CHECK_FAILS_BUF(wx_replica_put(r, upd, &err), WX_CONFLICT);
  free(upd);
  CHECK_FAILS(wx_replica_delete(r, "0190a000-0000-7000-8000-00000000ffff", &err), WX_NOT_FOUND);
  CHECK_FAILS_BUF(wx_replica_get(r, "0190a000-0000-7000-8000-00000000ffff", &err), WX_NOT_FOUND);
  CHECK(!wx_replica_delete(r, "0190a000-0000-7000-8000-00000000ffff", NULL));

  /* Dump: every entity, sorted by id; quarantine empty; status counts. */
  char* dump = TAKE(wx_replica_dump(r, &err));
  CHECK(json_balanced(dump));
  const char* ids[] = {a1, a2, a3, c1};
  for (size_t i = 0; i < 4; ++i) CHECK(strstr(dump, ids[i]) != NULL);
  for (size_t i = 0; i < 4; ++i)
    for (size_t j = 0; j < 4; ++j)
      if (strcmp(ids[i], ids[j]) < 0) CHECK(pos_of(dump, ids[i]) < pos_of(dump, ids[j]));
  char* dump2 = TAKE(wx_replica_dump(r, &err));
  CHECK_STREQ(dump, dump2);
  free(dump2);
  free(dump);
  char* q = TAKE(wx_replica_quarantine(r, &err));
  CHECK_STREQ(q, "[]");
  free(q);
  CHECK_OK(wx_replica_clear_quarantine(r, &err));
  char* status = TAKE(wx_replica_status(r, &err));
  CHECK_HAS(status, "\"activity\":2");
  CHECK_HAS(status, "\"contact\":1");
  CHECK_HAS(status, "\"quarantined\":0");
  CHECK(json_int(status, "waiting_to_push", 0) > 0);
  CHECK(json_int(status, "last_seq", 0) >= 6);
  free(status);

  /* Export: everything, or at most `limit` entity updates. */
  char* all = TAKE(wx_replica_export(r, 0, 0, &err));
  CHECK_HAS(all, "\"werkex\":\"bundle\"");
  for (size_t i = 0; i < 4; ++i) CHECK(strstr(all, ids[i]) != NULL);
  char* one = TAKE(wx_replica_export(r, 0, 1, &err));
  CHECK(json_balanced(one));
  CHECK(count_of(one, "\"fields\":") == 1);
  CHECK(json_int(one, "upto", 0) < json_int(all, "upto", 0));
  char* none = TAKE(wx_replica_export(r, (uint64_t)json_int(all, "upto", 0), 0, &err));
  CHECK(count_of(none, "\"fields\":") == 0);
  free(none);
  free(one);
  free(all);
  free(a1);
  free(a2);
  free(a3);
  free(c1);
  wx_replica_release(r);
}
