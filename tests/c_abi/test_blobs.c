/* Photos through the real server: attached offline, held back on mobile data by the
 * wifi_only policy, uploaded in chunks through the callback transport, fetched by the mentor
 * byte for byte. */
#include <stdlib.h>

#include "scenarios.h"
#include "sync_support.h"

enum { kPhotoSize = 2 * 1024 * 1024 + 12345 }; /* three 1 MiB chunks */

void scenario_blobs(void) {
  wx_error err;
  test_server* s = server_start("server");
  wx_transport* curl = quick_curl();
  int frees = 0;
  http_ctx* ctx = http_ctx_new(&frees);
  wx_transport* cb = wx_transport_new_callback(http_send, ctx, http_ctx_free, &err);
  REQUIRE(cb != NULL);
  wx_replica* sem = enrolled(s, curl, "sem.db", "Sem");
  wx_replica* mentor = enrolled(s, cb, "mentor.db", "Mevrouw Jansen");

  char* act = TAKE(wx_dossier_plan_activity(sem, "{\"kind\":\"snuffelstage\"}", &err));
  char* j = str_printf("{\"activity\":\"%s\",\"note\":\"De keuken\"}", act);
  char* exp = TAKE(wx_dossier_record_experience(sem, j, &err));
  free(j);
  unsigned char* photo = malloc(kPhotoSize);
  REQUIRE(photo != NULL);
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < kPhotoSize; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    photo[i] = (unsigned char)x;
  }
  REQUIRE(write_file(test_path("keuken.jpg"), photo, kPhotoSize));

  /* Attach: refused ones leave nothing behind. */
  char* before = TAKE(wx_blob_status(sem, &err));
  CHECK_HAS(before, "\"policy\":\"always\"");
  CHECK_HAS(before, "\"pending_upload\":[]");
  CHECK(wx_blob_attach(sem, "0190a000-0000-7000-8000-00000000ffff", test_path("keuken.jpg"), NULL,
                       NULL, &err) == NULL);
  CHECK(err.code == WX_NOT_FOUND || err.code == WX_INVALID_ARGUMENT);
  CHECK(wx_blob_attach(sem, exp, test_path("bestaat-niet.jpg"), NULL, NULL, &err) == NULL);
  CHECK(err.code == WX_NOT_FOUND || err.code == WX_IO);
  char* after = TAKE(wx_blob_status(sem, &err));
  CHECK_STREQ(after, before);
  free(after);
  free(before);

  char* blob = TAKE(wx_blob_attach(sem, exp, test_path("keuken.jpg"), NULL, "Mijn werkplek", &err));
  CHECK_HAS(blob, "\"mime\":\"image/jpeg\"");
  CHECK(json_int(blob, "size", 0) == kPhotoSize);
  char* sha = json_string(blob, "sha256");
  char* blob_id = json_string(blob, "blob_id");
  REQUIRE(sha && strlen(sha) == 64 && blob_id);
  char* doc = TAKE(wx_replica_get(sem, exp, &err));
  CHECK_HAS(doc, sha);
  free(doc);
  doc = TAKE(wx_replica_get(sem, blob_id, &err));
  CHECK_HAS(doc, "\"caption\":\"Mijn werkplek\"");
  free(doc);
  char* info = TAKE(wx_blob_info(sem, sha, &err));
  CHECK_HAS(info, "\"state\":\"local_pending_upload\"");
  free(info);
  char* st = TAKE(wx_blob_status(sem, &err));
  CHECK_HAS(strstr(st, "\"pending_upload\":"), sha);
  free(st);

  /* wifi_only: on mobile data the photo waits, entities go. */
  CHECK_OK(wx_blob_set_policy(sem, "wifi_only", &err));
  st = TAKE(wx_blob_status(sem, &err));
  CHECK_HAS(st, "\"policy\":\"wifi_only\"");
  free(st);
  free(sync_ok(sem, curl));
  char* report = TAKE(wx_blob_upload(sem, cb, "cellular", &err));
  CHECK_HAS(report, "\"uploaded\":0");
  CHECK(json_int(report, "skipped_by_policy", 0) == 1);
  free(report);
  CHECK(ctx->blob_puts == 0);
  info = TAKE(wx_blob_info(sem, sha, &err));
  CHECK_HAS(info, "\"state\":\"local_pending_upload\"");
  free(info);

  /* Refused for good: failed with the server's reason, until queued again. */
  ctx->mode = HTTP_BLOB_FORBIDDEN;
  report = TAKE(wx_blob_upload(sem, cb, "wifi", &err));
  CHECK_HAS(report, "\"failed\":1");
  CHECK_HAS(strstr(report, "\"failures\":"), sha);
  free(report);
  info = TAKE(wx_blob_info(sem, sha, &err));
  CHECK_HAS(info, "\"state\":\"failed\"");
  CHECK_HAS(info, "test: not yours");
  free(info);
  st = TAKE(wx_blob_status(sem, &err));
  CHECK_HAS(strstr(st, "\"failed\":"), sha);
  free(st);
  uint64_t n = 0;
  CHECK_OK(wx_blob_retry_failed(sem, &n, &err));
  CHECK(n == 1);
  info = TAKE(wx_blob_info(sem, sha, &err));
  CHECK_HAS(info, "\"state\":\"local_pending_upload\"");
  free(info);
  ctx->mode = HTTP_FORWARD;

  /* On Wi-Fi it goes up, in chunks through the app's HTTP stack. */
  report = TAKE(wx_blob_upload(sem, cb, "wifi", &err));
  CHECK_HAS(report, "\"uploaded\":1");
  CHECK(json_int(report, "bytes", 0) == kPhotoSize);
  CHECK_HAS(strstr(report, "\"uploaded_hashes\":"), sha);
  free(report);
  CHECK(ctx->blob_puts >= 3);
  CHECK(ctx->blob_bytes == kPhotoSize);
  info = TAKE(wx_blob_info(sem, sha, &err));
  CHECK_HAS(info, "\"state\":\"uploaded\"");
  free(info);
  n = 99;
  CHECK_OK(wx_blob_retry_failed(sem, &n, &err));
  CHECK(n == 0);
  CHECK_OK(wx_blob_retry_failed(sem, NULL, &err));

  /* The mentor syncs the entity and fetches the bytes lazily (ranged GETs through the
   * callback), then has them without the network. */
  free(sync_ok(mentor, curl));
  info = TAKE(wx_blob_info(mentor, sha, &err));
  CHECK_HAS(info, "\"state\":\"remote_only\"");
  free(info);
  int requests = ctx->requests;
  char* path = TAKE(wx_blob_fetch(mentor, cb, sha, &err));
  CHECK(ctx->requests > requests);
  size_t got = 0;
  char* bytes = read_file(path, &got);
  CHECK(bytes && got == kPhotoSize && memcmp(bytes, photo, kPhotoSize) == 0);
  free(bytes);
  requests = ctx->requests;
  char* path2 = TAKE(wx_blob_fetch(mentor, cb, sha, &err));
  CHECK_STREQ(path2, path);
  CHECK(ctx->requests == requests);
  free(path2);
  free(path);
  info = TAKE(wx_blob_info(mentor, sha, &err));
  CHECK_HASNT(info, "\"state\":\"remote_only\"");
  free(info);

  const char* unknown = "0000000000000000000000000000000000000000000000000000000000000000";
  CHECK_FAILS_BUF(wx_blob_info(sem, unknown, &err), WX_NOT_FOUND);
  CHECK_FAILS_BUF(wx_blob_fetch(mentor, curl, unknown, &err), WX_NOT_FOUND);
  CHECK(wx_blob_info(sem, "geen-hash", &err) == NULL);

  free(photo);
  free(blob_id);
  free(sha);
  free(blob);
  free(exp);
  free(act);
  wx_replica_release(sem);
  wx_replica_release(mentor);
  wx_transport_release(cb);
  wx_transport_release(curl);
  CHECK(frees == 1);
  server_stop(s);
}
