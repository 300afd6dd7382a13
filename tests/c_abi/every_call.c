/* every_call.c: see every_call.h. */
#include "every_call.h"

#include "check.h"
#include "support.h"

static void noop_observer(void* ctx, const char* changes, size_t size) {
  (void)ctx;
  (void)changes;
  (void)size;
  wx_test_fail(__FILE__, __LINE__, "observer of a failed observe ran", NULL);
}

/* One call: its result must be a failure with `want` written to *e (when e is not NULL). */
static void expect(bool failed, const wx_error* e, wx_error_code want, const char* what, int line) {
  if (e)
    wx_test_expect_fail(failed, e, want, __FILE__, line, what);
  else if (!failed)
    wx_test_fail(__FILE__, line, what, "succeeded with out_error NULL");
}

#define BUF(call)                                 \
  do {                                            \
    if (e) wx_test_poison(e);                     \
    wx_buffer* b_ = (call);                       \
    expect(b_ == NULL, e, want, #call, __LINE__); \
    wx_buffer_free(b_);                           \
    ++n;                                          \
  } while (0)
#define BOOL(call)                             \
  do {                                         \
    if (e) wx_test_poison(e);                  \
    expect(!(call), e, want, #call, __LINE__); \
    ++n;                                       \
  } while (0)

int every_replica_call(wx_replica* r, wx_transport* t, wx_error_code want, bool use_error) {
  wx_error err;
  wx_error* e = use_error ? &err : NULL;
  int n = 0;
  const char* id = "0190a000-0000-7000-8000-00000000abcd";
  const char* sha = "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";
  uint64_t count = 0;
  BUF(wx_replica_status(r, e));
  BOOL(wx_replica_set_identity(r, "{\"user\":\"u\",\"role\":\"pupil\"}", e));
  BOOL(wx_replica_set_server(r, "http://127.0.0.1:9", e));
  BUF(wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"Piet\"}", e));
  BUF(wx_replica_get(r, id, e));
  BOOL(wx_replica_delete(r, id, e));
  BOOL(wx_replica_restore_lost(r, id, "title", e));
  BUF(wx_replica_list(r, NULL, e));
  BOOL(wx_replica_count(r, NULL, &count, e));
  BUF(wx_replica_dump(r, e));
  BUF(wx_replica_labels(r, NULL, e));
  BUF(wx_replica_quarantine(r, e));
  BOOL(wx_replica_clear_quarantine(r, e));
  BUF(wx_replica_export(r, 0, 0, e));
  BUF(wx_replica_import(r, "{}", e));
  int frees = 0;
  if (e) wx_test_poison(e);
  wx_observer* o = wx_replica_observe(r, NULL, noop_observer, counted_new(&frees), counted_free, e);
  expect(o == NULL, e, want, "wx_replica_observe", __LINE__);
  wx_observer_release(o);
  if (frees != 1) wx_test_fail(__FILE__, __LINE__, "failed observe: free_ctx not run once", 0);
  ++n;
  BOOL(wx_sync_enroll(r, t, "ABCDE-FGHIJ", e));
  BUF(wx_sync_run(r, t, NULL, e));
  BUF(wx_blob_attach(r, id, "/nonexistent/file.jpg", NULL, NULL, e));
  BUF(wx_blob_info(r, sha, e));
  BUF(wx_blob_status(r, e));
  BOOL(wx_blob_set_policy(r, "wifi_only", e));
  BUF(wx_blob_upload(r, t, "wifi", e));
  BUF(wx_blob_fetch(r, t, sha, e));
  BOOL(wx_blob_retry_failed(r, &count, e));
  BUF(wx_dossier_plan_activity(r, "{\"kind\":\"snuffelstage\"}", e));
  BUF(wx_dossier_prepare(r, "{\"activity\":\"x\"}", e));
  BUF(wx_dossier_record_experience(r, "{\"activity\":\"x\"}", e));
  BUF(wx_dossier_reflect(r, "{}", e));
  BUF(wx_dossier_choose_next_step(r, "{\"reflection\":\"x\",\"description\":\"d\"}", e));
  BUF(wx_dossier_add_contact(r, "{\"name\":\"Piet\"}", e));
  BUF(wx_dossier_comment(r, id, "Mooi", e));
  BOOL(wx_dossier_link_experience(r, id, id, e));
  BUF(wx_dossier_cycle(r, id, e));
  BUF(wx_dossier_cycles(r, NULL, e));
  BUF(wx_dossier_todo(r, NULL, e));
  BUF(wx_trash_list(r, e));
  BOOL(wx_trash_restore(r, id, e));
  BUF(wx_placement_ask(r, "{\"company\":\"x\"}", e));
  BUF(wx_placement_requests(r, true, e));
  BUF(wx_placement_accept(r, id, "{}", e));
  BOOL(wx_placement_decline(r, id, NULL, e));
  BUF(wx_signoff_sign(r, "{\"covers\":[\"x\"]}", e));
  BUF(wx_signoff_request(r, "{\"covers\":[\"x\"]}", e));
  BUF(wx_signoff_sign_request(r, "werkex-sign:v1:AAAA", NULL, e));
  BUF(wx_signoff_accept(r, "werkex-sig:v1:AAAA", e));
  BUF(wx_signoff_sign_with_pin(r, "{\"covers\":[\"x\"]}", "123456", e));
  BOOL(wx_signoff_revoke(r, id, "verkeerd", e));
  BUF(wx_signoff_status(r, id, e));
  BUF(wx_signoff_preview(r, "werkex-sign:v1:AAAA", NULL, e));
  BUF(wx_signoff_signed_by(r, id, e));
  BUF(wx_signoff_edit_warning(r, id, e));
  BUF(wx_signoff_placement_hours(r, id, e));
  BUF(wx_signoff_refused(r, e));
  BOOL(wx_signoff_remove_refused(r, id, e));
  return n;
}

void every_transport_call(wx_replica* r, wx_transport* t) {
  wx_error err;
  wx_error* e = &err;
  wx_error_code want = WX_INVALID_ARGUMENT;
  int n = 0;
  const char* sha = "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";
  BOOL(wx_sync_enroll(r, t, "ABCDE-FGHIJ", e));
  BUF(wx_sync_run(r, t, NULL, e));
  BUF(wx_blob_upload(r, t, "wifi", e));
  BUF(wx_blob_fetch(r, t, sha, e));
  (void)n;
}
