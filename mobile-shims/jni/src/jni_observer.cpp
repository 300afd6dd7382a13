// Observers: a Java nl.werkex.Observer behind a wx_observer. The context is a global
// reference to the observer, deleted by free_ctx when the library lets go of it (release, or a
// failed wx_replica_observe). The callback runs on the writing thread, which is a Java thread
// inside a call of this binding; Native.dispatchChange hands the observer's own exceptions to
// the thread's uncaught-exception handler, so none is pending when the library resumes.
#include "jni_support.hpp"

using namespace werkex::jni;

namespace {

void on_change(void* ctx, const char* changes_json, size_t size) noexcept {
  try {
    ThreadEnv scope;
    JNIEnv* env = scope.env();
    if (!env || !ctx) return;
    // Local references made here would pile up in the writer's native frame (a sync applies
    // many changes): a frame of our own frees them.
    if (env->PushLocalFrame(4) != JNI_OK) {
      env->ExceptionClear();
      return;
    }
    jbyteArray changes = to_bytes(env, changes_json, size);
    if (changes) {
      env->CallStaticVoidMethod(cache().native_class, cache().dispatch_change,
                                static_cast<jobject>(ctx), changes);
    }
    // dispatchChange catches everything; what could still be pending is an allocation failure
    // in the JVM. The write committed regardless, and the library must not run with it.
    if (env->ExceptionCheck()) env->ExceptionClear();
    env->PopLocalFrame(nullptr);
  } catch (...) {
    // Nothing may cross back into the library.
  }
}

void free_observer(void* ctx) noexcept {
  if (!ctx) return;
  ThreadEnv scope;
  if (JNIEnv* env = scope.env()) env->DeleteGlobalRef(static_cast<jobject>(ctx));
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_replicaObserve(JNIEnv* env, jclass, jlong h,
                                                             jbyteArray query, jobject observer) {
  return guarded(env, [&]() -> jlong {
    Utf8 q(env, query);
    if (!q.ok()) return 0;
    jobject ref = env->NewGlobalRef(observer);
    if (!ref) {
      throw_werkex(env, WX_INTERNAL, "observe: no global reference for the observer");
      return 0;
    }
    wx_error error;
    // From here on the reference is the library's: free_observer runs even if this fails.
    wx_observer* o =
        wx_replica_observe(replica(h), q.c_str(), on_change, ref, free_observer, &error);
    if (!o) throw_error(env, error);
    return to_handle(o);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_observerRelease(JNIEnv*, jclass, jlong h) {
  wx_observer_release(from_handle<wx_observer>(h));
}

}  // extern "C"
