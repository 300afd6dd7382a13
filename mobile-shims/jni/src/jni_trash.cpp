// JNI entry points for the trash (werkex_trash.h): argument conversion around wx_trash_*.
#include "jni_support.hpp"

using namespace werkex::jni;

extern "C" {

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_trashList(JNIEnv* env, jclass, jlong h) {
  return guarded(env, [&]() -> jbyteArray {
    wx_error error;
    return take_buffer(env, wx_trash_list(replica(h), &error), error);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_trashRestore(JNIEnv* env, jclass, jlong h,
                                                          jbyteArray id) {
  void_call(env, id,
            [&](const char* i, wx_error* e) { return wx_trash_restore(replica(h), i, e); });
}

}  // extern "C"
