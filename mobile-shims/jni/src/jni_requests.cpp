// JNI entry points for placement requests (werkex_requests.h): argument conversion around
// wx_placement_*.
#include "jni_support.hpp"

using namespace werkex::jni;

extern "C" {

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_placementAsk(JNIEnv* env, jclass, jlong h,
                                                                jbyteArray ask) {
  return text_call(env, ask,
                   [&](const char* a, wx_error* e) { return wx_placement_ask(replica(h), a, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_placementRequests(JNIEnv* env, jclass, jlong h,
                                                                     jboolean open_only) {
  return guarded(env, [&]() -> jbyteArray {
    wx_error error;
    return take_buffer(env, wx_placement_requests(replica(h), open_only == JNI_TRUE, &error),
                       error);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_placementAccept(JNIEnv* env, jclass, jlong h,
                                                                   jbyteArray request,
                                                                   jbyteArray answer) {
  return guarded(env, [&]() -> jbyteArray {
    Utf8 r(env, request);
    if (!r.ok()) return nullptr;
    Utf8 a(env, answer);
    if (!a.ok()) return nullptr;
    wx_error error;
    return take_buffer(env, wx_placement_accept(replica(h), r.c_str(), a.c_str(), &error), error);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_placementDecline(JNIEnv* env, jclass, jlong h,
                                                              jbyteArray request,
                                                              jbyteArray answer) {
  guarded(env, [&] {
    Utf8 r(env, request);
    if (!r.ok()) return;
    Utf8 a(env, answer);
    if (!a.ok()) return;
    wx_error error;
    check(env, wx_placement_decline(replica(h), r.c_str(), a.c_str(), &error), error);
  });
}

}  // extern "C"
