// The shared JNI machinery: class cache, exceptions both ways, UTF-8 byte arrays.
#include "jni_support.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace werkex::jni {
namespace {

Cache g_cache;

jclass global_class(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (!local) return nullptr;
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

// Appends the UTF-8 form of UTF-16 text; an unpaired surrogate becomes U+FFFD.
void append_utf8(std::string& out, const jchar* units, jsize length) {
  for (jsize i = 0; i < length; ++i) {
    uint32_t c = units[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < length && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
}

}  // namespace

const Cache& cache() {
  return g_cache;
}

bool load_cache(JavaVM* vm, JNIEnv* env) {
  Cache& c = g_cache;
  c.vm = vm;
  c.exception_class = global_class(env, "nl/werkex/WerkexException");
  c.native_class = global_class(env, "nl/werkex/Native");
  c.send_result_class = global_class(env, "nl/werkex/Native$SendResult");
  c.byte_array_class = global_class(env, "[B");
  if (!c.exception_class || !c.native_class || !c.send_result_class || !c.byte_array_class)
    return false;
  c.exception_init = env->GetMethodID(c.exception_class, "<init>", "(I[BZ[B[B)V");
  c.dispatch_change =
      env->GetStaticMethodID(c.native_class, "dispatchChange", "(Lnl/werkex/Observer;[B)V");
  c.dispatch_send =
      env->GetStaticMethodID(c.native_class, "dispatchSend",
                             "(Lnl/werkex/HttpClient;[B[B[[B[B)Lnl/werkex/Native$SendResult;");
  c.result_status = env->GetFieldID(c.send_result_class, "status", "I");
  c.result_headers = env->GetFieldID(c.send_result_class, "headers", "[[B");
  c.result_body = env->GetFieldID(c.send_result_class, "body", "[B");
  c.result_error = env->GetFieldID(c.send_result_class, "error", "[B");
  return c.exception_init && c.dispatch_change && c.dispatch_send && c.result_status &&
         c.result_headers && c.result_body && c.result_error;
}

void unload_cache(JNIEnv* env) {
  for (jclass* cls : {&g_cache.exception_class, &g_cache.native_class, &g_cache.send_result_class,
                      &g_cache.byte_array_class}) {
    if (*cls) env->DeleteGlobalRef(*cls);
    *cls = nullptr;
  }
}

namespace {

// The exception for a failure: key and Dutch text as the library's wx_error carries them.
void throw_keyed(JNIEnv* env, wx_error_code code, const std::string& message, bool is_transient,
                 const std::string& key, const std::string& message_nl) {
  if (env->ExceptionCheck()) return;
  jbyteArray bytes = to_bytes(env, message.data(), message.size());
  jbyteArray key_bytes = bytes ? to_bytes(env, key.data(), key.size()) : nullptr;
  jbyteArray nl_bytes = key_bytes ? to_bytes(env, message_nl.data(), message_nl.size()) : nullptr;
  jthrowable exception = nullptr;
  if (nl_bytes)
    exception = static_cast<jthrowable>(
        env->NewObject(g_cache.exception_class, g_cache.exception_init, static_cast<jint>(code),
                       bytes, static_cast<jboolean>(is_transient), key_bytes, nl_bytes));
  for (jbyteArray b : {bytes, key_bytes, nl_bytes})
    if (b) env->DeleteLocalRef(b);
  if (!exception) return;  // its own exception (out of memory) is pending
  env->Throw(exception);
  env->DeleteLocalRef(exception);
}

}  // namespace

void throw_werkex(JNIEnv* env, wx_error_code code, const std::string& message, bool is_transient) {
  // The binding's own failures are outside the library's catalogue: the code names them.
  throw_keyed(env, code, message, is_transient, wx_error_code_name(code), message);
}

void throw_error(JNIEnv* env, const wx_error& error) {
  throw_keyed(env, error.code, error.message, wx_error_is_transient(&error), error.key,
              error.message_nl);
}

void set_error(wx_error* out, wx_error_code code, const std::string& message) {
  if (!out) return;
  out->code = code;
  size_t n = std::min(message.size(), sizeof(out->message) - 1);
  // Back up over continuation bytes so a character is never cut in half.
  if (n < message.size())
    while (n > 0 && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;
  std::memcpy(out->message, message.data(), n);
  out->message[n] = '\0';
}

Utf8::Utf8(JNIEnv* env, jbyteArray bytes) {
  if (!bytes) return;
  text_ = from_bytes(env, bytes);
  if (text_->find('\0') != std::string::npos) {
    throw_werkex(env, WX_INVALID_ARGUMENT, "text argument contains a NUL character");
    ok_ = false;
  }
}

jbyteArray to_bytes(JNIEnv* env, const void* data, size_t size) {
  if (size > static_cast<size_t>(INT32_MAX)) {
    throw_werkex(env, WX_TOO_LARGE, "result does not fit a Java array");
    return nullptr;
  }
  jbyteArray array = env->NewByteArray(static_cast<jsize>(size));
  if (array && size > 0)
    env->SetByteArrayRegion(array, 0, static_cast<jsize>(size), static_cast<const jbyte*>(data));
  return array;
}

std::string from_bytes(JNIEnv* env, jbyteArray bytes) {
  std::string out(static_cast<size_t>(env->GetArrayLength(bytes)), '\0');
  if (!out.empty())
    env->GetByteArrayRegion(bytes, 0, static_cast<jsize>(out.size()),
                            reinterpret_cast<jbyte*>(out.data()));
  return out;
}

jbyteArray take_buffer(JNIEnv* env, wx_buffer* buffer, const wx_error& error) {
  if (!buffer) {
    throw_error(env, error);
    return nullptr;
  }
  jbyteArray out = to_bytes(env, buffer->data, buffer->size);
  wx_buffer_free(buffer);
  return out;
}

void check(JNIEnv* env, bool ok, const wx_error& error) {
  if (!ok) throw_error(env, error);
}

void throw_from_current_exception(JNIEnv* env) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    if (env->ExceptionCheck()) return;
    jclass oom = env->FindClass("java/lang/OutOfMemoryError");
    if (oom) env->ThrowNew(oom, "werkex_jni: out of memory");
  } catch (const std::exception& e) {
    throw_werkex(env, WX_INTERNAL, std::string("werkex_jni: ") + e.what());
  } catch (...) {
    throw_werkex(env, WX_INTERNAL, "werkex_jni: unknown C++ exception");
  }
}

ThreadEnv::ThreadEnv() {
  JavaVM* vm = g_cache.vm;
  if (!vm) return;
  void* env = nullptr;
  jint got = vm->GetEnv(&env, JNI_VERSION_1_6);
  if (got == JNI_OK) {
    env_ = static_cast<JNIEnv*>(env);
  } else if (got == JNI_EDETACHED) {
    // Android's jni.h takes JNIEnv**, the JDK's void**.
#ifdef __ANDROID__
    JNIEnv* attached = nullptr;
#else
    void* attached = nullptr;
#endif
    if (vm->AttachCurrentThreadAsDaemon(&attached, nullptr) == JNI_OK) {
      env_ = static_cast<JNIEnv*>(attached);
      attached_ = true;
    }
  }
}

ThreadEnv::~ThreadEnv() {
  if (attached_) g_cache.vm->DetachCurrentThread();
}

std::string take_pending_exception(JNIEnv* env) {
  jthrowable thrown = env->ExceptionOccurred();
  if (!thrown) return std::string();
  env->ExceptionClear();
  std::string out = "a Java exception";
  // Throwable.toString(): "class: message". Any failure on the way keeps the generic text.
  jclass throwable = env->FindClass("java/lang/Throwable");
  jmethodID to_string = nullptr;
  if (throwable) to_string = env->GetMethodID(throwable, "toString", "()Ljava/lang/String;");
  jstring text = nullptr;
  if (to_string) text = static_cast<jstring>(env->CallObjectMethod(thrown, to_string));
  if (!env->ExceptionCheck() && text) {
    const jchar* units = env->GetStringChars(text, nullptr);
    if (units) {
      out.clear();
      append_utf8(out, units, env->GetStringLength(text));
      env->ReleaseStringChars(text, units);
    }
  }
  env->ExceptionClear();
  if (text) env->DeleteLocalRef(text);
  if (throwable) env->DeleteLocalRef(throwable);
  env->DeleteLocalRef(thrown);
  return out;
}

}  // namespace werkex::jni
