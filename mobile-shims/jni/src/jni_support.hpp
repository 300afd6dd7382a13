// What every JNI entry point of libwerkex_jni shares: the cached Java classes, turning a
// failed wx_ call into a thrown nl.werkex.WerkexException, UTF-8 text in and out as byte
// arrays, and the guard that keeps C++ exceptions out of the JVM.
//
// Invariants: text crosses as byte[] holding plain UTF-8 (the Java side encodes and decodes),
// never through GetStringUTFChars, whose "modified UTF-8" breaks characters outside the BMP.
// An entry point returns at once after it throws a Java exception, and a callback into Java
// (observer, HTTP client) never leaves an exception pending when it returns to the library.
#pragma once

#include <jni.h>

#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <type_traits>

#include "werkex.h"

namespace werkex::jni {

// The classes and members the glue uses, looked up once in JNI_OnLoad (where the class loader
// of nl.werkex is the current one; threads attached later only see the system loader).
struct Cache {
  JavaVM* vm = nullptr;
  jclass exception_class = nullptr;    // nl.werkex.WerkexException
  jmethodID exception_init = nullptr;  // (int, byte[], boolean)
  jclass native_class = nullptr;       // nl.werkex.Native
  jmethodID dispatch_change = nullptr;
  jmethodID dispatch_send = nullptr;
  jclass send_result_class = nullptr;  // nl.werkex.Native$SendResult
  jfieldID result_status = nullptr;
  jfieldID result_headers = nullptr;
  jfieldID result_body = nullptr;
  jfieldID result_error = nullptr;
  jclass byte_array_class = nullptr;  // byte[]
};
const Cache& cache();
bool load_cache(JavaVM* vm, JNIEnv* env);
void unload_cache(JNIEnv* env);

// Throws WerkexException(code, message) unless an exception is already pending.
void throw_werkex(JNIEnv* env, wx_error_code code, const std::string& message,
                  bool is_transient = false);
// Throws the WerkexException a failed wx_ call described.
void throw_error(JNIEnv* env, const wx_error& error);

// Writes `message` into a wx_error, cut at a UTF-8 character boundary to fit.
void set_error(wx_error* out, wx_error_code code, const std::string& message);

// A byte[] argument as NUL-terminated text. A null array is a null pointer (the C function
// reports the missing argument, or takes it as "default" where it may be NULL). Text with a
// NUL inside is refused: C would silently cut it there.
class Utf8 {
 public:
  Utf8(JNIEnv* env, jbyteArray bytes);
  // False when a Java exception was thrown (NUL inside, out of memory): return at once.
  bool ok() const { return ok_; }
  const char* c_str() const { return text_ ? text_->c_str() : nullptr; }

 private:
  std::optional<std::string> text_;
  bool ok_ = true;
};

// A new byte[] holding `size` bytes; nullptr with OutOfMemoryError pending on failure.
jbyteArray to_bytes(JNIEnv* env, const void* data, size_t size);
// Copies a byte[] (not null) into a string.
std::string from_bytes(JNIEnv* env, jbyteArray bytes);

// The result of a wx_ call that returns a buffer: its bytes as byte[] (and the buffer freed),
// or the error thrown and nullptr.
jbyteArray take_buffer(JNIEnv* env, wx_buffer* buffer, const wx_error& error);
// Throws the error unless `ok`.
void check(JNIEnv* env, bool ok, const wx_error& error);

// Handles travel as jlong.
template <class T>
T* from_handle(jlong handle) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(handle));
}
template <class T>
jlong to_handle(T* pointer) {
  return static_cast<jlong>(reinterpret_cast<intptr_t>(pointer));
}

// Runs the body of an entry point; a C++ exception becomes a Java exception (OutOfMemoryError
// for bad_alloc, WerkexException INTERNAL for the rest) and the default value is returned.
void throw_from_current_exception(JNIEnv* env);
template <class F>
auto guarded(JNIEnv* env, F&& body) noexcept -> decltype(body()) {
  using R = decltype(body());
  try {
    return body();
  } catch (...) {
    throw_from_current_exception(env);
  }
  if constexpr (!std::is_void_v<R>) return R{};
}

inline wx_replica* replica(jlong handle) {
  return from_handle<wx_replica>(handle);
}
inline wx_transport* transport(jlong handle) {
  return from_handle<wx_transport>(handle);
}

// The shape of most entry points: one text argument in (may be a null array), text out.
// `call(const char* arg, wx_error*)` returns the wx_buffer.
template <class Call>
jbyteArray text_call(JNIEnv* env, jbyteArray arg, Call call) {
  return guarded(env, [&]() -> jbyteArray {
    Utf8 text(env, arg);
    if (!text.ok()) return nullptr;
    wx_error error;
    wx_buffer* out = call(text.c_str(), &error);
    return take_buffer(env, out, error);
  });
}

// One text argument in, nothing out: `call(const char* arg, wx_error*)` returns a bool.
template <class Call>
void void_call(JNIEnv* env, jbyteArray arg, Call call) {
  guarded(env, [&] {
    Utf8 text(env, arg);
    if (!text.ok()) return;
    wx_error error;
    check(env, call(text.c_str(), &error), error);
  });
}

// The JNIEnv of the current thread, attaching it (as a daemon) for the scope if the library
// calls back on a thread the JVM does not know. env() is null if that failed.
class ThreadEnv {
 public:
  ThreadEnv();
  ~ThreadEnv();
  ThreadEnv(const ThreadEnv&) = delete;
  ThreadEnv& operator=(const ThreadEnv&) = delete;
  JNIEnv* env() const { return env_; }

 private:
  JNIEnv* env_ = nullptr;
  bool attached_ = false;
};

// A description of the pending Java exception (class: message), which is cleared. For
// callbacks that must not return to the library with an exception pending.
std::string take_pending_exception(JNIEnv* env);

}  // namespace werkex::jni
