// JNI entry points for the dossier operations, blobs and supervisor sign-off: argument
// conversion around the wx_dossier_*, wx_blob_* and wx_signoff_* functions.
#include <iterator>

#include "jni_support.hpp"

using namespace werkex::jni;

namespace {

// Two text arguments in (either may be a null array), text out.
template <class Call>
jbyteArray text_call2(JNIEnv* env, jbyteArray a, jbyteArray b, Call call) {
  return guarded(env, [&]() -> jbyteArray {
    Utf8 first(env, a);
    if (!first.ok()) return nullptr;
    Utf8 second(env, b);
    if (!second.ok()) return nullptr;
    wx_error error;
    return take_buffer(env, call(first.c_str(), second.c_str(), &error), error);
  });
}

// Native.PLAN_ACTIVITY ... Native.ADD_CONTACT, in that order.
using CreateFn = wx_buffer* (*)(wx_replica*, const char*, wx_error*);
constexpr CreateFn kCreate[] = {wx_dossier_plan_activity,     wx_dossier_prepare,
                                wx_dossier_record_experience, wx_dossier_reflect,
                                wx_dossier_choose_next_step,  wx_dossier_add_contact};

}  // namespace

extern "C" {

// ---- Dossier --------------------------------------------------------------------------------

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_dossierCreate(JNIEnv* env, jclass, jlong h,
                                                                 jint operation, jbyteArray json) {
  if (operation < 0 || operation >= static_cast<jint>(std::size(kCreate))) {
    throw_werkex(env, WX_INTERNAL, "dossier: unknown operation");
    return nullptr;
  }
  return text_call(
      env, json, [&](const char* j, wx_error* e) { return kCreate[operation](replica(h), j, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_dossierComment(JNIEnv* env, jclass, jlong h,
                                                                  jbyteArray on, jbyteArray body) {
  return text_call2(env, on, body, [&](const char* o, const char* b, wx_error* e) {
    return wx_dossier_comment(replica(h), o, b, e);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_dossierLinkExperience(JNIEnv* env, jclass, jlong h,
                                                                   jbyteArray experience,
                                                                   jbyteArray activity) {
  guarded(env, [&] {
    Utf8 x(env, experience);
    if (!x.ok()) return;
    Utf8 a(env, activity);
    if (!a.ok()) return;
    wx_error error;
    check(env, wx_dossier_link_experience(replica(h), x.c_str(), a.c_str(), &error), error);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_dossierCycle(JNIEnv* env, jclass, jlong h,
                                                                jbyteArray activity) {
  return text_call(env, activity,
                   [&](const char* a, wx_error* e) { return wx_dossier_cycle(replica(h), a, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_dossierCycles(JNIEnv* env, jclass, jlong h,
                                                                 jbyteArray bucket) {
  return text_call(env, bucket,
                   [&](const char* b, wx_error* e) { return wx_dossier_cycles(replica(h), b, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_dossierTodo(JNIEnv* env, jclass, jlong h,
                                                               jbyteArray today) {
  return text_call(env, today,
                   [&](const char* t, wx_error* e) { return wx_dossier_todo(replica(h), t, e); });
}

// ---- Blobs ----------------------------------------------------------------------------------

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_blobAttach(JNIEnv* env, jclass, jlong h,
                                                              jbyteArray entity, jbyteArray path,
                                                              jbyteArray mime, jbyteArray caption) {
  return guarded(env, [&]() -> jbyteArray {
    Utf8 e(env, entity);
    if (!e.ok()) return nullptr;
    Utf8 p(env, path);
    if (!p.ok()) return nullptr;
    Utf8 m(env, mime);
    if (!m.ok()) return nullptr;
    Utf8 c(env, caption);
    if (!c.ok()) return nullptr;
    wx_error error;
    return take_buffer(
        env, wx_blob_attach(replica(h), e.c_str(), p.c_str(), m.c_str(), c.c_str(), &error), error);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_blobInfo(JNIEnv* env, jclass, jlong h,
                                                            jbyteArray sha256) {
  return text_call(env, sha256,
                   [&](const char* s, wx_error* e) { return wx_blob_info(replica(h), s, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_blobStatus(JNIEnv* env, jclass, jlong h) {
  return text_call(env, nullptr,
                   [&](const char*, wx_error* e) { return wx_blob_status(replica(h), e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_blobSetPolicy(JNIEnv* env, jclass, jlong h,
                                                           jbyteArray policy) {
  void_call(env, policy,
            [&](const char* p, wx_error* e) { return wx_blob_set_policy(replica(h), p, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_blobUpload(JNIEnv* env, jclass, jlong r, jlong t,
                                                              jbyteArray network) {
  return text_call(env, network, [&](const char* n, wx_error* e) {
    return wx_blob_upload(replica(r), transport(t), n, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_blobFetch(JNIEnv* env, jclass, jlong r, jlong t,
                                                             jbyteArray sha256) {
  return text_call(env, sha256, [&](const char* s, wx_error* e) {
    return wx_blob_fetch(replica(r), transport(t), s, e);
  });
}

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_blobRetryFailed(JNIEnv* env, jclass, jlong h) {
  return guarded(env, [&]() -> jlong {
    wx_error error;
    uint64_t count = 0;
    if (!wx_blob_retry_failed(replica(h), &count, &error)) {
      throw_error(env, error);
      return 0;
    }
    return static_cast<jlong>(count);
  });
}

// ---- Sign-off -------------------------------------------------------------------------------

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffSign(JNIEnv* env, jclass, jlong h,
                                                               jbyteArray statement) {
  return text_call(env, statement,
                   [&](const char* s, wx_error* e) { return wx_signoff_sign(replica(h), s, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffRequest(JNIEnv* env, jclass, jlong h,
                                                                  jbyteArray statement) {
  return text_call(env, statement, [&](const char* s, wx_error* e) {
    return wx_signoff_request(replica(h), s, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffSignRequest(JNIEnv* env, jclass, jlong h,
                                                                      jbyteArray payload,
                                                                      jbyteArray statement) {
  return text_call2(env, payload, statement, [&](const char* p, const char* s, wx_error* e) {
    return wx_signoff_sign_request(replica(h), p, s, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffAccept(JNIEnv* env, jclass, jlong h,
                                                                 jbyteArray payload) {
  return text_call(env, payload,
                   [&](const char* p, wx_error* e) { return wx_signoff_accept(replica(h), p, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffSignWithPin(JNIEnv* env, jclass, jlong h,
                                                                      jbyteArray statement,
                                                                      jbyteArray pin) {
  return text_call2(env, statement, pin, [&](const char* s, const char* p, wx_error* e) {
    return wx_signoff_sign_with_pin(replica(h), s, p, e);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_signoffRevoke(JNIEnv* env, jclass, jlong h,
                                                           jbyteArray id, jbyteArray reason) {
  guarded(env, [&] {
    Utf8 i(env, id);
    if (!i.ok()) return;
    Utf8 r(env, reason);
    if (!r.ok()) return;
    wx_error error;
    check(env, wx_signoff_revoke(replica(h), i.c_str(), r.c_str(), &error), error);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffStatus(JNIEnv* env, jclass, jlong h,
                                                                 jbyteArray id) {
  return text_call(env, id,
                   [&](const char* i, wx_error* e) { return wx_signoff_status(replica(h), i, e); });
}

// What she signs, what an edit would undo, the hours that count, refused attempts.
JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffPreview(JNIEnv* env, jclass, jlong h,
                                                                  jbyteArray payload,
                                                                  jbyteArray statement) {
  return text_call2(env, payload, statement, [&](const char* p, const char* s, wx_error* e) {
    return wx_signoff_preview(replica(h), p, s, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffSignedBy(JNIEnv* env, jclass, jlong h,
                                                                   jbyteArray id) {
  return text_call(
      env, id, [&](const char* i, wx_error* e) { return wx_signoff_signed_by(replica(h), i, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffEditWarning(JNIEnv* env, jclass, jlong h,
                                                                      jbyteArray id) {
  return text_call(env, id, [&](const char* i, wx_error* e) {
    return wx_signoff_edit_warning(replica(h), i, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffPlacementHours(JNIEnv* env, jclass,
                                                                         jlong h, jbyteArray id) {
  return text_call(env, id, [&](const char* i, wx_error* e) {
    return wx_signoff_placement_hours(replica(h), i, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_signoffRefused(JNIEnv* env, jclass, jlong h) {
  return guarded(env, [&]() -> jbyteArray {
    wx_error error;
    return take_buffer(env, wx_signoff_refused(replica(h), &error), error);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_signoffRemoveRefused(JNIEnv* env, jclass, jlong h,
                                                                  jbyteArray id) {
  void_call(env, id, [&](const char* i, wx_error* e) {
    return wx_signoff_remove_refused(replica(h), i, e);
  });
}

}  // extern "C"
