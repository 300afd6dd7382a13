// Transports and sync: libcurl inside the library, or the app's nl.werkex.HttpClient behind a
// wx_send_fn. The callback runs on the thread that called sync or a blob function (a Java
// thread, so its JNIEnv is at hand; other threads are attached for the call). Whatever the
// client does, the library gets an answer or `false` with a message, and no Java exception is
// left pending.
#include <cstring>
#include <string>

#include "jni_support.hpp"

using namespace werkex::jni;

namespace {

// Reads the answer Native.dispatchSend made into the library's response.
bool fill_response(JNIEnv* env, jobject result, wx_http_response* response, wx_error* out) {
  const Cache& c = cache();
  if (auto error = static_cast<jbyteArray>(env->GetObjectField(result, c.result_error))) {
    set_error(out, WX_UNAVAILABLE, from_bytes(env, error));
    return false;
  }
  if (!wx_http_response_set_status(response, env->GetIntField(result, c.result_status), out))
    return false;
  if (auto headers = static_cast<jobjectArray>(env->GetObjectField(result, c.result_headers))) {
    jsize n = env->GetArrayLength(headers);
    for (jsize i = 0; i + 1 < n; i += 2) {
      auto name = static_cast<jbyteArray>(env->GetObjectArrayElement(headers, i));
      auto value = static_cast<jbyteArray>(env->GetObjectArrayElement(headers, i + 1));
      if (!name || !value) {
        set_error(out, WX_UNAVAILABLE, "HttpClient: a response header is null");
        return false;
      }
      bool ok = wx_http_response_add_header(response, from_bytes(env, name).c_str(),
                                            from_bytes(env, value).c_str(), out);
      env->DeleteLocalRef(name);
      env->DeleteLocalRef(value);
      if (!ok) return false;
    }
  }
  if (auto body = static_cast<jbyteArray>(env->GetObjectField(result, c.result_body))) {
    std::string bytes = from_bytes(env, body);
    if (!wx_http_response_set_body(response, bytes.data(), bytes.size(), out)) return false;
  }
  return true;
}

// Makes the Java arguments of Native.dispatchSend and calls it; the frame holds the locals.
// A Java exception left pending (the JVM out of memory) replaces the error set here.
bool send_in_frame(JNIEnv* env, jobject client, const wx_http_request* request,
                   wx_http_response* response, wx_error* out) {
  const Cache& c = cache();
  set_error(out, WX_UNAVAILABLE, "HttpClient: the request could not be handed to Java");
  // Each allocation is checked before the next JNI call: after a failure one is pending.
  auto text = [&](const char* s) { return to_bytes(env, s, s ? std::strlen(s) : 0); };
  jbyteArray method = text(request->method);
  if (!method) return false;
  jbyteArray url = text(request->url);
  if (!url) return false;
  jobjectArray headers = env->NewObjectArray(static_cast<jsize>(2 * request->header_count),
                                             c.byte_array_class, nullptr);
  if (!headers) return false;
  for (size_t i = 0; i < request->header_count; ++i) {
    jbyteArray name = text(request->headers[i].name);
    if (!name) return false;
    jbyteArray value = text(request->headers[i].value);
    if (!value) return false;
    env->SetObjectArrayElement(headers, static_cast<jsize>(2 * i), name);
    env->SetObjectArrayElement(headers, static_cast<jsize>(2 * i + 1), value);
    env->DeleteLocalRef(name);
    env->DeleteLocalRef(value);
  }
  jbyteArray body = to_bytes(env, request->body, request->body ? request->body_size : 0);
  if (!body) return false;
  jobject result = env->CallStaticObjectMethod(c.native_class, c.dispatch_send, client, method, url,
                                               headers, body);
  if (env->ExceptionCheck() || !result) return false;
  return fill_response(env, result, response, out);
}

bool send(void* ctx, const wx_http_request* request, wx_http_response* response,
          wx_error* out) noexcept {
  try {
    ThreadEnv scope;
    JNIEnv* env = scope.env();
    if (!env || !ctx) {
      set_error(out, WX_INTERNAL, "HttpClient: no JVM on this thread");
      return false;
    }
    if (env->PushLocalFrame(16) != JNI_OK) {
      set_error(out, WX_UNAVAILABLE, "HttpClient: " + take_pending_exception(env));
      return false;
    }
    bool ok = send_in_frame(env, static_cast<jobject>(ctx), request, response, out);
    if (env->ExceptionCheck()) {
      // Only the JVM itself (out of memory) gets here: dispatchSend catches the client's.
      set_error(out, WX_UNAVAILABLE, "HttpClient: " + take_pending_exception(env));
      ok = false;
    }
    env->PopLocalFrame(nullptr);
    return ok;
  } catch (const std::exception& e) {
    set_error(out, WX_INTERNAL, std::string("werkex_jni: ") + e.what());
  } catch (...) {
    set_error(out, WX_INTERNAL, "werkex_jni: unknown C++ exception");
  }
  return false;
}

void free_client(void* ctx) noexcept {
  if (!ctx) return;
  ThreadEnv scope;
  if (JNIEnv* env = scope.env()) env->DeleteGlobalRef(static_cast<jobject>(ctx));
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_transportCurl(JNIEnv* env, jclass,
                                                            jbyteArray options) {
  return guarded(env, [&]() -> jlong {
    Utf8 o(env, options);
    if (!o.ok()) return 0;
    wx_error error;
    wx_transport* t = wx_transport_new_curl(o.c_str(), &error);
    if (!t) throw_error(env, error);
    return to_handle(t);
  });
}

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_transportCallback(JNIEnv* env, jclass,
                                                                jobject client) {
  return guarded(env, [&]() -> jlong {
    jobject ref = env->NewGlobalRef(client);
    if (!ref) {
      throw_werkex(env, WX_INTERNAL, "Transport.of: no global reference for the client");
      return 0;
    }
    wx_error error;
    // The reference is the library's from here on (free_client runs even on failure).
    wx_transport* t = wx_transport_new_callback(send, ref, free_client, &error);
    if (!t) throw_error(env, error);
    return to_handle(t);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_transportRelease(JNIEnv*, jclass, jlong h) {
  wx_transport_release(transport(h));
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_syncEnroll(JNIEnv* env, jclass, jlong r, jlong t,
                                                        jbyteArray code) {
  void_call(env, code, [&](const char* c, wx_error* e) {
    return wx_sync_enroll(replica(r), transport(t), c, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_syncRun(JNIEnv* env, jclass, jlong r, jlong t,
                                                           jbyteArray options) {
  return text_call(env, options, [&](const char* o, wx_error* e) {
    return wx_sync_run(replica(r), transport(t), o, e);
  });
}

}  // extern "C"
