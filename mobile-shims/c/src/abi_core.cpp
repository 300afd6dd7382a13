// The C ABI's foundations: version, errors, buffers, the replica lock, the call wrappers,
// and opening and closing a replica.
#include <cstdlib>
#include <cstring>
#include <new>

#include "abi_internal.hpp"
#include "json_args.hpp"
#include "werkex/device.hpp"
#include "werkex/messages.hpp"
#include "werkex/schema_extension.hpp"

using namespace werkex;
using namespace werkex::abi;

namespace werkex::abi {

void ReentrantLock::lock() {
  if (owner_.load() == std::this_thread::get_id()) {
    ++depth_;
    return;
  }
  mutex_.lock();
  owner_.store(std::this_thread::get_id());
  depth_ = 1;
}

void ReentrantLock::unlock() {
  if (--depth_ > 0) return;
  owner_.store(std::thread::id());
  mutex_.unlock();
}

int ReentrantLock::release_all() {
  int depth = depth_;
  depth_ = 0;
  owner_.store(std::thread::id());
  mutex_.unlock();
  return depth;
}

void ReentrantLock::reacquire(int depth) {
  mutex_.lock();
  owner_.store(std::this_thread::get_id());
  depth_ = depth;
}

int ReentrantLock::depth_held_by_this_thread() const {
  return owner_.load() == std::this_thread::get_id() ? depth_ : 0;
}

namespace {

// Copies `text` into a fixed array, cut before a UTF-8 continuation byte so it stays text.
template <size_t N>
void copy_text(char (&out)[N], const std::string& text) {
  size_t n = std::min(text.size(), N - 1);
  if (n < text.size())
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  std::memcpy(out, text.data(), n);
  out[n] = 0;
}

}  // namespace

void fill_error(wx_error* out, const Error& error) {
  if (!out) return;
  out->code = error.code;
  copy_text(out->message, error.message);
  copy_text(out->key, error_key(error));
  copy_text(out->message_nl, localized_message(error, Language::nl));
}

wx_buffer* make_buffer(std::string_view bytes, wx_error* out) {
  // One allocation: the struct, then the bytes and their NUL.
  void* block = std::malloc(sizeof(wx_buffer) + bytes.size() + 1);
  if (!block) {
    fill_error(out, make_error(WX_INTERNAL, "out of memory for a " + std::to_string(bytes.size()) +
                                                "-byte result"));
    return nullptr;
  }
  auto* buffer = static_cast<wx_buffer*>(block);
  char* data = static_cast<char*>(block) + sizeof(wx_buffer);
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = '\0';
  buffer->data = data;
  buffer->size = bytes.size();
  return buffer;
}

Status guarded(const char* function, const std::function<Status()>& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return make_error(WX_INTERNAL, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    return make_error(WX_INTERNAL, std::string(function) + ": unexpected failure: " + e.what());
  } catch (...) {
    return make_error(WX_INTERNAL, std::string(function) + ": unexpected failure");
  }
}

Status require(const void* pointer, const char* function, const char* name) {
  if (pointer) return Status::ok();
  return make_error(WX_INVALID_ARGUMENT, std::string(function) + ": " + name + " is NULL");
}

Status with_replica(wx_replica* handle, const char* function,
                    const std::function<Status(ReplicaCore&)>& body) {
  WX_RETURN_IF_ERROR(require(handle, function, "replica"));
  if (handle->magic != kReplicaMagic || !handle->core)
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(function) + ": replica is not a wx_replica handle");
  // A copy of the reference: should a callback release the handle during this call, the
  // core (and its lock) stays until the call has returned.
  std::shared_ptr<ReplicaCore> keep = handle->core;
  ReplicaCore& core = *keep;
  std::lock_guard<ReentrantLock> hold(core.lock);
  if (!core.replica || core.closing)
    return make_error(WX_CLOSED, std::string(function) + ": the replica is closed");
  return body(core);
}

bool finish(const Status& status, wx_error* out) {
  if (status) return true;
  fill_error(out, status.error());
  return false;
}

wx_buffer* text_call(wx_replica* handle, wx_error* out, const char* function,
                     const std::function<Result<std::string>(ReplicaCore&)>& body) {
  std::string text;
  Status s = guarded(function, [&]() -> Status {
    return with_replica(handle, function, [&](ReplicaCore& core) -> Status {
      WX_ASSIGN_OR_RETURN(text, body(core));
      return Status::ok();
    });
  });
  if (!finish(s, out)) return nullptr;
  return make_buffer(text, out);
}

bool status_call(wx_replica* handle, wx_error* out, const char* function,
                 const std::function<Status(ReplicaCore&)>& body) {
  return finish(guarded(function, [&] { return with_replica(handle, function, body); }), out);
}

}  // namespace werkex::abi

extern "C" {

const char* wx_version(void) {
  return "0.1.0";
}

int wx_abi_version(void) {
  return WX_ABI_VERSION;
}

bool wx_error_is_transient(const wx_error* error) {
  return error && Error{error->code, ""}.is_transient();
}

const char* wx_error_code_name(wx_error_code code) {
  return error_code_name(code);
}

void wx_buffer_free(wx_buffer* buffer) {
  std::free(buffer);
}

namespace {

// wx_replica_open and wx_replica_open_with_schema: the schema is checked before the file is
// touched, so a bad extension opens and creates nothing.
wx_replica* open_replica(const char* fn, const char* path, const char* options_json,
                         const char* schema_json, bool with_schema, wx_error* out_error) {
  wx_replica* handle = nullptr;
  Status s = guarded(fn, [&]() -> Status {
    WX_RETURN_IF_ERROR(require(path, fn, "path"));
    if (with_schema) WX_RETURN_IF_ERROR(require(schema_json, fn, "schema_json"));
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(options_json, std::string(fn) + ": options", true));
    ReplicaOptions options;
    BlobStoreOptions blob_options;
    WX_RETURN_IF_ERROR(args.take("durable", options.durable));
    WX_RETURN_IF_ERROR(args.take("blob_dir", blob_options.dir));
    WX_RETURN_IF_ERROR(args.finish({"durable", "blob_dir"}));
    if (*path == '\0')
      return make_error(WX_INVALID_ARGUMENT, std::string(fn) + ": the path is empty");
    if (with_schema) {
      auto schema = schema_with_extension(schema_json);
      if (!schema)
        return make_error(schema.error().code, std::string(fn) + ": " + schema.error().message);
      options.schema = std::move(*schema);
    }
    auto core = std::make_shared<ReplicaCore>();
    WX_ASSIGN_OR_RETURN(core->replica, Replica::open(path, options));
    WX_ASSIGN_OR_RETURN(BlobStore blobs, BlobStore::open(*core->replica, blob_options));
    core->blobs.emplace(std::move(blobs));
    handle = new wx_replica;
    handle->core = std::move(core);
    return Status::ok();
  });
  if (!finish(s, out_error)) return nullptr;
  return handle;
}

}  // namespace

wx_replica* wx_replica_open(const char* path, const char* options_json, wx_error* out_error) {
  return open_replica("wx_replica_open", path, options_json, nullptr, false, out_error);
}

wx_replica* wx_replica_open_with_schema(const char* path, const char* options_json,
                                        const char* schema_json, wx_error* out_error) {
  return open_replica("wx_replica_open_with_schema", path, options_json, schema_json, true,
                      out_error);
}

wx_buffer* wx_schema_builtin(wx_error* out_error) {
  return make_buffer(Schema::builtin_text(), out_error);
}

bool wx_replica_close(wx_replica* replica, wx_error* out_error) {
  const char* fn = "wx_replica_close";
  return finish(
      guarded(fn,
              [&]() -> Status {
                WX_RETURN_IF_ERROR(require(replica, fn, "replica"));
                if (replica->magic != kReplicaMagic || !replica->core)
                  return make_error(WX_INVALID_ARGUMENT,
                                    std::string(fn) + ": replica is not a wx_replica handle");
                ReplicaCore& core = *replica->core;
                core.lock.lock();
                if (core.lock.depth_held_by_this_thread() > 1 || in_network_call(core)) {
                  core.lock.unlock();
                  return make_error(WX_INVALID_ARGUMENT,
                                    std::string(fn) +
                                        ": called from inside a callback of this replica; "
                                        "close it after the call returns");
                }
                if (!core.replica) {
                  core.lock.unlock();
                  return Status::ok();
                }
                // Keep new calls out, let the network calls in progress notice and finish,
                // then close the database.
                core.closing = true;
                core.lock.unlock();
                {
                  std::unique_lock<std::mutex> wait(core.network_mutex);
                  core.network_idle.wait(wait, [&] { return core.network_threads.empty(); });
                }
                std::lock_guard<ReentrantLock> hold(core.lock);
                core.blobs.reset();
                core.replica.reset();
                return Status::ok();
              }),
      out_error);
}

void wx_replica_release(wx_replica* replica) {
  if (!replica || replica->magic != kReplicaMagic) return;
  ReplicaCore& core = *replica->core;
  if (core.lock.depth_held_by_this_thread() > 0 || in_network_call(core)) {
    // Released from inside one of its own callbacks (a garbage-collected binding may drop
    // its last reference anywhere): later calls fail, and the database closes when the call
    // in progress, which holds the core, returns.
    core.closing = true;
  } else {
    wx_error error;
    // Close fails only for a handle from inside a callback, ruled out above.
    if (!wx_replica_close(replica, &error)) core.closing = true;
  }
  replica->magic = 0;
  delete replica;
}

wx_buffer* wx_replica_status(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_replica_status",
                   [](ReplicaCore& core) -> Result<std::string> {
                     WX_ASSIGN_OR_RETURN(json status, replica_status(*core.replica));
                     return status.dump();
                   });
}

bool wx_replica_set_identity(wx_replica* replica, const char* identity_json, wx_error* out_error) {
  const char* fn = "wx_replica_set_identity";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(identity_json, std::string(fn) + ": identity", false));
    Identity id;
    WX_RETURN_IF_ERROR(args.take("user", id.user));
    WX_RETURN_IF_ERROR(args.take("role", id.role));
    WX_RETURN_IF_ERROR(args.take("bucket", id.bucket));
    WX_RETURN_IF_ERROR(args.take("school_bucket", id.school_bucket));
    WX_RETURN_IF_ERROR(args.finish({"user", "role", "bucket", "school_bucket"}));
    WX_ASSIGN_OR_RETURN(id, complete_identity(core.replica->schema(), std::move(id)));
    return core.replica->set_identity(id);
  });
}

bool wx_replica_set_server(wx_replica* replica, const char* url, wx_error* out_error) {
  const char* fn = "wx_replica_set_server";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(url, fn, "url"));
    WX_RETURN_IF_ERROR(check_server_url(url));
    return core.replica->set_setting("server", url);
  });
}

}  // extern "C"
