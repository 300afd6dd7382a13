// JNI entry points of nl.werkex.Native for the library itself and the replica: loading,
// version, open/close, entities, queries and replica-to-replica bundles. Each one converts
// its arguments, calls the wx_ function and throws WerkexException if that failed.
#include "jni_support.hpp"

using namespace werkex::jni;

extern "C" {

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  void* env = nullptr;
  if (vm->GetEnv(&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  // The wx_ functions are linked in statically: their ABI is the one this glue was compiled
  // against. (The Java side checks its own expectation through abiVersion.)
  if (wx_abi_version() != WX_ABI_VERSION) return JNI_ERR;
  if (!load_cache(vm, static_cast<JNIEnv*>(env))) return JNI_ERR;
  return JNI_VERSION_1_6;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void*) {
  void* env = nullptr;
  if (vm->GetEnv(&env, JNI_VERSION_1_6) == JNI_OK) unload_cache(static_cast<JNIEnv*>(env));
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_version(JNIEnv* env, jclass) {
  return guarded(env, [&] {
    const char* v = wx_version();
    return to_bytes(env, v, std::char_traits<char>::length(v));
  });
}

JNIEXPORT jint JNICALL Java_nl_werkex_Native_abiVersion(JNIEnv*, jclass) {
  return wx_abi_version();
}

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_replicaOpen(JNIEnv* env, jclass, jbyteArray path,
                                                          jbyteArray options) {
  return guarded(env, [&]() -> jlong {
    Utf8 p(env, path);
    if (!p.ok()) return 0;
    Utf8 o(env, options);
    if (!o.ok()) return 0;
    wx_error error;
    wx_replica* r = wx_replica_open(p.c_str(), o.c_str(), &error);
    if (!r) throw_error(env, error);
    return to_handle(r);
  });
}

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_replicaOpenWithSchema(JNIEnv* env, jclass,
                                                                    jbyteArray path,
                                                                    jbyteArray options,
                                                                    jbyteArray schema) {
  return guarded(env, [&]() -> jlong {
    Utf8 p(env, path);
    if (!p.ok()) return 0;
    Utf8 o(env, options);
    if (!o.ok()) return 0;
    Utf8 s(env, schema);
    if (!s.ok()) return 0;
    wx_error error;
    wx_replica* r = wx_replica_open_with_schema(p.c_str(), o.c_str(), s.c_str(), &error);
    if (!r) throw_error(env, error);
    return to_handle(r);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_schemaBuiltin(JNIEnv* env, jclass) {
  return guarded(env, [&]() -> jbyteArray {
    wx_error error;
    wx_buffer* out = wx_schema_builtin(&error);
    return take_buffer(env, out, error);
  });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaRelease(JNIEnv*, jclass, jlong h) {
  wx_replica_release(replica(h));
}

JNIEXPORT jboolean JNICALL Java_nl_werkex_Native_replicaClose(JNIEnv*, jclass, jlong h) {
  wx_error error;
  return wx_replica_close(replica(h), &error) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaStatus(JNIEnv* env, jclass, jlong h) {
  return text_call(env, nullptr,
                   [&](const char*, wx_error* e) { return wx_replica_status(replica(h), e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaSetIdentity(JNIEnv* env, jclass, jlong h,
                                                                jbyteArray json) {
  void_call(env, json,
            [&](const char* j, wx_error* e) { return wx_replica_set_identity(replica(h), j, e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaSetServer(JNIEnv* env, jclass, jlong h,
                                                              jbyteArray url) {
  void_call(env, url,
            [&](const char* u, wx_error* e) { return wx_replica_set_server(replica(h), u, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaPut(JNIEnv* env, jclass, jlong h,
                                                              jbyteArray json) {
  return text_call(env, json,
                   [&](const char* j, wx_error* e) { return wx_replica_put(replica(h), j, e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaGet(JNIEnv* env, jclass, jlong h,
                                                              jbyteArray id) {
  return text_call(env, id,
                   [&](const char* i, wx_error* e) { return wx_replica_get(replica(h), i, e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaDelete(JNIEnv* env, jclass, jlong h,
                                                           jbyteArray id) {
  void_call(env, id,
            [&](const char* i, wx_error* e) { return wx_replica_delete(replica(h), i, e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaRestoreLost(JNIEnv* env, jclass, jlong h,
                                                                jbyteArray id, jbyteArray field) {
  guarded(env, [&] {
    Utf8 i(env, id);
    if (!i.ok()) return;
    Utf8 f(env, field);
    if (!f.ok()) return;
    wx_error error;
    check(env, wx_replica_restore_lost(replica(h), i.c_str(), f.c_str(), &error), error);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaList(JNIEnv* env, jclass, jlong h,
                                                               jbyteArray query) {
  return text_call(env, query,
                   [&](const char* q, wx_error* e) { return wx_replica_list(replica(h), q, e); });
}

JNIEXPORT jlong JNICALL Java_nl_werkex_Native_replicaCount(JNIEnv* env, jclass, jlong h,
                                                           jbyteArray query) {
  return guarded(env, [&]() -> jlong {
    Utf8 q(env, query);
    if (!q.ok()) return 0;
    wx_error error;
    uint64_t count = 0;
    if (!wx_replica_count(replica(h), q.c_str(), &count, &error)) {
      throw_error(env, error);
      return 0;
    }
    return static_cast<jlong>(count);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaDump(JNIEnv* env, jclass, jlong h) {
  return text_call(env, nullptr,
                   [&](const char*, wx_error* e) { return wx_replica_dump(replica(h), e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaLabels(JNIEnv* env, jclass, jlong h,
                                                                 jbyteArray enum_name) {
  return text_call(env, enum_name, [&](const char* name, wx_error* e) {
    return wx_replica_labels(replica(h), name, e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaQuarantine(JNIEnv* env, jclass, jlong h) {
  return text_call(env, nullptr,
                   [&](const char*, wx_error* e) { return wx_replica_quarantine(replica(h), e); });
}

JNIEXPORT void JNICALL Java_nl_werkex_Native_replicaClearQuarantine(JNIEnv* env, jclass, jlong h) {
  void_call(env, nullptr,
            [&](const char*, wx_error* e) { return wx_replica_clear_quarantine(replica(h), e); });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaExport(JNIEnv* env, jclass, jlong h,
                                                                 jlong since, jlong limit) {
  // The Java side refuses negative numbers before it gets here.
  return text_call(env, nullptr, [&](const char*, wx_error* e) {
    return wx_replica_export(replica(h), static_cast<uint64_t>(since), static_cast<uint64_t>(limit),
                             e);
  });
}

JNIEXPORT jbyteArray JNICALL Java_nl_werkex_Native_replicaImport(JNIEnv* env, jclass, jlong h,
                                                                 jbyteArray bundle) {
  return text_call(env, bundle,
                   [&](const char* b, wx_error* e) { return wx_replica_import(replica(h), b, e); });
}

}  // extern "C"
